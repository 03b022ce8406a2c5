"""Min side: due soon, overdue, red and yellow, mine and the latest follow-up — only what the
person may see, in a fixed number of queries."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from django.utils import timezone

from brukere.models import Rolle
from oppdrag.services import oppdrag_set_status
from tests.factories import FristFactory, OppdragFactory, TildelingsbrevFactory, UserFactory

from .test_min_side_forekomster import moter_risiko_og_revisjon

pytestmark = pytest.mark.django_db


def _brev(**kw):
    return TildelingsbrevFactory(sendt_brev=True, aar=timezone.localdate().year, **kw)


def _oppdrag(brev, n: int, *, frist: date, **kw):
    o = OppdragFactory(tildelingsbrev=brev, nummer=f"{brev.aar}-{n:03d}", tittel=f"Oppdrag nummer {n}", **kw)
    FristFactory(oppdrag=o, tildelingsbrev=brev, dato=frist, tekst=f"{frist:%d.%m.%Y}")
    return o


def test_min_side_viser_frister_forfalte_og_risiko_for_egen_virksomhet(client):
    idag = timezone.localdate()
    brev = _brev()
    annet = _brev()
    bruker = UserFactory(organisasjon=brev.virksomhet, rolle=Rolle.VIRKSOMHET_OPPDRAGSEIER)
    snart = _oppdrag(brev, 1, frist=idag + timedelta(days=5), ansvarlig=bruker)
    forfalt = _oppdrag(brev, 2, frist=idag - timedelta(days=10))
    gul = _oppdrag(brev, 3, frist=idag + timedelta(days=200))
    oppdrag_set_status(oppdrag=gul, status="paagaar", risiko="gul", risiko_tekst="Forsinket leveranse fra partner",
                       kommentar="Venter på data", acting_user=bruker)
    fremmed = _oppdrag(annet, 4, frist=idag + timedelta(days=3))

    client.force_login(bruker)
    html = client.get("/").content.decode()

    assert snart.tittel in html and "Meg" in html  # due soon, and it is mine
    assert forfalt.tittel in html  # overdue without delivery
    assert "Oppdrag med rød eller gul risiko" in html and gul.tittel in html and "Gul" in html
    assert "Venter på data" in html  # latest follow-up
    assert fremmed.tittel not in html  # another agency's oppdrag never shows


def test_levert_oppdrag_er_ikke_forfalt(client):
    idag = timezone.localdate()
    brev = _brev()
    bruker = UserFactory(organisasjon=brev.virksomhet, rolle=Rolle.VIRKSOMHET_KONTAKT)
    levert = _oppdrag(brev, 1, frist=idag - timedelta(days=3))
    oppdrag_set_status(oppdrag=levert, status="levert", acting_user=bruker)
    client.force_login(bruker)
    html = client.get("/").content.decode()
    assert "Ingen passerte frister uten levering" in html


def test_departementet_ser_tall_per_virksomhet(client):
    idag = timezone.localdate()
    brev = _brev()
    dep = UserFactory(organisasjon=brev.departement, rolle=Rolle.DEPARTEMENT_REDAKTOR)
    rod = _oppdrag(brev, 1, frist=idag + timedelta(days=40))
    oppdrag_set_status(oppdrag=rod, status="paagaar", risiko="rod", risiko_tekst="Svært forsinket",
                       acting_user=UserFactory(organisasjon=brev.virksomhet, rolle=Rolle.VIRKSOMHET_KONTAKT))
    client.force_login(dep)
    html = client.get("/").content.decode()
    assert "Virksomhetene" in html and brev.virksomhet.navn in html
    assert rod.tittel in html and "Rød" in html


@pytest.mark.parametrize("moduler", [False, True], ids=["bare-brevet", "med-moter-risiko-revisjon"])
@pytest.mark.parametrize("antall", [3, 120])
def test_min_side_bruker_like_mange_sporringer_uansett_antall(client, django_assert_num_queries, antall, moduler):
    idag = timezone.localdate()
    brev = _brev()
    bruker = UserFactory(organisasjon=brev.departement, rolle=Rolle.DEPARTEMENT_REDAKTOR)
    eier = UserFactory(organisasjon=brev.virksomhet, rolle=Rolle.VIRKSOMHET_OPPDRAGSEIER)
    for n in range(antall):
        o = _oppdrag(brev, n, frist=idag + timedelta(days=n % 60 - 20), ansvarlig=eier)
        if n % 3 == 0:
            oppdrag_set_status(oppdrag=o, status="paagaar", risiko="gul", risiko_tekst="Forsinket", acting_user=eier)
    if moduler:
        moter_risiko_og_revisjon(brev, bruker, eier, idag)
    client.force_login(bruker)
    client.get("/")  # warm the session
    # 14 + the unread notices ("Nytt siden sist") + the agencies of the letters the person may see (the
    # reminders are scoped to them: oversikt, omfang) + which of meetings, risk assessments and
    # Riksrevisjonen remarks hold anything the person may see (one query: moduler_i_bruk). Where they
    # do: in the one reminder read (coming and passed together, split at today) two for risk and
    # Riksrevisjonen measures and two for meetings (agenda deadlines, oppfølgingspunkter), and the
    # coming meetings and the open oppfølgingspunkter: 22. Where none of them is in use, those six
    # are not read: 16. 30 when the coming and the passed were read apart.
    with django_assert_num_queries(22 if moduler else 16):
        html = client.get("/").content.decode()
    if moduler:
        assert "Møter de neste 60 dagene" in html and "Oppfølgingspunkter fra møter" in html


def test_departementet_ser_ikke_et_annet_departements_brev_til_samme_virksomhet(client):
    """IMDi moved from one ministry to another: the new ministry does not see the old one's letters,
    oppdrag or report deadlines on Min side or in its calendar feed."""
    from tests.factories import RapporteringspunktFactory
    from varsler.kalender import kalendertilgang_lag

    idag = timezone.localdate()
    gammelt = _brev()
    nytt = TildelingsbrevFactory(sendt_brev=True, aar=gammelt.aar + 1, virksomhet=gammelt.virksomhet)
    _oppdrag(gammelt, 1, frist=idag + timedelta(days=5))
    RapporteringspunktFactory(tildelingsbrev=gammelt, type="annet", rapport_aar=gammelt.aar, betegnelse="Særrapport",
                              telletidspunkt=idag, frist=idag + timedelta(days=6))
    eget = _oppdrag(nytt, 2, frist=idag + timedelta(days=7))
    dep = UserFactory(organisasjon=nytt.departement, rolle=Rolle.DEPARTEMENT_REDAKTOR)
    client.force_login(dep)
    html = client.get("/").content.decode()
    assert eget.tittel in html
    assert "Oppdrag nummer 1" not in html and "Særrapport" not in html
    ics = client.get(f"/oppdrag/kalender/{kalendertilgang_lag(bruker=dep)}.ics").content.decode()
    assert eget.nummer in ics and "Særrapport" not in ics and f"{gammelt.aar}-001" not in ics
