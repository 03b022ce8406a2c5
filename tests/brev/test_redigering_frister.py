"""Frister typed in the editing pages: nothing typed is lost.

A text holding several frister is shown back as one row per frister before anything is saved,
and the next save (the page as the browser submits it) stores one row each. A text naming a
date, week or quarter that does not exist is refused with why, and nothing is saved.
"""

from __future__ import annotations

import re
from datetime import date

import pytest
from django.urls import reverse

from oppdrag.models import Frist, Milepael, Oppdrag
from tests.brev.test_redigering import formsett, oppdrag_data
from tests.factories import FristFactory, OppdragFactory, TildelingsbrevFactory
from tests.rapportering.skjema import skjemadata

pytestmark = pytest.mark.django_db

TODELT = "Del 1: 1. juni 2025, Del 2: 1. desember 2025"
VIST_DELT = "inneholdt to deler; de er delt i to rader. Se over og lagre."


def _felt(side: str, navn: str) -> str | None:
    return skjemadata(side).get(navn)


def _rader(side: str, prefix: str = "frister") -> list[str]:
    data = skjemadata(side)
    return [data[f"{prefix}-{i}-tekst"] for i in range(int(data[f"{prefix}-TOTAL_FORMS"]))]


def test_todelt_frist_vises_som_to_rader_og_lagres_som_to_frister(klient, brev):
    url = reverse("brev:rediger-oppdrag-ny", args=[brev.pk])
    data = oppdrag_data()
    data.update(formsett("frister", [{"tekst": TODELT}]))
    r = klient.post(url, data)

    assert r.status_code == 200
    side = r.content.decode()
    assert f"Fristen «{TODELT}» {VIST_DELT}" in side
    assert "Ingenting er lagret" in side
    assert not Oppdrag.objects.exists() and not Frist.objects.exists()
    assert _rader(side) == ["Del 1: 1. juni 2025", "Del 2: 1. desember 2025"]
    assert side.count(f"Delt ut fra «{TODELT}». Ikke lagret ennå.") == 2
    # Each part is shown with what it will be read as, before it is saved.
    assert "Tolket som:</strong> Del 1, dato 01.06.2025" in side
    assert "Tolket som:</strong> Del 2, dato 01.12.2025" in side

    r = klient.post(url, skjemadata(side))
    assert r.status_code == 302, r.content.decode()[:3000]
    o = Oppdrag.objects.get(nummer="2025-01")
    assert [(f.tekst, f.del_betegnelse, f.dato, f.rekkefolge) for f in o.frister.order_by("rekkefolge")] == [
        ("Del 1: 1. juni 2025", "Del 1", date(2025, 6, 1), 0),
        ("Del 2: 1. desember 2025", "Del 2", date(2025, 12, 1), 1),
    ]


@pytest.mark.parametrize(("tekst", "deler"), [
    ("Del 1: 01.06.2025 / Del 2: 1. desember 2025",
     [("Del 1", date(2025, 6, 1)), ("Del 2", date(2025, 12, 1))]),
    ("Innen 1. mars 2025 og 1. september 2025", [("", date(2025, 3, 1)), ("", date(2025, 9, 1))]),
    ("Underveisrapport: 15.06.2025, Endelig rapport: 15.12.2025", [("", date(2025, 6, 15)), ("", date(2025, 12, 15))]),
])
def test_blandede_former_deles_og_lagres(klient, brev, tekst, deler):
    url = reverse("brev:rediger-oppdrag-ny", args=[brev.pk])
    data = oppdrag_data()
    data.update(formsett("frister", [{"tekst": tekst}]))
    side = klient.post(url, data).content.decode()
    assert not Frist.objects.exists()
    r = klient.post(url, skjemadata(side))
    assert r.status_code == 302, r.content.decode()[:3000]
    assert [(f.del_betegnelse, f.dato) for f in Frist.objects.order_by("rekkefolge")] == deler


def test_lagret_frist_som_faar_to_deler_beholder_raden_og_faar_en_ny_etter_de_lagrede(klient, brev):
    o = OppdragFactory(tildelingsbrev=brev, nummer="2025-07", tittel="Kartlegging")
    forste = FristFactory(oppdrag=o, tildelingsbrev=brev, tekst="01.03.2025", dato=date(2025, 3, 1), rekkefolge=0)
    andre = FristFactory(oppdrag=o, tildelingsbrev=brev, tekst="01.09.2025", dato=date(2025, 9, 1), rekkefolge=1)
    url = reverse("brev:rediger-oppdrag", args=[brev.pk, o.pk])
    data = skjemadata(klient.get(url))
    data["frister-0-tekst"] = TODELT
    r = klient.post(url, data)

    assert r.status_code == 200
    side = r.content.decode()
    assert VIST_DELT in side
    assert _rader(side) == ["Del 1: 1. juni 2025", "01.09.2025", "Del 2: 1. desember 2025", "", "", ""]
    forste.refresh_from_db()
    assert (forste.tekst, forste.dato, o.frister.count()) == ("01.03.2025", date(2025, 3, 1), 2)

    r = klient.post(url, skjemadata(side))
    assert r.status_code == 302, r.content.decode()[:3000]
    assert [(f.pk, f.tekst, f.dato) for f in o.frister.order_by("rekkefolge")] == [
        (forste.pk, "Del 1: 1. juni 2025", date(2025, 6, 1)),
        (andre.pk, "01.09.2025", date(2025, 9, 1)),
        (o.frister.order_by("-pk").first().pk, "Del 2: 1. desember 2025", date(2025, 12, 1)),
    ]


def test_en_lagret_rad_med_to_frister_deles_neste_gang_oppdraget_lagres(klient, brev):
    """A row saved before the parts were split (only Del 1 had a date) is not kept silently."""
    o = OppdragFactory(tildelingsbrev=brev, nummer="2025-08", tittel="Gammel tittel")
    FristFactory(oppdrag=o, tildelingsbrev=brev, tekst="Del 1: 01.06.2025 Del 2: 01.12.2025",
                 dato=date(2025, 6, 1), del_betegnelse="Del 1")
    url = reverse("brev:rediger-oppdrag", args=[brev.pk, o.pk])
    data = skjemadata(klient.get(url))
    data["oppdrag-tittel"] = "Ny tittel"
    r = klient.post(url, data)
    assert r.status_code == 200 and VIST_DELT in r.content.decode()
    o.refresh_from_db()
    assert o.tittel == "Gammel tittel"
    r = klient.post(url, skjemadata(r))
    assert r.status_code == 302
    assert [(f.del_betegnelse, f.dato) for f in o.frister.order_by("rekkefolge")] == [
        ("Del 1", date(2025, 6, 1)), ("Del 2", date(2025, 12, 1))]


def test_milepael_med_to_frister_deles_med_samme_tittel(klient, brev):
    url = reverse("brev:rediger-oppdrag-ny", args=[brev.pk])
    data = oppdrag_data()
    data.update(formsett("milepaeler", [{"tittel": "Delrapporter", "tekst": "1. mars 2025 og 1. oktober 2025"}]))
    r = klient.post(url, data)
    side = r.content.decode()
    assert f"Fristen «1. mars 2025 og 1. oktober 2025» for milepælen «Delrapporter» {VIST_DELT}" in side
    assert not Milepael.objects.exists()
    assert _rader(side, "milepaeler")[:2] == ["1. mars 2025", "1. oktober 2025"]
    r = klient.post(url, skjemadata(side))
    assert r.status_code == 302, r.content.decode()[:3000]
    assert [(m.tittel, m.dato) for m in Milepael.objects.order_by("rekkefolge")] == [
        ("Delrapporter", date(2025, 3, 1)), ("Delrapporter", date(2025, 10, 1))]


def test_tidligere_oppdrag_faar_to_frister_fra_ett_felt(klient, brev):
    fjor = TildelingsbrevFactory(virksomhet=brev.virksomhet, departement=brev.departement, aar=2024,
                                 sendt_brev=True)
    o = OppdragFactory(tildelingsbrev=fjor, nummer="2024-05")
    url = reverse("brev:rediger-tidligere", args=[brev.pk, o.pk])
    data = {"variant-tittel": ""}
    data.update(formsett("frister", [{"tekst": "Del 1: 01.06.2025 / Del 2: 1. desember 2025"}]))
    r = klient.post(url, data)
    assert r.status_code == 200 and VIST_DELT in r.content.decode()
    assert not Frist.objects.filter(tildelingsbrev=brev).exists()
    r = klient.post(url, skjemadata(r))
    assert r.status_code == 302, r.content.decode()[:3000]
    assert [(f.del_betegnelse, f.dato, f.tillegg) for f in Frist.objects.filter(tildelingsbrev=brev)
            .order_by("rekkefolge")] == [("Del 1", date(2025, 6, 1), None), ("Del 2", date(2025, 12, 1), None)]


@pytest.mark.parametrize(("tekst", "melding"), [
    ("31.02.2025", "31. februar 2025 finnes ikke."),
    ("Uke 53 2025", "2025 har ikke uke 53."),
    ("Uke 53", "2025 har ikke uke 53."),
    ("Del 1: 31. februar 2026", "Del 1: 31. februar 2026 finnes ikke."),
    ("Del 1: 1. juni 2025, Del 2: 31.02.2026", "Del 2: 31. februar 2026 finnes ikke."),
    ("29.02.2025", "29. februar 2025 finnes ikke. 2025 er ikke et skuddår."),
    ("5. kvartal 2025", "5. kvartal finnes ikke: et år har fire kvartaler."),
    ("1. juni", "«1. juni» mangler år."),
    ("1. juni 2025 eller 1. juli 2025", "Teksten gir to alternative frister"),
    ("1. juni 2025 – 30. juni 2025", "ser ut som en periode"),
])
def test_frist_som_ikke_finnes_avvises_med_grunn_og_ingenting_lagres(klient, brev, tekst, melding):
    data = oppdrag_data()
    data.update(formsett("frister", [{"tekst": "1. mars 2025"}, {"tekst": tekst}]))
    r = klient.post(reverse("brev:rediger-oppdrag-ny", args=[brev.pk]), data)
    assert r.status_code == 200
    side = r.content.decode()
    assert melding in side
    assert "Ingenting er lagret" in side
    assert not Oppdrag.objects.exists() and not Frist.objects.exists()
    # What was typed is still in the field, to be corrected.
    assert _felt(side, "frister-1-tekst") == tekst
    assert re.search(r'<div class="felt felt-feil">.*?id="id_frister-1-tekst"', side, re.S)


def test_ugyldig_dato_avvises_ogsaa_paa_en_lagret_frist(klient, brev):
    o = OppdragFactory(tildelingsbrev=brev, nummer="2025-10")
    frist = FristFactory(oppdrag=o, tildelingsbrev=brev, tekst="01.03.2025", dato=date(2025, 3, 1))
    url = reverse("brev:rediger-oppdrag", args=[brev.pk, o.pk])
    data = skjemadata(klient.get(url))
    data["frister-0-tekst"] = "31.02.2025"
    r = klient.post(url, data)
    assert r.status_code == 200 and "31. februar 2025 finnes ikke." in r.content.decode()
    frist.refresh_from_db()
    assert (frist.tekst, frist.dato) == ("01.03.2025", date(2025, 3, 1))


def test_flere_frister_med_egen_dato_avvises(klient, brev):
    data = oppdrag_data()
    data.update(formsett("frister", [{"tekst": TODELT, "eksplisitt_dato": "01.06.2025"}]))
    r = klient.post(reverse("brev:rediger-oppdrag-ny", args=[brev.pk]), data)
    assert r.status_code == 200
    side = r.content.decode()
    assert "Teksten har to frister, og datoen kan bare gjelde én av dem." in side
    assert VIST_DELT not in side
    assert not Frist.objects.exists() and _felt(side, "frister-0-tekst") == TODELT


@pytest.mark.parametrize("tekst", ["Løpende", "Etter avtale", "Ved behov"])
def test_bare_tekst_er_fortsatt_lov(klient, brev, tekst):
    data = oppdrag_data()
    data.update(formsett("frister", [{"tekst": tekst}]))
    r = klient.post(reverse("brev:rediger-oppdrag-ny", args=[brev.pk]), data)
    assert r.status_code == 302
    f = Frist.objects.get()
    assert (f.tekst, f.dato) == (tekst, None)


def test_en_frist_teksten_ikke_gir_dato_for_kan_faa_dato_ved_siden_av(klient, brev):
    data = oppdrag_data()
    data.update(formsett("frister", [{"tekst": "Rapporteres i årsrapport 2025 og senere",
                                      "eksplisitt_dato": "15.03.2026"}]))
    r = klient.post(reverse("brev:rediger-oppdrag-ny", args=[brev.pk]), data)
    assert r.status_code == 302
    assert Frist.objects.get().dato == date(2026, 3, 15)
