"""Benchmarks, printed as figures measured in one run. `make bench` (not part of `make test`).

Runs against its own SQLite database (var/bench.sqlite3, in WAL mode as a server would run SQLite)
unless BENCH_DATABASE_URL is set. Ends with a Markdown table of every figure of the run, with the
date (README.md's table is pasted from it), then one line per goal, `GOAL <name> <measured> <goal>
met|not met`, and appends one row to bench/history.csv: when, on what machine, at which commit, and
each goal's measured value (a column per goal, so a page that gets slower shows up as a rising column).
"""

from __future__ import annotations

import csv
import os
import platform
import subprocess
import sys
import time
from datetime import datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ["DATABASE_URL"] = os.environ.get("BENCH_DATABASE_URL", f"sqlite:///{ROOT / 'var' / 'bench.sqlite3'}")
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
os.environ["EMAIL_URL"] = "memorymail://"

import django  # noqa: E402

django.setup()

from bench import nasjonal, paaminnelser, pdf, skala, ui  # noqa: E402
from bench.maskin import maskin  # noqa: E402

#: The parts in the order they run; `bench/run.py <part> …` runs some. "nasjonal" generates (or
#: reuses) the national data that "skala" measures; both use databases of their own.
DELER = (("ui", ui), ("paaminnelser", paaminnelser), ("pdf", pdf), ("nasjonal", nasjonal), ("skala", skala))


def main() -> int:
    from django.core.management import call_command
    from django.db import connection

    valgt = set(sys.argv[1:]) or {navn for navn, _ in DELER}  # e.g. `bench/run.py ui`
    if valgt - {"nasjonal", "skala"}:  # these two keep databases of their own, reused between runs
        db = os.environ["DATABASE_URL"]
        if db.startswith("sqlite:///"):
            for suffix in ("", "-wal", "-shm", "-journal"):
                Path(db.removeprefix("sqlite:///") + suffix).unlink(missing_ok=True)
        call_command("migrate", verbosity=0)
        if connection.vendor == "sqlite":
            with connection.cursor() as cursor:
                cursor.execute("PRAGMA journal_mode = WAL")
    start, load = datetime.now(), os.getloadavg()[0]
    maskinen = maskin()
    t0 = time.perf_counter()
    rows, goals, figures = [], [], dict(maskinen)
    for navn, modul in DELER:
        if navn in valgt:
            t_del = time.perf_counter()
            result = modul.run()
            # A part returns its rows, or (rows, goals) with goals as (name, measured, goal, met), or
            # (rows, goals, figures): figures {name: value} without a goal, for bench/history.csv.
            if isinstance(result, tuple):
                rows += result[0]
                goals += result[1]
                figures.update(result[2] if len(result) > 2 else {})
            else:
                rows += result
            print(f"  ({navn}: {time.perf_counter() - t_del:.0f} s)")
    total = time.perf_counter() - t0
    print(f"\nTotal benchmark time: {total:.1f} s")
    print(f"\nFigures of this run ({start:%Y-%m-%d %H:%M}, {' + '.join(sorted(valgt))}; {os.cpu_count()} cores, "
          f"Python {platform.python_version()}, {connection.vendor}, locmem e-mail; {total / 60:.1f} min):\n")
    print("| benchmark | figure |\n|---|---|")
    for benchmark, figure in rows:
        print(f"| {benchmark} | {figure} |")
    print()
    for name, measured, goal, met in goals:
        print(f"GOAL {name} {measured} {goal} {'met' if met else 'not met'}")
    _history(start=start, load=load, parts=sorted(valgt), minutes=total / 60, goals=goals, figures=figures,
             vendor=connection.vendor)
    return 0


HISTORY = ROOT / "bench" / "history.csv"
HISTORY_FIXED = ["date", "parts", "cores", "load", "python", "db", "commit", "uncommitted", "minutes"]


def _history(*, start: datetime, load: float, parts: list[str], minutes: float, goals: list, figures: dict,
             vendor: str) -> None:
    """Append this run to bench/history.csv: a column per goal and figure; a new one adds a column
    (the file is rewritten with the wider header, earlier rows empty there)."""
    def git(*args: str) -> str:
        try:
            return subprocess.run(["git", *args], cwd=ROOT, capture_output=True, text=True, timeout=30).stdout.strip()
        except (OSError, subprocess.SubprocessError):
            return ""

    row = {"date": f"{start:%Y-%m-%d %H:%M}", "parts": "+".join(parts), "cores": os.cpu_count(),
           "load": f"{load:.1f}", "python": platform.python_version(), "db": vendor,
           "commit": git("rev-parse", "--short", "HEAD"),
           "uncommitted": "yes" if git("status", "--porcelain", "--untracked-files=no") else "no",
           "minutes": f"{minutes:.1f}", **{name: measured for name, measured, _, _ in goals}, **figures}
    earlier, columns = [], list(HISTORY_FIXED)
    if HISTORY.exists():
        with HISTORY.open(newline="") as fh:
            reader = csv.DictReader(fh)
            columns += [c for c in reader.fieldnames or [] if c not in columns]
            earlier = list(reader)
    columns += [name for name in row if name not in columns]
    with HISTORY.open("w", newline="") as fh:
        writer = csv.DictWriter(fh, fieldnames=columns)
        writer.writeheader()
        writer.writerows([*earlier, row])
    print(f"\nbench/history.csv: row {len(earlier) + 1} appended")


if __name__ == "__main__":
    sys.exit(main())
