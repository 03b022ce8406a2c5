"""A letter's own red/yellow/green definitions (#13 item 5): the ministry writes them in the draft;
once the letter is sent they are what follow-up and that year's reports use. Other years, and a
letter that states none, use the instruks's."""

from __future__ import annotations

import pytest
from django.urls import reverse

from brukere.models import Rolle
from oppdrag.models import RISIKO_DEFINISJON, Risiko, Risikodefinisjon
from rapportering.pdf import bygg_rapport
from rapportering.services import rapport_opprett
from tests.factories import OppdragFactory, TildelingsbrevFactory, UserFactory
from tests.oppdrag.test_oppfolging import status_data
from tests.rapportering.conftest import bygg_oppsett

pytestmark = pytest.mark.django_db

EGNE = {"rod": "Rødt: store avvik som krever tiltak fra departementet.",
        "gul": "Gult: mindre avvik som virksomheten selv retter opp.",
        "gronn": "Grønt: går som planlagt."}


def _egne(brev, tekster=EGNE):
    for farge, tekst in tekster.items():
        Risikodefinisjon.objects.create(tildelingsbrev=brev, farge=farge, tekst=tekst)


def test_departementet_skriver_definisjonene_i_utkastet_og_ser_dem_i_brevet(client):
    utkast = TildelingsbrevFactory(aar=2025)
    client.force_login(UserFactory(organisasjon=utkast.departement, rolle=Rolle.DEPARTEMENT_REDAKTOR))
    url = reverse("brev:rediger-risiko", args=[utkast.pk])
    side = client.get(url).content.decode()
    assert RISIKO_DEFINISJON[Risiko.ROD] in side  # the instruks's wording as the hint
    # Only one of three: refused, nothing saved.
    r = client.post(url, {"rod": EGNE["rod"], "gul": "", "gronn": ""})
    assert r.status_code == 200 and "eller tøm alle tre" in r.content.decode()
    assert not Risikodefinisjon.objects.exists()
    r = client.post(url, EGNE)
    assert r.status_code == 302 and r.url.endswith("#risiko")
    assert {d.farge: d.tekst for d in utkast.risikodefinisjoner.all()} == EGNE
    assert Risikodefinisjon.history.count() == 3  # with history, like every other part
    oversikt = client.get(reverse("brev:rediger-oversikt", args=[utkast.pk])).content.decode()
    assert EGNE["gul"] in oversikt and "Endre definisjonene" in oversikt
    brevside = client.get(reverse("brev:brev", args=[utkast.pk])).content.decode()
    tabell = brevside.split('id="risikodefinisjoner"')[1].split("</table>")[0]
    assert tabell.index(EGNE["rod"]) < tabell.index(EGNE["gul"]) < tabell.index(EGNE["gronn"])
    from brev.pdf import tildelingsbrev_html

    html = tildelingsbrev_html(utkast)
    assert "Vurdering av oppdragene: rød, gul og grønn" in html and EGNE["gronn"] in html
    # Emptied again: back to the instruks's, the rows are gone.
    assert client.post(url, {"rod": "", "gul": "", "gronn": ""}).status_code == 302
    assert not utkast.risikodefinisjoner.exists()
    assert 'id="risikodefinisjoner"' not in client.get(reverse("brev:brev", args=[utkast.pk])).content.decode()


def test_sendt_brev_kan_ikke_endres_og_virksomheten_kan_ingenting(client):
    sendt = TildelingsbrevFactory(aar=2024, sendt_brev=True)
    utkast = TildelingsbrevFactory(aar=2025, virksomhet=sendt.virksomhet, departement=sendt.departement)
    client.force_login(UserFactory(organisasjon=sendt.departement, rolle=Rolle.DEPARTEMENT_REDAKTOR))
    r = client.post(reverse("brev:rediger-risiko", args=[sendt.pk]), EGNE)
    assert r.status_code == 403 and "Brevet er sendt" in r.content.decode()
    client.force_login(UserFactory(organisasjon=sendt.virksomhet, rolle=Rolle.VIRKSOMHET_LEDER))
    for brev in (sendt, utkast):
        assert client.post(reverse("brev:rediger-risiko", args=[brev.pk]), EGNE).status_code in (403, 404)
    assert not Risikodefinisjon.objects.exists()


def test_oppfolgingen_bruker_brevets_definisjoner_og_et_annet_aar_instruksens(client):
    brev24 = TildelingsbrevFactory(aar=2024, sendt_brev=True)
    _egne(brev24)
    brev23 = TildelingsbrevFactory(aar=2023, sendt_brev=True, virksomhet=brev24.virksomhet,
                                   departement=brev24.departement)
    o24 = OppdragFactory(tildelingsbrev=brev24, nummer="2024-01")
    o23 = OppdragFactory(tildelingsbrev=brev23, nummer="2023-01")
    client.force_login(UserFactory(organisasjon=brev24.virksomhet, rolle=Rolle.VIRKSOMHET_KONTAKT))

    side = client.get(reverse("oppdrag:detalj", args=[o24.pk])).content.decode()
    skjema = side.split('id="ny-status"')[1]
    assert EGNE["rod"] in skjema and EGNE["gronn"] in skjema
    assert "Definisjonene er fra tildelingsbrevet for 2024." in skjema
    assert RISIKO_DEFINISJON[Risiko.ROD] not in side

    side = client.get(reverse("oppdrag:detalj", args=[o23.pk])).content.decode()
    assert RISIKO_DEFINISJON[Risiko.ROD] in side and "Definisjonene er fra instruksen." in side
    assert EGNE["rod"] not in side

    # A status registered on the 2024 oppdrag is shown with the letter's definition of its colour.
    r = client.post(reverse("oppdrag:oppfolging", args=[o24.pk]), status_data(risiko="gul",
                                                                             risiko_tekst="Litt forsinket."))
    assert r.status_code == 302, r.content.decode()[:2000]
    side = client.get(reverse("oppdrag:detalj", args=[o24.pk])).content.decode()
    fakta = side.split('class="fakta"')[1].split("</dl>")[0]
    assert EGNE["gul"] in fakta


def test_rapporten_for_aaret_viser_brevets_definisjoner_og_et_annet_aar_instruksens():
    o = bygg_oppsett()
    _egne(o.brev)
    rapport = rapport_opprett(punkt=o.punkt_aar, user=o.kontakt)
    html = bygg_rapport(rapport).html
    forklaring = html.split('id="risikoforklaring"')[1].split("</dl>")[0]
    assert "slik tildelingsbrevet for 2024 definerer dem" in forklaring
    assert EGNE["rod"] in forklaring and RISIKO_DEFINISJON[Risiko.ROD] not in forklaring

    annen = bygg_oppsett()  # another agency's 2024 letter, with no definitions of its own
    html = bygg_rapport(rapport_opprett(punkt=annen.punkt_aar, user=annen.kontakt)).html
    forklaring = html.split('id="risikoforklaring"')[1].split("</dl>")[0]
    assert "slik instruksen definerer dem" in forklaring and RISIKO_DEFINISJON[Risiko.GUL] in forklaring


def test_rapportsiden_viser_brevets_definisjoner(client):
    o = bygg_oppsett()
    _egne(o.brev)
    rapport = rapport_opprett(punkt=o.punkt_halvaar, user=o.kontakt)
    client.force_login(o.kontakt)
    side = client.get(reverse("rapportering:detalj", args=[rapport.pk])).content.decode()
    forklaring = side.split('id="risikoforklaring"')[1].split("</dl>")[0]
    assert EGNE["gronn"] in forklaring and "tildelingsbrevet for 2024" in forklaring


def test_et_utkasts_definisjoner_brukes_ikke_i_oppfolgingen():
    from oppdrag.risiko import for_brev, for_oppdrag

    utkast = TildelingsbrevFactory(aar=2025)
    _egne(utkast)
    o = OppdragFactory(tildelingsbrev=utkast, nummer="2025-01")
    assert for_oppdrag(o).tekster == {str(k): v for k, v in RISIKO_DEFINISJON.items()}
    assert for_brev(utkast).kilde == "instruksen"
    assert for_brev(utkast, ogsaa_utkast=True).get("rod") == EGNE["rod"]
