"""Frist and milepæl rows: "Legg til" and "Fjern" in Norwegian, also without JavaScript.

Without JavaScript the row buttons submit the form; the page comes back with one more row, or
the row marked for removal, and nothing saved. The next "Lagre" saves, and removes what is marked.
The long oppdrag form is in sections with a short contents list; no "Slett"/"Delete" checkbox.
"""

from __future__ import annotations

import re

import pytest
from django.urls import reverse

from oppdrag.models import Frist, Oppdrag
from tests.brev.test_redigering import formsett, oppdrag_data
from tests.factories import FristFactory, OppdragFactory
from tests.rapportering.skjema import skjemadata

pytestmark = pytest.mark.django_db


def _rader(side: str, prefix: str = "frister") -> list[str]:
    data = skjemadata(side)
    return [data.get(f"{prefix}-{i}-tekst", "") for i in range(int(data[f"{prefix}-TOTAL_FORMS"]))]


def test_skjemaet_har_legg_til_og_fjern_og_ingen_slett_avkrysning(klient, brev):
    side = klient.get(reverse("brev:rediger-oppdrag-ny", args=[brev.pk])).content.decode()
    assert "Legg til frist" in side and "Legg til milepæl" in side
    assert re.search(r'<button[^>]*value="fjern:frister-0"[^>]*>Fjern', side)
    assert 'type="checkbox" name="frister-0-DELETE"' not in side
    assert not re.search(r">\s*(Slett|Delete)\s*:?\s*<", side)
    # The long form in sections, listed at the top.
    for del_ in ("Om oppdraget", "Teksten i brevet", "Rapportering", "Oppstart, finansiering og ansvar"):
        assert f"<legend>{del_}</legend>" in side
        assert re.search(rf'<li><a href="#oppdrag-del-\d">{del_}</a></li>', side)
    # The long hint on how to write a frist stands once per table (first frist, first milepæl), not per row.
    assert side.count("Slik det står i brevet") == 2
    # A checkbox stands before its label, beside it.
    assert re.search(r'<input type="checkbox" name="oppdrag-i_aarsrapport"[^>]*>\s*<label for="id_oppdrag-i_aarsrapport">',
                     side)


def test_legg_til_uten_javascript_gir_en_rad_til_og_lagrer_ingenting(klient, brev):
    url = reverse("brev:rediger-oppdrag-ny", args=[brev.pk])
    data = oppdrag_data(**{"oppdrag-tittel": ""})  # a required field empty: no error shown yet
    data.update(formsett("frister", [{"tekst": "1. mars 2025"}]))
    data["radhandling"] = "legg-til:frister"
    r = klient.post(url, data)

    assert r.status_code == 200
    side = r.content.decode()
    assert not Oppdrag.objects.exists()
    assert _rader(side) == ["1. mars 2025", ""]
    assert "En ny rad er lagt til under. Ingenting er lagret ennå." in side
    assert "Ingenting er lagret – rett" not in side and "Feltet er påkrevet" not in side

    # Then "Lagre" as the browser submits the page: the typed frist is saved, the empty row is not.
    data = skjemadata(side)
    data["oppdrag-tittel"] = "Kartlegge kvalifisering"
    r = klient.post(url, data)
    assert r.status_code == 302, r.content.decode()[:2000]
    assert list(Oppdrag.objects.get().frister.values_list("tekst", flat=True)) == ["1. mars 2025"]


def test_fjern_uten_javascript_merker_raden_og_lagre_fjerner_den(klient, brev):
    o = OppdragFactory(tildelingsbrev=brev, virksomhet=brev.virksomhet, nummer="2025-07", aar=2025)
    FristFactory(oppdrag=o, tildelingsbrev=brev, tekst="1. mars 2025", rekkefolge=0)
    FristFactory(oppdrag=o, tildelingsbrev=brev, tekst="1. juni 2025", rekkefolge=1)
    url = reverse("brev:rediger-oppdrag", args=[brev.pk, o.pk])
    data = skjemadata(klient.get(url).content.decode())
    data["radhandling"] = "fjern:frister-0"
    r = klient.post(url, data)

    side = r.content.decode()
    assert r.status_code == 200
    assert Frist.objects.filter(oppdrag=o).count() == 2  # nothing saved yet
    assert "Frist 1 fjernes når du lagrer." in side
    assert re.search(r'<input type="hidden" name="frister-0-DELETE" value="on" data-slett>', side)

    # "Angre" brings it back; "Fjern" again and "Lagre" removes it.
    angre = skjemadata(side) | {"radhandling": "angre:frister-0"}
    side = klient.post(url, angre).content.decode()
    assert re.search(r'name="frister-0-DELETE" value="on" data-slett disabled>', side)
    data = skjemadata(side) | {"radhandling": "fjern:frister-0"}
    side = klient.post(url, data).content.decode()
    r = klient.post(url, skjemadata(side))
    assert r.status_code == 302, r.content.decode()[:2000]
    assert list(Frist.objects.filter(oppdrag=o).values_list("tekst", flat=True)) == ["1. juni 2025"]


def test_feiloppsummeringen_lenker_til_feltene(klient, brev):
    url = reverse("brev:rediger-oppdrag-ny", args=[brev.pk])
    data = oppdrag_data(**{"oppdrag-tittel": ""})
    data.update(formsett("frister", [{"tekst": "31.02.2025"}]))
    side = klient.post(url, data).content.decode()

    oppsummering = re.search(r'<div class="feilboks ds-error-summary"[^>]*id="feiloppsummering".*?</div>', side, re.S)
    assert oppsummering, "ingen feiloppsummering øverst"
    lenker = re.findall(r'<a class="ds-link" href="#([^"]+)">([^<]+)</a>', oppsummering.group(0))
    assert ("id_oppdrag-tittel", "Tittel: Feltet er påkrevet.") in lenker
    assert any(href == "id_frister-0-tekst" and tekst.startswith("Frist 1: Frist:") for href, tekst in lenker)
    for href, _ in lenker:
        assert f'id="{href}"' in side  # every link lands on its field
    assert side.index("feiloppsummering") < side.index('name="oppdrag-nummer"')
    assert not Oppdrag.objects.exists()
