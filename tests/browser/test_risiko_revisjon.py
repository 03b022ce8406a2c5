"""Risk assessments and Riksrevisjonen in a real browser: every new page and state passes axe-core
(WCAG 2.1 AA) with no CSP errors, for the agency (draft, forms with errors, sharing refused) and the
ministry (shared assessment, remarks), at phone width too."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from brukere.models import Rolle
from revisjon.models import Merknad
from risiko.models import Risikovurdering

from .test_tilgjengelighet import Sjekker, _bruker

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.browser]


def test_virksomhetens_risikosider(demo_live, innlogget):
    page = innlogget(_bruker("imdi", "IMDi", Rolle.VIRKSOMHET_LEDER))
    sjekk = Sjekker(page)
    delt = Risikovurdering.objects.get(virksomhet__kortnavn="IMDi", aar=2024, periodetype="aar")
    sjekk("/risiko/", tekst="Halvår 2024")
    sjekk(f"/risiko/{delt.pk}/", tekst="Risikomatrise etter tiltak")
    # The matrix is an image with a text alternative, and the same content as a table.
    expect(page.get_by_role("img", name="Risikomatrise før tiltak")).to_be_visible()
    assert page.locator(".visuelt-skjult > table").count() == 2
    # A new draft for 2025, carried forward from 2024.
    page.goto("/risiko/")
    page.get_by_label("Periode").select_option("aar")
    page.get_by_label("År", exact=True).fill("2025")
    page.get_by_role("button", name="Opprett utkast").click()
    page.wait_for_url("**/risiko/*/")
    sjekk.sjekk_her("nytt utkast", tekst="Utkast – ses bare av IMDi")
    utkast = Risikovurdering.objects.get(virksomhet__kortnavn="IMDi", aar=2025)
    assert utkast.risikoer.count() == delt.risikoer.count()
    # A new risk sent without a title or an assessment of an unacceptable residual risk.
    sjekk(f"/risiko/{utkast.pk}/risiko/ny/", tekst="Ny risiko")
    page.get_by_role("button", name="Legg til risikoen").click()
    expect(page.get_by_role("alert").first).to_be_visible()
    sjekk.sjekk_her("ny risiko med feil", tekst="Beskriv risikoen.")
    r1 = utkast.risikoer.get(nummer=1)
    sjekk(f"/risiko/{utkast.pk}/risiko/{r1.pk}/", tekst="Tiltak mot R1")
    page.locator("form[aria-labelledby=nytt-tiltak]").get_by_label("Frist").fill("31. februar 2025")
    page.get_by_role("button", name="Legg til tiltaket").click()
    expect(page.get_by_role("alert").first).to_be_visible()
    sjekk.sjekk_her("nytt tiltak med feil")
    # Sharing refused: a high risk without a measure.
    for r in utkast.risikoer.all():
        r.tiltak.all().delete()
    page.goto(f"/risiko/{utkast.pk}/")
    page.get_by_role("button", name="Del med AID").click()
    expect(page.get_by_text("Høy risiko uten tiltak").first).to_be_visible()
    sjekk.sjekk_her("deling avvist")
    assert Risikovurdering.objects.get(pk=utkast.pk).status == "utkast"
    sjekk.ferdig()


def test_riksrevisjonen_for_virksomheten(demo_live, innlogget):
    page = innlogget(_bruker("imdi", "IMDi", Rolle.VIRKSOMHET_KONTAKT))
    sjekk = Sjekker(page)
    merknad = Merknad.objects.get(virksomhet__kortnavn="IMDi")
    sjekk("/riksrevisjonen/", tekst=merknad.tittel)
    page.get_by_role("button", name="Registrer merknaden").click()
    expect(page.get_by_role("alert").first).to_be_visible()
    sjekk.sjekk_her("ny merknad med feil", tekst="Skriv hva merknaden gjelder.")
    sjekk(f"/riksrevisjonen/{merknad.pk}/", tekst="Oppfølgingsplan")
    page.get_by_role("button", name="Lukk merknaden").click()
    expect(page.get_by_role("alert").first).to_be_visible()
    sjekk.sjekk_her("lukking avvist")
    sjekk.ferdig()


@pytest.mark.parametrize("bredde", [1366, 375])
def test_departementet_leser(demo_live, innlogget, bredde):
    page = innlogget(_bruker("redaktor", "AID", Rolle.DEPARTEMENT_REDAKTOR))
    page.set_viewport_size({"width": bredde, "height": 900})
    sjekk = Sjekker(page)
    delt = Risikovurdering.objects.get(virksomhet__kortnavn="IMDi", aar=2024, periodetype="aar")
    merknad = Merknad.objects.get(virksomhet__kortnavn="IMDi")
    sjekk("/risiko/", tekst="2024")
    sjekk(f"/risiko/{delt.pk}/", tekst="Feilutbetalinger i tilskuddsordningene")
    assert page.get_by_role("button", name="Del med AID").count() == 0
    sjekk("/riksrevisjonen/", tekst=merknad.tittel)
    sjekk(f"/riksrevisjonen/{merknad.pk}/", tekst="Svar til Riksrevisjonen")
    assert page.get_by_role("button", name="Legg til tiltaket").count() == 0
    sjekk.ferdig()
