"""`make load`: concurrent users against gunicorn with the production settings on PostgreSQL.

1. The national data (bench/nasjonal.py, 16 ministries, 200 agencies, 10 years) in the database
   ``<BENCH_DATABASE_URL name>_nasjonal_200``, generated once and reused; the PDF orders of an
   earlier run are removed first, so that every run orders each letter for the first time.
2. USERS real portal users of that data, each logged in beforehand (a session made here, so the
   figures are the pages', not the login's PBKDF2): 35 agency users spread over the agencies and
   15 ministry users, one per ministry. The plan (cookies, the letter and oppdrag of each) goes to
   var/last/plan.json.
3. gunicorn as in the Dockerfile (config.wsgi, 3 sync workers, --timeout 60) with DJANGO_DEBUG=0 and
   collected static files, on 127.0.0.1:LOAD_PORT, plain HTTP on loopback (DJANGO_HTTPS=0).
4. Locust headless (bench/locustfile.py): USERS simulated users, started within 10 s, for
   LOAD_SECONDS, each reading a page and then thinking THINK seconds (the bound on the load), the
   mix: Min side, the oppdrag list, the letter, an oppdrag, a follow-up entry (POST), a PDF order.
5. Requests per second and p50/p95/p99 per page from Locust's CSV; goal p95 < 300 ms on every page
   and 0 errors, with the machine's load average before and after (the 2 cores are shared: a figure
   taken under other work is not the portal's). gunicorn is stopped at the end, and the run is
   appended to bench/history.csv as `make bench` does (parts "load").

Not part of `make test`. Environment: BENCH_DATABASE_URL (PostgreSQL, required), LOAD_PORT (8027),
LOAD_SECONDS (60), LOAD_USERS (50), REDIS_URL (passed on when set; else Celery's filesystem broker).
"""

from __future__ import annotations

import csv
import json
import os
import platform
import secrets
import signal
import subprocess
import sys
import time
import urllib.request
from datetime import datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
BENCH_DB = os.environ.get("BENCH_DATABASE_URL", "")
if not BENCH_DB.startswith(("postgres://", "postgresql://")):
    sys.exit("make load trenger PostgreSQL: sett BENCH_DATABASE_URL=postgres://bruker@vert:5432/database "
             "(databasen med nasjonale data lages ved siden av, som <navn>_nasjonal_200).")
os.environ["DATABASE_URL"] = BENCH_DB
# The sessions made here must be readable by gunicorn: the same secret key on both sides.
SECRET_KEY = "load-test-only-" + "k" * 40
os.environ["SECRET_KEY"] = SECRET_KEY
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
os.environ["EMAIL_URL"] = "memorymail://"

import django  # noqa: E402

django.setup()

from bench import nasjonal  # noqa: E402

PORT = int(os.environ.get("LOAD_PORT", "8027"))
SECONDS = int(os.environ.get("LOAD_SECONDS", "60"))
USERS = int(os.environ.get("LOAD_USERS", "50"))
THINK = (3.0, 7.0)  # seconds between a user's requests: a person reading the page
GOAL_P95_MS = 300
OUT = ROOT / "var" / "last"
PAGES = ["Min side", "oppdrag list", "letter", "oppdrag", "follow-up (POST)", "PDF order (POST)"]


def plan() -> dict:
    """USERS logged-in users of the national world and what each of them opens."""
    from django.conf import settings
    from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
    from django.contrib.sessions.backends.db import SessionStore

    from brukere.models import User
    from oppdrag.models import Oppdrag
    from styring.models import Tildelingsbrev

    aar = nasjonal.LAST_YEAR
    n_dep = min(15, USERS // 3)
    names = [f"dep{d:02d}.redaktor" for d in range(n_dep)]
    names += [f"v{(a * 197) % nasjonal.AGENCIES:03d}.{('kontakt', 'oppdrag', 'leder')[a % 3]}"
              for a in range(USERS - n_dep)]
    users = {u.username: u for u in User.objects.filter(username__in=names)}
    letters = {b.virksomhet_id: b.pk for b in Tildelingsbrev.objects.filter(aar=aar)}
    first_of_ministry = {}
    for b in Tildelingsbrev.objects.filter(aar=aar).order_by("virksomhet__kortnavn"):
        first_of_ministry.setdefault(b.departement_id, b.virksomhet_id)
    oppdrag: dict[int, list[int]] = {}
    for vid, pk in Oppdrag.objects.filter(aar=aar, rekkefolge__lt=10).values_list("virksomhet_id", "pk"):
        oppdrag.setdefault(vid, []).append(pk)
    backend = "django.contrib.auth.backends.ModelBackend"
    brukere = []
    for name in names:
        u = users[name]
        s = SessionStore()
        s[SESSION_KEY], s[BACKEND_SESSION_KEY], s[HASH_SESSION_KEY] = str(u.pk), backend, u.get_session_auth_hash()
        s.create()
        agency = u.organisasjon_id if u.organisasjon.type == "virksomhet" else first_of_ministry[u.organisasjon_id]
        brukere.append({"navn": name, "sesjon": s.session_key, "brev": letters[agency], "oppdrag": oppdrag[agency],
                        "folger_opp": u.organisasjon.type == "virksomhet"})
    return {"brukere": brukere, "cookie": settings.SESSION_COOKIE_NAME, "domene": "127.0.0.1",
            "csrf": secrets.token_hex(16), "tenketid": list(THINK)}


def _env(database_url: str) -> dict:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "BENCH_"))}
    env |= {"DATABASE_URL": database_url, "DJANGO_DEBUG": "0", "DJANGO_HTTPS": "0",
            "SECRET_KEY": SECRET_KEY, "ALLOWED_HOSTS": "127.0.0.1",
            "STATIC_ROOT": str(OUT / "static"), "EMAIL_URL": "memorymail://", "LOG_LEVEL": "WARNING"}
    return env


def _static_current() -> bool:
    """Whether the collected static files are newer than every source file."""
    manifest = OUT / "static" / "staticfiles.json"
    if not manifest.exists():
        return False
    collected = manifest.stat().st_mtime
    sources = [p for d in (ROOT / "static", *ROOT.glob("*/static")) for p in d.rglob("*") if p.is_file()]
    return all(p.stat().st_mtime <= collected for p in sources)


def _wait_up(url: str, seconds: float = 60) -> None:
    end = time.monotonic() + seconds
    while time.monotonic() < end:
        try:
            with urllib.request.urlopen(url, timeout=2) as r:
                if r.status == 200:
                    return
        except OSError:
            time.sleep(0.5)
    raise SystemExit(f"gunicorn svarte ikke på {url}")


def main() -> int:
    from django.db import connection

    OUT.mkdir(parents=True, exist_ok=True)
    start, load_before = datetime.now(), os.getloadavg()[0]
    world = nasjonal.ensure_world(nasjonal.AGENCIES)
    from bench.maskin import maskin

    maskinen = maskin()  # before the run: gunicorn and Locust are not running yet
    # No worker renders during the run, so an order left by an earlier run waits still and the next
    # order of that letter returns at once: without this, only a world's first run would measure
    # first orders. Every run starts with none.
    from dokumenter.models import PdfDokument

    PdfDokument.objects.all().delete()
    # Fresh planner statistics, as autovacuum keeps them in production: after a run on reused data
    # (its follow-up posts change oppdrag and add status rows) PostgreSQL once took another plan for
    # a ministry's red and yellow oppdrag, 74 ms instead of 7.9 ms, until the next ANALYZE.
    with connection.cursor() as c:
        c.execute("ANALYZE")
    s = connection.settings_dict
    database_url = (f"postgres://{s['USER']}{':' + s['PASSWORD'] if s['PASSWORD'] else ''}@{s['HOST'] or 'localhost'}"
                    f":{s['PORT'] or 5432}/{s['NAME']}")
    (OUT / "plan.json").write_text(json.dumps(plan(), ensure_ascii=False), encoding="utf-8")
    connection.close()
    env = _env(database_url)
    py = sys.executable
    if not _static_current():  # compressing every file takes minutes on a busy machine: only when changed
        subprocess.run([py, "manage.py", "collectstatic", "--noinput", "-v0"], cwd=ROOT, env=env, check=True)
    gunicorn = subprocess.Popen(
        [str(Path(py).parent / "gunicorn"), "config.wsgi:application", "--bind", f"127.0.0.1:{PORT}",
         "--workers", "3", "--timeout", "60", "--log-level", "warning"],
        cwd=ROOT, env=env, stdout=open(OUT / "gunicorn.log", "w"), stderr=subprocess.STDOUT)
    try:
        _wait_up(f"http://127.0.0.1:{PORT}/helse/")
        prefix = OUT / "locust"
        subprocess.run(
            [str(Path(py).parent / "locust"), "-f", str(ROOT / "bench" / "locustfile.py"), "--headless",
             "-u", str(USERS), "-r", str(max(1, USERS // 10)), "-t", f"{SECONDS}s", "--host",
             f"http://127.0.0.1:{PORT}", "--csv", str(prefix), "--only-summary", "--loglevel", "WARNING"],
            cwd=ROOT, env=env | {"LAST_PLAN": str(OUT / "plan.json")}, check=False)
    finally:
        load_after = os.getloadavg()[0]
        gunicorn.send_signal(signal.SIGTERM)
        gunicorn.wait(timeout=30)
    rows, goals, figures = report(prefix, world, start, (load_before, load_after))
    print("\n| benchmark | figure |\n|---|---|")
    for benchmark, figure in rows:
        print(f"| {benchmark} | {figure} |")
    print()
    for name, measured, goal, met in goals:
        print(f"GOAL {name} {measured} {goal} {'met' if met else 'not met'}")
    from bench.run import _history  # the same file and columns as make bench

    figures |= maskinen
    _history(start=start, load=load_before, parts=["load"], minutes=(datetime.now() - start).total_seconds() / 60,
             goals=goals, figures=figures, vendor="postgresql")
    return 0 if all(g[3] for g in goals) else 1


def report(prefix: Path, world: dict, start: datetime, load: tuple[float, float]):
    with open(f"{prefix}_stats.csv", encoding="utf-8") as f:
        stats = {r["Name"]: r for r in csv.DictReader(f)}
    total = stats["Aggregated"]
    rows, goals = [], []
    head = (f"load ({start:%Y-%m-%d %H:%M}; {os.cpu_count()} cores, Python {platform.python_version()}, "
            f"PostgreSQL, gunicorn 3 sync workers, DEBUG off): {USERS} users, think time {THINK[0]:.0f}–"
            f"{THINK[1]:.0f} s, {SECONDS} s, national data ({nasjonal.AGENCIES} agencies); load average "
            f"{load[0]:.1f} before, {load[1]:.1f} at the end")
    rows.append((head, f"{float(total['Requests/s']):.1f} requests/s, {total['Request Count']} requests, "
                       f"{total['Failure Count']} errors; p50/p95/p99 {total['50%']}/{total['95%']}/{total['99%']} ms"))
    for page in PAGES:
        r = stats.get(page)
        if r is None:
            rows.append((f"load: {page}", "no requests"))
            continue
        p95 = float(r["95%"])
        rows.append((f"load: {page}", f"{float(r['Requests/s']):.2f} requests/s ({r['Request Count']}), "
                                      f"{r['Failure Count']} errors; p50 {r['50%']} ms, p95 {r['95%']} ms, "
                                      f"p99 {r['99%']} ms"))
        slug = page.replace(" (POST)", "").replace(" ", "-").lower()
        goals.append((f"load-p95-{slug}", f"{p95:.0f}ms", f"<{GOAL_P95_MS}ms", p95 < GOAL_P95_MS))
    errors = int(total["Failure Count"])
    goals.append(("load-errors", str(errors), "0", errors == 0))
    # Figures without a goal, for bench/history.csv beside the goals.
    figures = {"load-requests-per-second": f"{float(total['Requests/s']):.1f}", "load-p50-ms": total["50%"],
               "load-p95-ms": total["95%"], "load-p99-ms": total["99%"], "load-load-at-end": f"{load[1]:.1f}"}
    return rows, goals, figures


if __name__ == "__main__":
    sys.exit(main())
