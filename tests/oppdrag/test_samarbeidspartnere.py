"""Samarbeidspartnere (#13 item 5): collaborators outside the portal an oppdrag names (KS,
Kompetanse Norge), typed in the letter editor in the letter's order, shown on the oppdrag page, the
letter page, its PDF and the oppdrag export, and carried by the archive format with the letter's
own red/yellow/green and a changing rhythm (export → import → export gives the same file)."""

from __future__ import annotations

from io import BytesIO

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from arkiv.eksport import export_tildelingsbrev
from arkiv.innlesing import import_tildelingsbrev
from brev.pdf import tildelingsbrev_html
from oppdrag.models import Oppdrag, Risikodefinisjon, Samarbeidspartner
from oppdrag.services import apply_frist_text
from styring.models import Tildelingsbrev
from tests.brev.test_redigering import oppdrag_data
from tests.factories import FristFactory, OppdragFactory, TildelingsbrevFactory, UserFactory
from tests.rapportering.skjema import skjemadata

pytestmark = pytest.mark.django_db


@pytest.fixture
def redaktor_klient(client, brev):
    client.force_login(UserFactory(organisasjon=brev.departement))
    return client


def _partnere(o) -> list[str]:
    return list(o.samarbeidspartnere.order_by("rekkefolge").values_list("navn", flat=True))


def test_skjema_til_sider_i_brevets_rekkefolge(redaktor_klient, brev):
    klient = redaktor_klient
    url = reverse("brev:rediger-oppdrag-ny", args=[brev.pk])
    r = klient.post(url, oppdrag_data(**{"oppdrag-samarbeidspartnere": "Kompetanse Norge\n\n  KS \n"}))
    assert r.status_code == 302, r.content.decode()[:3000]
    o = Oppdrag.objects.get(nummer="2025-01")
    assert _partnere(o) == ["Kompetanse Norge", "KS"]
    # Shown back in the form as typed, one per line; reordered, the order follows.
    data = skjemadata(klient.get(r.url))
    assert data["oppdrag-samarbeidspartnere"].splitlines() == ["Kompetanse Norge", "KS"]
    data["oppdrag-samarbeidspartnere"] = "KS\nKompetanse Norge\nFylkeskommunene"
    assert klient.post(r.url, data).status_code == 302
    assert _partnere(o) == ["KS", "Kompetanse Norge", "Fylkeskommunene"]
    assert Samarbeidspartner.history.filter(history_type="+").count() == 3

    brevside = klient.get(reverse("brev:brev", args=[brev.pk])).content.decode()
    assert "I samarbeid med KS, Kompetanse Norge, Fylkeskommunene" in brevside
    html = tildelingsbrev_html(brev)
    assert "<dt>Samarbeidspartnere</dt><dd>KS, Kompetanse Norge, Fylkeskommunene</dd>" in html
    klient.force_login(UserFactory(organisasjon=brev.departement))
    oppdragsside = klient.get(reverse("oppdrag:detalj", args=[o.pk])).content.decode()
    fakta = oppdragsside.split('class="fakta"')[1].split("</dl>")[0]
    assert "Samarbeidspartnere" in fakta and "KS, Kompetanse Norge, Fylkeskommunene" in fakta


def test_dobbelt_navn_eller_en_virksomhet_i_portalen_avvises_uten_aa_lagre(redaktor_klient, brev):
    url = reverse("brev:rediger-oppdrag-ny", args=[brev.pk])
    r = redaktor_klient.post(url, oppdrag_data(**{"oppdrag-samarbeidspartnere": "KS\nks"}))
    assert r.status_code == 200 and "«ks» står to ganger." in r.content.decode()
    r = redaktor_klient.post(url, oppdrag_data(**{"oppdrag-samarbeidspartnere": f"KS\n{brev.virksomhet.kortnavn}"}))
    side = r.content.decode()
    assert r.status_code == 200 and "er en virksomhet i portalen" in side and "Delt med" in side
    assert not Oppdrag.objects.exists() and not Samarbeidspartner.objects.exists()


def test_oppdragslisten_til_excel_har_samarbeidspartnerne(client):
    brev = TildelingsbrevFactory(aar=2024, sendt_brev=True)
    o = OppdragFactory(tildelingsbrev=brev, nummer="2024-03")
    Samarbeidspartner.objects.create(oppdrag=o, navn="KS", rekkefolge=0)
    Samarbeidspartner.objects.create(oppdrag=o, navn="Kompetanse Norge", rekkefolge=1)
    client.force_login(UserFactory(organisasjon=brev.departement))
    ws = load_workbook(BytesIO(client.get(reverse("oppdrag:eksport")).content)).active
    rader = list(ws.values)
    assert rader[0][-1] == "Samarbeidspartnere" and rader[1][-1] == "KS, Kompetanse Norge"


def test_arkivet_bevarer_partnere_definisjoner_og_skiftende_rytme():
    brev = TildelingsbrevFactory(aar=2024, sendt_brev=True)
    for farge, tekst in (("rod", "Stort avvik."), ("gul", "Lite avvik."), ("gronn", "Etter planen.")):
        Risikodefinisjon.objects.create(tildelingsbrev=brev, farge=farge, tekst=tekst)
    o = OppdragFactory(tildelingsbrev=brev, nummer="2024-05", tittel="Styrke voksnes grunnleggende ferdigheter")
    Samarbeidspartner.objects.create(oppdrag=o, navn="KS", rekkefolge=0)
    Samarbeidspartner.objects.create(oppdrag=o, navn="Kompetanse Norge", rekkefolge=1)
    f = FristFactory.build(oppdrag=o, tildelingsbrev=brev, tekst="Månedlig frem til 1. juli, deretter kvartalsvis")
    apply_frist_text(f, aar=2024, virksomhet_id=brev.virksomhet_id)
    f.save()
    uten = OppdragFactory(tildelingsbrev=brev, nummer="2024-06")
    FristFactory(oppdrag=uten, tekst="31.12.2024")

    forste = export_tildelingsbrev(brev)
    rad = next(x for x in forste["oppdrag"] if x["nummer"] == "2024-05")
    assert rad["samarbeidspartnere"] == ["KS", "Kompetanse Norge"]
    assert (rad["frister"][0]["ny_rytme_fra"], rad["frister"][0]["ny_rytme_intervall_mnd"]) == ("2024-07-01", 3)
    assert forste["risikodefinisjoner"] == {"rod": "Stort avvik.", "gul": "Lite avvik.", "gronn": "Etter planen."}
    # Written only where there is something: today's files stay as they were.
    ingen = next(x for x in forste["oppdrag"] if x["nummer"] == "2024-06")
    assert "samarbeidspartnere" not in ingen and "ny_rytme_fra" not in ingen["frister"][0]

    Oppdrag.objects.filter(tildelingsbrev=brev).delete()
    Tildelingsbrev.objects.filter(pk=brev.pk).delete()
    assert not Samarbeidspartner.objects.exists() and not Risikodefinisjon.objects.exists()
    ny = import_tildelingsbrev(forste)
    assert export_tildelingsbrev(ny) == forste
    o = Oppdrag.objects.get(nummer="2024-05")
    assert _partnere(o) == ["KS", "Kompetanse Norge"]
    assert o.frister.get().ny_rytme_intervall_mnd == 3


def test_import_avviser_et_navn_for_langt_for_kolonnen_med_sti():
    from arkiv.skjema import ArkivFeil

    brev = TildelingsbrevFactory(aar=2024, sendt_brev=True)
    OppdragFactory(tildelingsbrev=brev, nummer="2024-05")
    data = export_tildelingsbrev(brev)
    Oppdrag.objects.filter(tildelingsbrev=brev).delete()
    Tildelingsbrev.objects.filter(pk=brev.pk).delete()
    data["oppdrag"][0]["samarbeidspartnere"] = ["KS", "x" * 201]
    with pytest.raises(ArkivFeil) as feil:
        import_tildelingsbrev(data)
    assert any(m.startswith("oppdrag[0].samarbeidspartnere[1]") for m in feil.value.feil), feil.value.feil
    assert not Tildelingsbrev.objects.exists() and not Samarbeidspartner.objects.exists()
