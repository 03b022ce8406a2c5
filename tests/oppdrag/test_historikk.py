"""An oppdrag's history: outside the ministry that gave it only what happened once the oppdrag
was in force; follow-up records deleted still read well; times in Oslo."""

from __future__ import annotations

import re
from datetime import date

import pytest
from django.urls import reverse
from django.utils import timezone

from kjerne.historikk import acting_user
from oppdrag.models import Frist, Leveranse, Oppdragskommentar, Statusoppdatering
from oppdrag.services import oppdrag_kommenter, oppdrag_set_status
from tests.factories import FristFactory, MilepaelFactory, OppdragFactory, TildelingsbrevFactory, UserFactory

pytestmark = pytest.mark.django_db

MARKOR = "UTKASTMARKØR-7f3a"


def _historikk(html: str) -> str:
    return html.split('id="historikk"')[1]


@pytest.fixture
def brev_med_utkast_endring():
    """A 2024 letter edited as a draft (the marker typed into the oppdrag's description, a frist
    and a milepæl, then replaced), then sent; and a 2025 draft restating a frist with the marker."""
    brev = TildelingsbrevFactory(aar=2024)
    red = UserFactory(organisasjon=brev.departement, first_name="Eva", last_name="Redaktør")
    with acting_user(red):
        o = OppdragFactory(tildelingsbrev=brev, departement=brev.departement, nummer="2024-07",
                           beskrivelse=f"Første tanke {MARKOR}")
        frist = FristFactory(oppdrag=o, tekst=f"1. juni 2024 {MARKOR}", dato=date(2024, 6, 1))
        milepael = MilepaelFactory(oppdrag=o, tittel=f"Plan {MARKOR}")
        o.beskrivelse = "Kartlegg behovet."
        o.save()
        frist.tekst = "1. juni 2024"
        frist.save()
        milepael.tittel = "Plan"
        milepael.save()
        brev.status, brev.sendt = "sendt", timezone.now()
        brev.save()
        o.beskrivelse = "Kartlegg behovet i alle fylker."  # after sending: everyone sees this
        o.save()
        neste = TildelingsbrevFactory(aar=2025, virksomhet=brev.virksomhet, departement=brev.departement)
        FristFactory(oppdrag=o, tildelingsbrev=neste, tekst=f"Ny frist {MARKOR}", dato=date(2025, 3, 1))
    virk = UserFactory(organisasjon=brev.virksomhet, rolle="virk_kontakt", first_name="Vera", last_name="Virk")
    return o, red, virk


def test_utenfor_departementet_vises_bare_det_som_skjedde_etter_sending(client, brev_med_utkast_endring):
    o, red, virk = brev_med_utkast_endring
    client.force_login(virk)
    html = _historikk(client.get(reverse("oppdrag:detalj", args=[o.pk])).content.decode())
    assert MARKOR not in html
    assert "Kartlegg behovet i alle fylker." in html  # the change made after sending is shown
    client.force_login(red)
    html = _historikk(client.get(reverse("oppdrag:detalj", args=[o.pk])).content.decode())
    assert MARKOR in html and "Kartlegg behovet i alle fylker." in html


def test_observator_ser_heller_ikke_utkastet(client, brev_med_utkast_endring):
    o, _, _ = brev_med_utkast_endring
    client.force_login(UserFactory(observator=True))
    r = client.get(reverse("oppdrag:detalj", args=[o.pk]))
    assert r.status_code == 200 and MARKOR not in r.content.decode()


def test_slettet_oppfolging_kommentar_og_leveranse_vises(client):
    brev = TildelingsbrevFactory(sendt_brev=True)
    o = OppdragFactory(tildelingsbrev=brev, departement=brev.departement, nummer="2024-09")
    virk = UserFactory(organisasjon=brev.virksomhet, rolle="virk_oppdragseier")
    dep = UserFactory(organisasjon=brev.departement)
    oppdrag_set_status(oppdrag=o, status="paagaar", risiko="gul", risiko_tekst="Forsinket.", acting_user=virk)
    oppdrag_kommenter(oppdrag=o, tekst="Hold oss orientert.", acting_user=dep)
    with acting_user(virk):
        Leveranse.objects.create(oppdrag=o, tittel="Delrapport", fil="leveranser/d.pdf", storrelse=10, levert_av=virk)
    with acting_user(dep):
        for model in (Leveranse, Oppdragskommentar, Statusoppdatering, Frist):
            model.objects.filter(oppdrag=o).delete()
    client.force_login(dep)
    r = client.get(reverse("oppdrag:detalj", args=[o.pk]))
    assert r.status_code == 200
    objekter = re.findall(r'<p class="endringslogg-objekt">(.*?)</p>', _historikk(r.content.decode()))
    for navn in ("Leveranse «Delrapport»", "Kommentar fra departementet", "Statusoppdatering"):
        assert any(s.startswith(navn) and s.endswith("slettet") for s in objekter), (navn, objekter)
    # Filtered on follow-up only, no oppdrag rows.
    r = client.get(reverse("oppdrag:detalj", args=[o.pk]), {"del_": "oppfolging"})
    objekter = re.findall(r'<p class="endringslogg-objekt">(.*?)</p>', _historikk(r.content.decode()))
    assert objekter and not any(s.startswith("Oppdrag ") for s in objekter)


def test_eieren_ser_ikke_et_annet_departements_utkast(client, brev_med_utkast_endring):
    """Another ministry's draft letter to the same agency restating the frist stays its own."""
    o, red, _ = brev_med_utkast_endring
    annet = TildelingsbrevFactory(aar=2026, virksomhet=o.virksomhet)
    FristFactory(oppdrag=o, tildelingsbrev=annet, tekst="Annet departements utkast ANNETDEPMARKØR",
                 dato=date(2026, 4, 1))
    client.force_login(red)
    html = _historikk(client.get(reverse("oppdrag:detalj", args=[o.pk])).content.decode())
    assert "ANNETDEPMARKØR" not in html
    assert MARKOR in html  # its own drafts it does see
