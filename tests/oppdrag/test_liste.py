"""The oppdrag list: each filter narrows what a person sees, sorting, paging, and fixed query counts."""

from __future__ import annotations

import re
from datetime import date

import pytest
from django.urls import reverse

from oppdrag.models import Oppdrag
from tests.factories import (
    FristFactory,
    MaalFactory,
    OppdragFactory,
    TildelingsbrevFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db
LISTE = reverse("oppdrag:liste")


def nummer_i(resp) -> list[str]:
    """The oppdrag numbers in the table, in order."""
    html = resp.content.decode()
    return re.findall(r'<td data-etikett="Nr\.">([^<]+)', html)


@pytest.fixture
def data():
    brev23 = TildelingsbrevFactory(aar=2023, sendt_brev=True)
    virksomhet, dep = brev23.virksomhet, brev23.departement
    brev24 = TildelingsbrevFactory(aar=2024, virksomhet=virksomhet, departement=dep, sendt_brev=True)
    maal1 = MaalFactory(tildelingsbrev=brev24, nummer=1, tittel="Flere innvandrere i arbeid")
    maal2 = MaalFactory(tildelingsbrev=brev24, nummer=2, tittel="Gode tolketjenester")
    virk = UserFactory(organisasjon=virksomhet, rolle="virk_kontakt")
    ansvarlig = UserFactory(organisasjon=virksomhet, rolle="virk_oppdragseier", first_name="Anne", last_name="Ansvar")
    gammel = OppdragFactory(tildelingsbrev=brev23, nummer="2023-05", tittel="Evaluere introduksjonsprogrammet",
                            maal=MaalFactory(tildelingsbrev=brev23, nummer=1), status="paagaar", risiko="rod")
    FristFactory(oppdrag=gammel, tildelingsbrev=brev23, tekst="31.12.2024", dato=date(2024, 12, 31))
    avsluttet = OppdragFactory(tildelingsbrev=brev23, nummer="2023-06", tittel="Ferdig oppdrag", status="avsluttet",
                               maal=None)
    FristFactory(oppdrag=avsluttet, tildelingsbrev=brev23, tekst="01.03.2023", dato=date(2023, 3, 1))
    a = OppdragFactory(tildelingsbrev=brev24, nummer="2024-01", tittel="Kartlegge tolkebehov", maal=maal2,
                       beskrivelse="Se på behovet for skjermtolking i kommunene.", risiko="gul", status="paagaar",
                       ansvarlig=ansvarlig, fou="fou")
    FristFactory(oppdrag=a, tekst="1. mars 2024", dato=date(2024, 3, 1))
    b = OppdragFactory(tildelingsbrev=brev24, nummer="2024-02", tittel="Styrke kvalifiseringen", maal=maal1,
                       bakgrunn="Regjeringen vil styrke arbeidslinjen.", risiko="gronn")
    FristFactory(oppdrag=b, tekst="15. september 2024", dato=date(2024, 9, 15))
    c = OppdragFactory(tildelingsbrev=brev24, nummer="2024-03", tittel="Løpende rådgivning", maal=maal1)
    FristFactory(oppdrag=c, tekst="Løpende", dato=None, form="lopende")
    # Another agency's oppdrag is never listed for this agency.
    annen = OppdragFactory(nummer="X-99", tittel="Annen virksomhet sitt oppdrag", risiko="rod",
                           tildelingsbrev=TildelingsbrevFactory(aar=2024, sendt_brev=True))
    return {"virk": virk, "ansvarlig": ansvarlig, "dep": UserFactory(organisasjon=dep), "annen": annen,
            "virksomhet": virksomhet}


@pytest.fixture
def virk_client(client, data):
    client.force_login(data["virk"])
    return client


def test_unfiltered_list_shows_own_agency_only(virk_client):
    resp = virk_client.get(LISTE)
    assert sorted(nummer_i(resp)) == ["2023-05", "2023-06", "2024-01", "2024-02", "2024-03"]
    html = resp.content.decode()
    assert "Annen virksomhet" not in html
    assert '<span class="risiko risiko-rod">' in html and "Rød" in html
    assert "01.03.2024" in html and "1. mars 2024" in html  # next frist: date and wording
    assert "Mål 2" in html and "Anne Ansvar" in html


@pytest.mark.parametrize("query,forventet", [
    ({"risiko": "rod"}, ["2023-05"]),
    ({"risiko": "gul"}, ["2024-01"]),
    ({"risiko": "ikke"}, ["2023-06", "2024-03"]),
    ({"q": "skjermtolking"}, ["2024-01"]),  # a word in beskrivelse
    ({"q": "arbeidslinjen"}, ["2024-02"]),  # a word in bakgrunn
    ({"q": "2023-0"}, ["2023-05", "2023-06"]),  # nummer
    ({"q": "tolkebehov kartlegge"}, ["2024-01"]),  # all words, any order
    ({"aar": "2023"}, ["2023-05", "2023-06"]),
    ({"aktuell": "2024"}, ["2023-05", "2024-01", "2024-02", "2024-03"]),  # new in 2024 or still open
    ({"aktuell": "2024", "ny": "tidligere"}, ["2023-05"]),
    ({"aktuell": "2024", "ny": "ny"}, ["2024-01", "2024-02", "2024-03"]),
    ({"status": "aapne"}, ["2023-05", "2024-01", "2024-02", "2024-03"]),
    ({"status": "avsluttet"}, ["2023-06"]),
    ({"maal": "2"}, ["2024-01"]),
    ({"maal": "1"}, ["2023-05", "2024-02", "2024-03"]),
    ({"fou": "fou"}, ["2024-01"]),
    ({"frist_fra": "2024-06-01", "frist_til": "2024-10-01"}, ["2024-02"]),
    ({"frist_fra": "01.12.2024"}, ["2023-05"]),
    ({"frist_til": "2024-03-31"}, ["2023-06", "2024-01"]),
])
def test_each_filter_narrows_the_list(virk_client, query, forventet):
    assert sorted(nummer_i(virk_client.get(LISTE, query))) == forventet


def test_filter_by_responsible_person_and_none(virk_client, data):
    assert nummer_i(virk_client.get(LISTE, {"ansvarlig": data["ansvarlig"].pk})) == ["2024-01"]
    assert "2024-01" not in nummer_i(virk_client.get(LISTE, {"ansvarlig": "null"}))


def test_filter_form_is_a_labelled_get_form(virk_client):
    html = virk_client.get(LISTE).content.decode()
    assert '<form method="get"' in html and 'class="filter"' in html
    for label in ("Gitt år", "Aktuelt i år (nytt eller åpent)", "Mål", "Status", "Risiko", "Ansvarlig",
                  "Frist fra og med", "Frist til og med", "FoU", "Nye eller tidligere gitt"):
        assert f">{label}</label>" in html, label
    assert ">Virksomhet</label>" not in html  # one agency: no agency filter


def test_ministry_steering_several_agencies_filters_by_agency(client, data):
    dep = data["dep"]
    annet_brev = TildelingsbrevFactory(aar=2024, departement=dep.organisasjon, sendt_brev=True)
    OppdragFactory(tildelingsbrev=annet_brev, nummer="B-1")
    client.force_login(dep)
    html = client.get(LISTE).content.decode()
    assert ">Virksomhet</label>" in html
    assert nummer_i(client.get(LISTE, {"virksomhet": annet_brev.virksomhet.pk})) == ["B-1"]
    # An agency the ministry does not steer is not a valid choice (and shows nothing of it).
    resp = client.get(LISTE, {"virksomhet": data["annen"].virksomhet.pk})
    assert "X-99" not in resp.content.decode()
    html = resp.content.decode()
    assert ('<ul class="errorlist" id="id_virksomhet_error"><li>Velg et gyldig valg. '
            "Valget er ikke av de tilgjengelige valgene.</li></ul>") in html
    assert '<a href="#id_virksomhet">Virksomhet: Velg et gyldig valg.' in html  # in the error summary too


def test_invalid_date_shows_a_message_next_to_the_field(virk_client):
    html = virk_client.get(LISTE, {"frist_fra": "i morgen"}).content.decode()
    assert '<ul class="errorlist" id="id_frist_fra_error"><li>Oppgi en gyldig dato.</li></ul>' in html


def test_sorting(virk_client):
    assert nummer_i(virk_client.get(LISTE, {"sorter": "risiko"}))[:3] == ["2023-05", "2024-01", "2024-02"]
    assert nummer_i(virk_client.get(LISTE, {"sorter": "nummer"}))[0] == "2024-01"
    # By next frist: dated ones first, earliest first; undated last.
    assert nummer_i(virk_client.get(LISTE, {"sorter": "frist"})) == ["2023-06", "2024-01", "2024-02", "2023-05",
                                                                    "2024-03"]
    html = virk_client.get(LISTE, {"sorter": "frist"}).content.decode()
    assert 'aria-sort="ascending"' in html


def test_empty_state(virk_client):
    html = virk_client.get(LISTE, {"q": "finnesikke"}).content.decode()
    assert "Ingen oppdrag passer med filtrene." in html
    assert "Last ned som Excel" not in html


def test_htmx_request_gets_only_the_results(virk_client):
    resp = virk_client.get(LISTE, {"risiko": "rod"}, HTTP_HX_REQUEST="true")
    html = resp.content.decode()
    assert html.lstrip().startswith('<div id="oppdrag-resultat"') and "<html" not in html
    assert nummer_i(resp) == ["2023-05"]
    full = virk_client.get(LISTE, {"risiko": "rod"}).content.decode()
    assert 'hx-get="/oppdrag/"' in full and 'hx-push-url="true"' in full


def test_excel_link_keeps_the_query_string(virk_client):
    html = virk_client.get(LISTE, {"risiko": "rod", "q": "evaluere"}).content.decode()
    assert 'href="/oppdrag/eksport.xlsx?risiko=rod&amp;q=evaluere"' in html


def _lag_mange(brev, n, start=0):
    for i in range(start, start + n):
        o = OppdragFactory(tildelingsbrev=brev, nummer=f"M-{i:04d}", maal=None)
        FristFactory(oppdrag=o, tekst="1. mai 2024", dato=date(2024, 5, 1))


def test_pagination_50_per_page_and_per_side_500(client):
    brev = TildelingsbrevFactory(aar=2024, sendt_brev=True)
    _lag_mange(brev, 120)
    client.force_login(UserFactory(organisasjon=brev.virksomhet, rolle="virk_kontakt"))
    resp = client.get(LISTE, {"sorter": "nummer"})
    assert len(nummer_i(resp)) == 50
    html = resp.content.decode()
    assert 'aria-label="Sider"' in html and 'aria-current="page"' in html and "<strong>120</strong> oppdrag" in html
    side3 = nummer_i(client.get(LISTE, {"sorter": "nummer", "side": 3}))
    assert len(side3) == 20
    alle = client.get(LISTE, {"per_side": 500})
    assert len(nummer_i(alle)) == 120 and "<strong>120</strong> oppdrag" in alle.content.decode()
    assert 'aria-label="Sider"' not in alle.content.decode()  # one page: no pager
    assert len(nummer_i(client.get(LISTE, {"per_side": 100000}))) == 50  # not an allowed size


def test_list_query_count_does_not_grow(client, django_assert_num_queries):
    brev = TildelingsbrevFactory(aar=2024, sendt_brev=True)
    _lag_mange(brev, 3)
    client.force_login(UserFactory(organisasjon=brev.virksomhet, rolle="virk_kontakt"))
    params = {"per_side": 500, "risiko": "ikke", "frist_fra": "2024-01-01"}
    with django_assert_num_queries(6) as ctx:  # a first page that holds every row needs no COUNT
        resp = client.get(LISTE, params)
    antall = len(ctx.captured_queries)
    assert len(nummer_i(resp)) == 3
    _lag_mange(brev, 297, start=3)
    with django_assert_num_queries(antall):
        resp = client.get(LISTE, params)
    assert len(nummer_i(resp)) == 300


def test_list_for_anonymous_redirects_to_login(client):
    assert client.get(LISTE).status_code == 302
    assert Oppdrag.objects.count() == 0


def test_html_in_a_title_is_shown_as_text(virk_client, data):
    o = Oppdrag.objects.get(nummer="2024-01")
    o.tittel = '<script>alert("x")</script> & <b>fet</b>'
    o.save()
    html = virk_client.get(reverse("oppdrag:liste")).content.decode()
    assert "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; &lt;b&gt;fet&lt;/b&gt;" in html
    assert "<script>alert" not in html
