"""Flat in size: an agency's and a ministry's pages at 10 and at 200 agencies (bench/nasjonal.py).

The same pages of the same agency (V000) and ministry (DEP00, which steers agencies 0–9 in both
worlds) are fetched in the world of 10 agencies and in the national world of 200, through Django's
test client (middleware, session, view, queries, template). Measured in one run: the two worlds
are taken in turn, ROUNDS times; in each turn every page is fetched once to warm up and then
PER_TURN times, and a page's time is the fastest of all its fetches in that world. A page is flat
when time(200) / time(10) ≤ GOAL_RATIO and it runs the same number of queries in both.
"""

from __future__ import annotations

import time

from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext, override_settings

from bench import nasjonal

ROUNDS, PER_TURN = 4, 3
GOAL_RATIO = 1.2


def _pages() -> dict[str, tuple[str, str, str]]:
    """key → (username, url, text the page must show), looked up in the current world."""
    from oppdrag.models import Oppdrag
    from rapportering.models import Rapport
    from styring.models import Tildelingsbrev

    aar = nasjonal.LAST_YEAR
    brev = Tildelingsbrev.objects.get(virksomhet__kortnavn="V000", aar=aar)
    oppdrag = Oppdrag.objects.get(virksomhet__kortnavn="V000", nummer=f"{aar}-01")
    rapport = Rapport.objects.get(virksomhet__kortnavn="V000", type="aarsrapport", rapport_aar=aar - 1)
    sider = {}
    for hvem, bruker in (("agency", "v000.kontakt"), ("ministry", "dep00.redaktor")):
        sider |= {
            f"{hvem}: Min side": (bruker, "/", "Min side"),
            f"{hvem}: letter": (bruker, f"/brev/{brev.pk}/", f"{aar}-{nasjonal.PER_LETTER:02d}"),
            f"{hvem}: oppdrag list": (bruker, f"/oppdrag/?aar={aar}", f"{aar}-01"),
            f"{hvem}: oppdrag": (bruker, f"/oppdrag/{oppdrag.pk}/", oppdrag.tittel[:40]),
            f"{hvem}: reports": (bruker, "/rapporter/", f"Årsrapport {aar - 1}"),
            f"{hvem}: report": (bruker, f"/rapporter/{rapport.pk}/", f"Årsrapport {aar - 1}"),
        }
    return sider


def _clients(sider) -> dict[str, Client]:
    from brukere.models import User

    clients = {}
    for bruker, _url, _tekst in sider.values():
        if bruker not in clients:
            clients[bruker] = Client()
            clients[bruker].force_login(User.objects.get(username=bruker))
    return clients


def _fetch(client: Client, url: str) -> None:
    r = client.get(url)
    assert r.status_code == 200, f"{url}: {r.status_code}"


def measure() -> dict[int, dict[str, tuple[float, int]]]:
    """{agencies: {page: (fastest seconds, queries)}}, the worlds taken in turn."""
    worlds = (nasjonal.SMALL_AGENCIES, nasjonal.AGENCIES)
    samples = {n: {} for n in worlds}
    queries = {n: {} for n in worlds}
    with override_settings(ALLOWED_HOSTS=["testserver"], DEBUG=False):
        for runde in range(ROUNDS):
            for n in worlds:
                nasjonal.use_world(n)
                sider = _pages()
                clients = _clients(sider)
                for key, (bruker, url, tekst) in sider.items():
                    r = clients[bruker].get(url)  # warm-up, and what the page must show
                    assert r.status_code == 200, f"{url}: {r.status_code}"
                    assert tekst in r.content.decode(), f"{key} ({n} agencies): {url} mangler {tekst!r}"
                    if runde == 0:
                        with CaptureQueriesContext(connection) as ctx:
                            _fetch(clients[bruker], url)
                        queries[n][key] = len(ctx.captured_queries)
                for _ in range(PER_TURN):
                    for key, (bruker, url, _tekst) in sider.items():
                        t0 = time.perf_counter()
                        _fetch(clients[bruker], url)
                        samples[n].setdefault(key, []).append(time.perf_counter() - t0)
    return {n: {key: (min(ts), queries[n][key]) for key, ts in samples[n].items()} for n in worlds}


def run() -> tuple[list[tuple[str, str]], list[tuple[str, str, str, bool]]]:
    """Rows for the figures table and goals (name, measured, goal, met)."""
    small, big = nasjonal.SMALL_AGENCIES, nasjonal.AGENCIES
    print(f"Flat i størrelse: sidene ved {small} og ved {big} virksomheter")
    result = measure()
    rows, goals = [], []
    for key in result[small]:
        t1, q1 = result[small][key]
        t2, q2 = result[big][key]
        ratio = t2 / t1
        figure = (f"{t1 * 1000:.1f} ms ({q1} queries) at {small} agencies, {t2 * 1000:.1f} ms ({q2} queries) at "
                  f"{big}: ratio {ratio:.2f} (goal ≤ {GOAL_RATIO}), queries {'equal' if q1 == q2 else 'DIFFER'}")
        print(f"  {key}: {figure}")
        rows.append((f"flat in size ({connection.vendor}): {key}", figure))
        slug = key.replace(": ", "-").replace(" ", "-").lower()
        goals.append((f"flat-{slug}", f"{ratio:.2f}", f"≤{GOAL_RATIO}", ratio <= GOAL_RATIO and q1 == q2))
    return rows, goals
