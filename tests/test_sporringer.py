"""Pages that list things run the same number of SQL queries with a few rows as with many.

The main pages pin exact counts in their own tests (Min side, the oppdrag list and page, the
letter, the editing overview, the report page, exports); this covers the remaining list pages by
comparing a small world with one ten times larger, which catches any query per row.
"""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from brukere.models import Rolle
from budsjett.models import Budsjettendring
from oppdrag.services import oppdrag_set_status
from styring.models import Tillegg
from tests.factories import (
    BudsjettkapittelFactory,
    BudsjettpostFactory,
    DepartementFactory,
    FristFactory,
    OppdragFactory,
    RapporteringspunktFactory,
    TildelingsbrevFactory,
    UserFactory,
    VirksomhetFactory,
)
from varsler.kalender import kalendertilgang_lag

pytestmark = pytest.mark.django_db


class Verden:
    def __init__(self, n: int):
        idag = timezone.localdate()
        self.dep = DepartementFactory()
        self.virk = VirksomhetFactory()
        self.redaktor = UserFactory(organisasjon=self.dep, rolle=Rolle.DEPARTEMENT_REDAKTOR)
        self.kontakt = UserFactory(organisasjon=self.virk, rolle=Rolle.VIRKSOMHET_KONTAKT)
        # n letters for n years, each with a reporting table row.
        self.brev = [TildelingsbrevFactory(virksomhet=self.virk, departement=self.dep, aar=idag.year - i,
                                           sendt_brev=True) for i in range(n)]
        for b in self.brev:
            RapporteringspunktFactory(tildelingsbrev=b, type="aarsrapport", rapport_aar=b.aar,
                                      telletidspunkt=date(b.aar, 12, 31), frist=date(b.aar + 1, 3, 15))
        brev = self.brev[0]
        # A tillegg that gives n oppdrag and changes n posts.
        self.tillegg = Tillegg.objects.create(tildelingsbrev=brev, nummer=1, tittel="Tillegg 1", status="sendt",
                                              sendt=timezone.now())
        kapittel = BudsjettkapittelFactory(tildelingsbrev=brev)
        for i in range(n):
            o = OppdragFactory(tildelingsbrev=brev, tillegg=self.tillegg, nummer=f"T-{i:03d}")
            FristFactory(oppdrag=o, tildelingsbrev=brev, tillegg=self.tillegg, dato=idag + timedelta(days=i + 1))
            post = BudsjettpostFactory(kapittel=kapittel, post=i + 1)
            Budsjettendring.objects.create(tillegg=self.tillegg, post=post, endring_kr=1_000 * (i + 1))
            oppdrag_set_status(oppdrag=o, status="paagaar", risiko="gul", risiko_tekst=f"Forsinket {i}",
                               acting_user=self.kontakt)
        self.token = kalendertilgang_lag(bruker=self.kontakt)


def _antall(user, url: str) -> int:
    client = Client()
    client.force_login(user)
    assert client.get(url).status_code == 200  # warm the session and caches
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(url).status_code == 200
    return len(ctx.captured_queries)


@pytest.mark.parametrize(("hvem", "sti"), [
    ("redaktor", lambda w: "/brev/"),
    ("kontakt", lambda w: "/rapporter/"),
    ("redaktor", lambda w: f"/brev/{w.brev[0].pk}/tillegg/1/"),
    ("redaktor", lambda w: f"/brev/{w.brev[0].pk}/historikk/"),
    ("redaktor", lambda w: f"/brev/{w.brev[0].pk}/budsjett.xlsx"),
    ("kontakt", lambda w: f"/oppdrag/kalender/{w.token}.ics"),
    ("kontakt", lambda w: "/oppdrag/kalender/"),
], ids=["brevliste", "rapportliste", "tillegg", "brevhistorikk", "budsjett-xlsx", "kalenderstrom",
        "kalenderinnstillinger"])
def test_like_mange_sporringer_med_faa_og_mange_rader(hvem, sti):
    liten = Verden(2)
    stor = Verden(20)
    a = _antall(getattr(liten, hvem), sti(liten))
    b = _antall(getattr(stor, hvem), sti(stor))
    assert a == b, f"{sti(stor)}: {a} spørringer med 2 rader, {b} med 20"
