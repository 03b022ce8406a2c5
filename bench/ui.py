"""Server time of the main pages over 10 agencies × 10 years (about 5,000 oppdrag).

Measured in one run, through Django's test client (the whole request: middleware, view, queries,
template), as the fastest of several requests after a warm-up. Printed as ratios to
(a) the Django admin changelist of the same 500 oppdrag — goal ≤ 1.0 — and
(b) a trivial view rendering the same 500 rows from a precomputed list with the same template
engine — goal ≤ 2.0.
"""

from __future__ import annotations

import time
from datetime import date, timedelta

from django.db import connection
from django.template import engines
from django.test import Client
from django.test.utils import CaptureQueriesContext
from simple_history.utils import bulk_create_with_history

AGENCIES, YEARS, PER_LETTER = 10, 10, 50
FIRST_YEAR = 2015
LAST_YEAR = FIRST_YEAR + YEARS - 1
REPEAT = 15

TRIVIAL = engines["django"].from_string(
    """{% for o in rows %}<tr><td>{{ o.nummer }}</td><td><a href="/oppdrag/{{ o.pk }}/">{{ o.tittel|truncatechars:140 }}</a></td>"""
    """<td>{{ o.maal }}</td><td>{{ o.frist }}</td><td>{{ o.status }}</td><td>{{ o.risiko }}</td><td>{{ o.ansvarlig }}</td></tr>"""
    """{% endfor %}"""
)


def _generate():
    from brukere.models import Rolle, User
    from budsjett.models import Budsjettkapittel, Budsjettpost
    from oppdrag.models import Frist, Oppdrag, Risiko, Status
    from styring.models import Maal, Organisasjon, Styringsparameter, Tildelingsbrev

    dep = Organisasjon.objects.create(kortnavn="BENCHDEP", navn="Benchdepartementet", type="departement")
    dep_user = User.objects.create_user("bench-dep", "dep@bench.no", "x" * 16, organisasjon=dep,
                                        rolle=Rolle.DEPARTEMENT_REDAKTOR)
    User.objects.create_superuser("bench-admin", "admin@bench.no", "x" * 16)
    statuses = [Status.PAAGAAR, Status.IKKE_STARTET, Status.LEVERT, Status.PAAGAAR]
    risks = [Risiko.GRONN, Risiko.GUL, Risiko.ROD, Risiko.IKKE_VURDERT]
    for a in range(AGENCIES):
        org = Organisasjon.objects.create(kortnavn=f"BV{a}", navn=f"Benchdirektoratet {a}", type="virksomhet")
        owner = User.objects.create_user(f"bench-v{a}", f"v{a}@bench.no", "x" * 16, organisasjon=org,
                                         rolle=Rolle.VIRKSOMHET_OPPDRAGSEIER, first_name="Ola", last_name=f"Ansvarlig {a}")
        for year in range(FIRST_YEAR, LAST_YEAR + 1):
            brev = Tildelingsbrev.objects.create(virksomhet=org, departement=dep, aar=year, status="sendt",
                                                 sendt=_now(), dato=date(year - 1, 12, 20), kontaktperson=dep_user)
            maal = [Maal.objects.create(tildelingsbrev=brev, nummer=n, tittel=f"Mål {n} for {org.kortnavn} {year}")
                    for n in range(1, 6)]
            for m in maal:
                Styringsparameter.objects.create(maal=m, kode=f"SP {m.nummer}", tekst=f"Parameter for mål {m.nummer}")
            kap = Budsjettkapittel.objects.create(tildelingsbrev=brev, nummer=670 + a, betegnelse="Benchkapittel")
            for p in (1, 21, 45, 60, 70):
                Budsjettpost.objects.create(kapittel=kap, post=p, betegnelse=f"Post {p}", tildelt_kr=1_000_000 * p)
            oppdrag = [Oppdrag(virksomhet=org, tildelingsbrev=brev, departement=brev.departement, aar=year,
                               nummer=f"{year}-{i + 1:02d}",
                               maal=maal[i % 5], tittel=f"Benchoppdrag {i + 1} for {org.kortnavn} i {year}: "
                               "utrede, gjennomføre og rapportere", rekkefolge=i,
                               status=statuses[i % 4], risiko=risks[i % 4], ansvarlig=owner if i % 3 else None,
                               beskrivelse="Beskrivelse av oppdraget. " * 5)
                       for i in range(PER_LETTER)]
            bulk_create_with_history(oppdrag, Oppdrag, batch_size=500)
            saved = Oppdrag.objects.filter(tildelingsbrev=brev)
            frister = []
            for o in saved:
                d1 = date(year, 3, 1) + timedelta(days=(o.rekkefolge * 7) % 300)
                frister.append(Frist(oppdrag=o, tildelingsbrev=brev, tekst=f"Del 1: {d1:%d.%m.%Y}", form="dato", dato=d1,
                                     del_betegnelse="Del 1", rekkefolge=0))
                d2 = d1 + timedelta(days=400)
                frister.append(Frist(oppdrag=o, tildelingsbrev=brev, tekst=f"Del 2: {d2:%d.%m.%Y}", form="dato", dato=d2,
                                     del_betegnelse="Del 2", rekkefolge=1))
            bulk_create_with_history(frister, Frist, batch_size=500)
    return dep_user


def _now():
    from django.utils import timezone

    return timezone.now()


def _time(fn) -> tuple[float, int]:
    fn()  # warm-up (template loading, caches)
    samples = []
    for _ in range(REPEAT):
        t0 = time.perf_counter()
        fn()
        samples.append(time.perf_counter() - t0)
    with CaptureQueriesContext(connection) as ctx:
        fn()
    # The fastest of several runs: what the code costs when the machine is not busy elsewhere
    # (the same rule for every page and for both baselines, as timeit recommends).
    return min(samples), len(ctx.captured_queries)


def _get(client, url, expect_text=None):
    def fn():
        r = client.get(url)
        assert r.status_code == 200, f"{url}: {r.status_code}"
        if expect_text:
            assert expect_text in r.content.decode(), f"{url}: mangler {expect_text!r}"
        return r
    return fn


def run() -> dict:
    from django.contrib import admin
    from django.test.utils import override_settings

    from oppdrag.models import Oppdrag
    from styring.models import Tildelingsbrev

    print(f"Sider (issue 3): {AGENCIES} virksomheter × {YEARS} år")
    t0 = time.perf_counter()
    dep_user = _generate()
    print(f"  generated {Oppdrag.objects.count()} oppdrag in {time.perf_counter() - t0:.1f} s")

    with override_settings(ALLOWED_HOSTS=["testserver"], DEBUG=False):
        dep = Client()
        dep.force_login(dep_user)
        sup = Client()
        sup.force_login(type(dep_user).objects.get(username="bench-admin"))
        brev = Tildelingsbrev.objects.get(virksomhet__kortnavn="BV0", aar=LAST_YEAR)

        oppdrag_admin = admin.site._registry[Oppdrag]
        oppdrag_admin.list_per_page = 500
        rows_qs = Oppdrag.objects.filter(aar=LAST_YEAR)
        assert rows_qs.count() == AGENCIES * PER_LETTER

        pre = [{"pk": o.pk, "nummer": o.nummer, "tittel": o.tittel, "maal": f"Mål {o.maal.nummer}",
                "frist": "01.03.2024", "status": o.get_status_display(), "risiko": o.get_risiko_display(),
                "ansvarlig": str(o.ansvarlig or "")} for o in rows_qs.select_related("maal", "ansvarlig")]

        def trivial():
            html = TRIVIAL.render({"rows": pre})
            assert html.count("<tr>") == 500

        results = {
            "admin": _time(_get(sup, f"/admin/oppdrag/oppdrag/?aar={LAST_YEAR}")),
            "trivial": _time(trivial),
            "dashboard": _time(_get(dep, "/")),
            "brev": _time(_get(dep, f"/brev/{brev.pk}/", expect_text=f"{LAST_YEAR}-01")),
            "liste": _time(_get(dep, f"/oppdrag/?aar={LAST_YEAR}&per_side=500", expect_text=f"{LAST_YEAR}-50")),
        }
    base_admin, base_trivial = results["admin"][0], results["trivial"][0]
    print(f"  admin changelist, 500 oppdrag: {base_admin * 1000:.0f} ms ({results['admin'][1]} queries)")
    print(f"  trivial view, 500 precomputed rows: {base_trivial * 1000:.1f} ms")
    figures = {}
    for key, label in (("dashboard", "Min side (departementet, 10 virksomheter)"),
                       ("brev", "tildelingsbrevet (50 nye + tidligere oppdrag)"),
                       ("liste", "oppdragslisten, 500 rader")):
        t, q = results[key]
        figures[key] = (t, t / base_admin, t / base_trivial, q)
        print(f"  {label}: {t * 1000:.0f} ms, {q} queries; ratio to admin {t / base_admin:.2f} (goal ≤ 1.0), "
              f"to trivial {t / base_trivial:.2f}" + (" (goal ≤ 2.0)" if key == "liste" else ""))
    return figures
