"""The fellesføringer in the årsrapport (#14 item 5) in a real browser: IMDi's 2024 draft answers the
letter's three fellesføringer with the numbers they ask for; the report page's section and the
agency's edit page pass axe-core (WCAG 2.1 AA) with no CSP error at 1366 and 375 px, and a phone
gets no page-wide horizontal scrolling (the tables scroll in their own region)."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from brukere.models import Rolle
from rapportering.models import Rapport

from .conftest import forvent_tekst
from .test_tilgjengelighet import Sjekker, _bruker

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.browser]


@pytest.mark.parametrize("bredde", [1366, 375])
def test_fellesforingene_i_aarsrapporten(demo_live, innlogget, bredde, tmp_path):
    rapport = Rapport.objects.get(virksomhet__kortnavn="IMDi", type="aarsrapport", rapport_aar=2024)
    page = innlogget(_bruker("imdi", "IMDi", Rolle.VIRKSOMHET_KONTAKT))
    page.set_viewport_size({"width": bredde, "height": 900})
    sjekk = Sjekker(page)
    sjekk(f"/rapporter/{rapport.pk}/", tekst="Fellesføringer i tildelingsbrevet")
    seksjon = page.locator("#fellesforinger")
    seksjon.scroll_into_view_if_needed()
    tekst = page.inner_text("#del-IV")
    # The demo's figures beside the stated (demo) baseline, with the difference: 6 against 4,5.
    assert "14 350 000 kr" in tekst and "420 000 kr" in tekst and "+1,5" in tekst
    assert "demotall, ikke oppgitt i brevet" in tekst
    assert page.evaluate("document.documentElement.scrollWidth") <= bredde
    page.locator("#del-IV").screenshot(path=str(tmp_path / f"fellesforinger-{bredde}.png"))

    sjekk(f"/rapporter/{rapport.pk}/rediger/fellesforinger/", tekst="Totalbeløp for kjøp av konsulenttjenester")
    assert page.evaluate("document.documentElement.scrollWidth") <= bredde
    # A number the field cannot take: the page says so in Norwegian, on the field, and saves nothing.
    felt = page.get_by_label("Ansettelser av personer med funksjonsnedsettelse og/eller hull i CV-en (antall)")
    felt.fill("seks")
    page.get_by_role("button", name="Lagre").click()
    expect(page.get_by_text("«seks» er ikke et tall").first).to_be_visible()  # the answer page, not the form sent
    sjekk.sjekk_her("rediger med feil", tekst="«seks» er ikke et tall")
    forvent_tekst(page, "Ingenting er lagret")
    sjekk.ferdig()


@pytest.mark.parametrize("bredde", [1366, 375])
def test_fellesforingen_i_brevredigeringen(demo_live, innlogget, bredde):
    """The ministry edits a fellesføring and its numbers in next year's draft (carried forward)."""
    from brev.services import brev_viderefor
    from styring.models import Tildelingsbrev

    redaktor = _bruker("redaktor", "AID", Rolle.DEPARTEMENT_REDAKTOR)
    utkast = brev_viderefor(brev=Tildelingsbrev.objects.get(virksomhet__kortnavn="IMDi", aar=2024),
                            acting_user=redaktor)
    f = utkast.fellesforinger.get(nokkel="redusere-konsulentbruken")
    page = innlogget(redaktor)
    page.set_viewport_size({"width": bredde, "height": 900})
    sjekk = Sjekker(page)
    sjekk(f"/brev/{utkast.pk}/rediger/fellesforing/{f.pk}/", tekst="Tall som oppgis i årsrapporten")
    assert page.evaluate("document.documentElement.scrollWidth") <= bredde
    assert page.get_by_label("Navn").first.input_value() == "Totalbeløp for kjøp av konsulenttjenester"
    sjekk(f"/brev/{utkast.pk}/", tekst="Totalbeløp for kjøp av tjenester fra kommunikasjonsbransjen (kroner)")
    sjekk.ferdig()
