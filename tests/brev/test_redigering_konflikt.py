"""Two people edit the same record: the second save is refused with what the first changed."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from oppdrag.models import Oppdrag
from tests.brev.test_redigering import formsett, versjon
from tests.factories import FristFactory, MaalFactory, OppdragFactory, TildelingsbrevFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def brev():
    return TildelingsbrevFactory(aar=2025)


def _klient(brev, fornavn):
    c = Client()
    c.force_login(UserFactory(organisasjon=brev.departement, first_name=fornavn, last_name="Hansen"))
    return c


def test_to_lagrer_samme_maal_den_andre_faar_konflikt_og_kan_lagre_etterpaa(brev):
    maal = MaalFactory(tildelingsbrev=brev, nummer=1, tittel="Flere i arbeid")
    url = reverse("brev:rediger-maal", args=[brev.pk, maal.pk])
    anne, bjorn = _klient(brev, "Anne"), _klient(brev, "Bjørn")
    v_anne = versjon(anne.get(url).content.decode())
    v_bjorn = versjon(bjorn.get(url).content.decode())

    assert anne.post(url, {"nummer": "1", "tittel": "Flere deltar i arbeidslivet", "versjon": v_anne}).status_code == 302

    r = bjorn.post(url, {"nummer": "1", "tittel": "Flere i jobb", "tekst": "Bjørns tekst", "versjon": v_bjorn})
    assert r.status_code == 200
    side = r.content.decode()
    assert "Anne Hansen har lagret endringer etter at du åpnet skjemaet" in side
    assert "<del>Flere i arbeid</del>" in side and "<ins>Flere deltar i arbeidslivet</ins>" in side
    assert "Endringer gjort av Anne Hansen" in side
    maal.refresh_from_db()
    assert (maal.tittel, maal.tekst) == ("Flere deltar i arbeidslivet", "")

    # Bjørn has now seen Anne's change; saving again is a deliberate overwrite and succeeds.
    r = bjorn.post(url, {"nummer": "1", "tittel": "Flere i jobb", "tekst": "Bjørns tekst", "versjon": versjon(side)})
    assert r.status_code == 302
    maal.refresh_from_db()
    assert (maal.tittel, maal.tekst) == ("Flere i jobb", "Bjørns tekst")
    assert maal.history.first().history_user.first_name == "Bjørn"


def _oppdrag_post(side, tittel, frist_tekst, frist):
    data = {"oppdrag-nummer": "2025-01", "oppdrag-tittel": tittel, "oppdrag-versjon": versjon(side, "oppdrag")}
    data.update(formsett("frister", [{"id": str(frist.pk), "tekst": frist_tekst,
                                      "versjon": versjon(side, "frister-0")}], initial=1))
    data.update(formsett("milepaeler", []))
    return data


def test_to_lagrer_samme_oppdrag_ingenting_overskrives(brev):
    o = OppdragFactory(tildelingsbrev=brev, nummer="2025-01", tittel="Opprinnelig")
    frist = FristFactory(oppdrag=o, tildelingsbrev=brev, tekst="1. mars 2025")
    url = reverse("brev:rediger-oppdrag", args=[brev.pk, o.pk])
    anne, bjorn = _klient(brev, "Anne"), _klient(brev, "Bjørn")
    side_anne, side_bjorn = anne.get(url).content.decode(), bjorn.get(url).content.decode()

    assert anne.post(url, _oppdrag_post(side_anne, "Annes tittel", "1. april 2025", frist)).status_code == 302

    r = bjorn.post(url, _oppdrag_post(side_bjorn, "Bjørns tittel", "1. mai 2025", frist))
    assert r.status_code == 200
    side = r.content.decode()
    assert "Anne Hansen har lagret endringer" in side
    assert "<ins>Annes tittel</ins>" in side and "<ins>1. april 2025</ins>" in side
    o.refresh_from_db()
    frist.refresh_from_db()
    assert (o.tittel, frist.tekst, frist.dato.month) == ("Annes tittel", "1. april 2025", 4)

    r = bjorn.post(url, _oppdrag_post(side, "Bjørns tittel", "1. mai 2025", frist))
    assert r.status_code == 302
    o = Oppdrag.objects.get(pk=o.pk)
    frist.refresh_from_db()
    assert (o.tittel, frist.tekst, frist.dato.month) == ("Bjørns tittel", "1. mai 2025", 5)
