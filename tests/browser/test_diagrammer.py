"""Results drawn as charts (#14 item 6) in a real browser: the report page for the ministry and Min
side for the agency pass axe-core (WCAG 2.1 AA) with no CSP error at 1366 and 375 px, the charts are
images with a name and a table for screen readers, and they shrink to a phone without overflow."""

from __future__ import annotations

from decimal import Decimal

import pytest
from playwright.sync_api import expect

from brukere.models import Rolle
from rapportering.models import Parameterresultat, Rapport
from styring.models import Maaleverdi, Resultatkrav, Styringsparameter

from .conftest import forvent_tekst, innhold
from .test_tilgjengelighet import Sjekker, _bruker

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.browser]


def _tall_for_sp1():
    """IMDi's letters state no numeric targets; give SP 1 one in both years and results in the demo's
    reports, so a line chart is drawn beside the red/yellow/green bars."""
    for sp in Styringsparameter.objects.filter(maal__tildelingsbrev__virksomhet__kortnavn="IMDi", kode="SP 1"):
        Resultatkrav.objects.create(styringsparameter=sp, verdi=Decimal(60 + sp.maal.tildelingsbrev.aar % 10),
                                    enhet="prosent")
        Maaleverdi.objects.create(styringsparameter=sp, periode="2022", verdi=Decimal("55.5"), enhet="prosent")
    for rapport, verdi in ((("aarsrapport", 2023), "61.5"), (("halvaarsrapport", 2024), "63"),
                           (("aarsrapport", 2024), "65")):
        Parameterresultat.objects.filter(rapport__type=rapport[0], rapport__rapport_aar=rapport[1],
                                         styringsparameter__kode="SP 1").update(
            numerisk=True, resultat_tekst="", resultat_tall=Decimal(verdi))


def _ingen_overflyt(page, bredde: int):
    assert page.evaluate("document.documentElement.scrollWidth") <= bredde
    for boks in page.locator("svg.diagram-svg").all()[:3]:
        assert boks.bounding_box()["width"] <= bredde


@pytest.mark.parametrize("bredde", [1366, 375])
def test_rapportsiden_med_diagrammer_for_departementet(demo_live, innlogget, bredde):
    _tall_for_sp1()
    page = innlogget(_bruker("redaktor", "AID", Rolle.DEPARTEMENT_REDAKTOR))
    page.set_viewport_size({"width": bredde, "height": 900})
    sjekk = Sjekker(page)
    halvaar = Rapport.objects.get(virksomhet__kortnavn="IMDi", type="halvaarsrapport", rapport_aar=2024)
    sjekk(f"/rapporter/{halvaar.pk}/", tekst="Utvikling over tid i diagram")
    expect(page.get_by_role("img", name="Mål 1: rød, gul og grønn per rapport")).to_be_visible()
    expect(page.get_by_role("img", name="SP 1:").first).to_be_visible()
    # one screen-reader table per chart, inside its visually hidden box
    antall = page.locator("svg.diagram-svg").count()
    assert antall >= 7 and page.locator("figure.diagram .visuelt-skjult > table").count() == antall
    # the ministry's chart has the sent reports only: not the årsrapport 2024 draft's 65 prosent
    html = innhold(page)
    assert "Resultat – 2023: 61,5 prosent; Halvår 2024: 63 prosent." in html and "65 prosent" not in html
    _ingen_overflyt(page, bredde)
    sjekk.ferdig()


@pytest.mark.parametrize("bredde", [1366, 375])
def test_min_side_med_diagrammer_for_virksomheten(demo_live, innlogget, bredde):
    _tall_for_sp1()
    page = innlogget(_bruker("imdi", "IMDi", Rolle.VIRKSOMHET_KONTAKT))
    page.set_viewport_size({"width": bredde, "height": 900})
    sjekk = Sjekker(page)
    sjekk("/", tekst="Resultater og risiko over tid")
    # the agency's own draft is in its own chart
    forvent_tekst(page, "Resultat – 2023: 61,5 prosent; Halvår 2024: 63 prosent; 2024: 65 prosent.")
    expect(page.get_by_role("img", name="Mål 2: rød, gul og grønn per rapport")).to_be_visible()
    _ingen_overflyt(page, bredde)
    sjekk.ferdig()
