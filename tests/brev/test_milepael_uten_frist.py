"""Milepæler without a frist (#13 item 4): typed in the editor, shown «uten frist» in the letter's
PDF, and carried by the archive format (export → import keeps them without a date)."""

from __future__ import annotations

import json
from datetime import date

import pytest
from django.urls import reverse

from brev.pdf import tildelingsbrev_html
from oppdrag.models import Milepael, Oppdrag
from tests.brev.test_redigering import formsett, oppdrag_data
from tests.factories import MilepaelFactory, OppdragFactory
from tests.rapportering.skjema import skjemadata

pytestmark = pytest.mark.django_db


def test_milepael_uten_frist_lagres_og_vises_uten_frist_i_redigeringen(klient, brev):
    url = reverse("brev:rediger-oppdrag-ny", args=[brev.pk])
    data = oppdrag_data()
    data.update(formsett("milepaeler", [{"tittel": "Forprosjekt ferdig", "tekst": ""},
                                        {"tittel": "Sluttrapport", "tekst": "1. desember 2025"}]))
    r = klient.post(url, data)
    assert r.status_code == 302, r.content.decode()[:3000]
    o = Oppdrag.objects.get(nummer="2025-01")
    assert [(m.tittel, m.tekst, m.form, m.dato) for m in o.milepaeler.order_by("rekkefolge")] == [
        ("Forprosjekt ferdig", "", "tekst", None), ("Sluttrapport", "1. desember 2025", "dato", date(2025, 12, 1))]
    side = klient.get(r.url).content.decode()
    assert "Tolket som:</strong> uten frist" in side


def test_milepael_som_mister_fristen_mister_ogsaa_datoen(klient, brev):
    o = OppdragFactory(tildelingsbrev=brev, nummer="2025-01", aar=2025)
    m = MilepaelFactory(oppdrag=o, tittel="Pilot", tekst="Uke 10 2025", form="uke", uke=10, dato=date(2025, 3, 7))
    url = reverse("brev:rediger-oppdrag", args=[brev.pk, o.pk])
    data = skjemadata(klient.get(url))
    assert data["milepaeler-0-tekst"] == "Uke 10 2025"
    data["milepaeler-0-tekst"] = ""
    r = klient.post(url, data)
    assert r.status_code == 302, r.content.decode()[:3000]
    m.refresh_from_db()
    assert (m.tekst, m.form, m.dato, m.uke) == ("", "tekst", None, None)


def test_tom_rad_hoppes_over_og_frist_uten_milepael_avvises(klient, brev):
    """A blank extra row is still ignored (not a milepæl «uten frist»), and a frist without a
    title is still refused, with nothing saved."""
    url = reverse("brev:rediger-oppdrag-ny", args=[brev.pk])
    data = oppdrag_data()
    data.update(formsett("milepaeler", [{"tittel": "", "tekst": ""}, {"tittel": "", "tekst": "1. mars 2025"}]))
    r = klient.post(url, data)
    assert r.status_code == 200 and "Ingenting er lagret" in r.content.decode()
    assert not Oppdrag.objects.exists() and not Milepael.objects.exists()
    data.update(formsett("milepaeler", [{"tittel": "", "tekst": ""}, {"tittel": "Pilot", "tekst": ""}]))
    assert klient.post(url, data).status_code == 302
    assert [m.tittel for m in Milepael.objects.all()] == ["Pilot"]


def test_pdf_viser_milepael_uten_frist(brev):
    o = OppdragFactory(tildelingsbrev=brev, nummer="2025-01", aar=2025)
    MilepaelFactory(oppdrag=o, tittel="Forprosjekt ferdig", tekst="", form="tekst", dato=None)
    html = tildelingsbrev_html(brev)
    assert "<td>Forprosjekt ferdig</td><td>uten frist</td>" in html


def test_arkiv_tar_med_milepael_uten_frist_begge_veier():
    from arkiv.eksport import export_tildelingsbrev
    from arkiv.innlesing import import_tildelingsbrev
    from fixtures.demo import FIXTURES

    data = json.loads((FIXTURES / "imdi-2023.json").read_text(encoding="utf-8"))
    o = next(o for o in data["oppdrag"] if o["ny_i_aar"])
    o["milepaeler"] = [{"tittel": "Uten tekst-nøkkel"}, {"tittel": "Med tom tekst", "tekst": ""},
                       {"tittel": "Med frist", "tekst": "1. juni 2023"}]
    brev = import_tildelingsbrev(data, opprett_organisasjoner=True)
    mp = Milepael.objects.filter(oppdrag__nummer=o["nummer"]).order_by("rekkefolge")
    assert [(m.tittel, m.visning, m.dato) for m in mp] == [
        ("Uten tekst-nøkkel", "uten frist", None), ("Med tom tekst", "uten frist", None),
        ("Med frist", "1. juni 2023", date(2023, 6, 1))]
    ut = next(x for x in export_tildelingsbrev(brev)["oppdrag"] if x["nummer"] == o["nummer"])
    assert [(m["tittel"], m["tekst"], m["dato"], m["form"]) for m in ut["milepaeler"]] == [
        ("Uten tekst-nøkkel", "", None, "tekst"), ("Med tom tekst", "", None, "tekst"),
        ("Med frist", "1. juni 2023", "2023-06-01", "dato")]
