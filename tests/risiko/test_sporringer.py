"""The risk and Riksrevisjonen pages run a fixed number of queries however many risks, measures,
remarks and replies they show (a small world against one five times larger), and no more than pinned."""

from __future__ import annotations

from datetime import date

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from brukere.models import Rolle
from revisjon.models import Merknad, Revisjonstiltak
from risiko.models import Risiko, Risikotiltak
from tests.factories import DepartementFactory, TildelingsbrevFactory, UserFactory, VirksomhetFactory
from tests.risiko.verden import lag_vurdering

pytestmark = pytest.mark.django_db


class Verden:
    def __init__(self, n: int):
        self.dep = DepartementFactory()
        self.virk = VirksomhetFactory()
        TildelingsbrevFactory(virksomhet=self.virk, departement=self.dep, aar=2024, sendt_brev=True)
        self.kontakt = UserFactory(organisasjon=self.virk, rolle=Rolle.VIRKSOMHET_KONTAKT)
        self.redaktor = UserFactory(organisasjon=self.dep, rolle=Rolle.DEPARTEMENT_REDAKTOR)
        forrige, _ = lag_vurdering(virksomhet=self.virk, departement=self.dep, aar=2024, periodetype="halvaar",
                                   delt=True)
        self.vurdering, forste = lag_vurdering(virksomhet=self.virk, departement=self.dep, aar=2024, delt=True,
                                               forrige=forrige.risikoer.get())
        for i in range(n):
            r = forste if i == 0 else Risiko.objects.create(
                vurdering=self.vurdering, nummer=i + 1, tittel=f"Risiko {i}", sannsynlighet=1 + i % 5,
                konsekvens=1 + (i * 2) % 5, rest_sannsynlighet=1, rest_konsekvens=1, akseptabel=True)
            for j in range(2):
                Risikotiltak.objects.create(risiko=r, tekst=f"Tiltak {i}.{j}", ansvarlig=self.kontakt,
                                            frist=date(2025, 1, 1 + j))
            m = Merknad.objects.create(virksomhet=self.virk, departement=self.dep, kilde="aarlig",
                                       dato=date(2024, 5, 1), tittel=f"Merknad {i}", alvorlighet="alvorlig")
            Revisjonstiltak.objects.create(merknad=m, tekst="Tiltak", ansvarlig=self.kontakt, frist=date(2025, 2, 1))
        self.merknad = m


def _antall(user, url: str) -> int:
    client = Client()
    client.force_login(user)
    assert client.get(url).status_code == 200
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(url).status_code == 200
    return len(ctx.captured_queries)


@pytest.mark.parametrize(("hvem", "sti", "maks"), [
    ("kontakt", lambda w: "/risiko/", 4),
    # 16: the trend reads the risks back to the assessment the reader last saw in one query.
    ("kontakt", lambda w: f"/risiko/{w.vurdering.pk}/", 16),
    ("redaktor", lambda w: f"/risiko/{w.vurdering.pk}/", 16),
    ("kontakt", lambda w: "/riksrevisjonen/", 5),
    ("redaktor", lambda w: f"/riksrevisjonen/{w.merknad.pk}/", 12),
    ("kontakt", lambda w: f"/riksrevisjonen/{w.merknad.pk}/", 14),
], ids=["risikoliste", "vurdering-virksomhet", "vurdering-departement", "merknadsliste", "merknad-departement",
        "merknad-virksomhet"])
def test_like_mange_sporringer_med_faa_og_mange_rader(hvem, sti, maks):
    liten, stor = Verden(2), Verden(10)
    a = _antall(getattr(liten, hvem), sti(liten))
    b = _antall(getattr(stor, hvem), sti(stor))
    assert a == b, f"{sti(stor)}: {a} spørringer med 2 rader, {b} med 10"
    assert b <= maks, f"{sti(stor)}: {b} spørringer, høyst {maks} er festet"
