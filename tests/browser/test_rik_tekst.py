"""Rich text in a report part, in a real browser under the strict CSP: write a heading, a list and
a table, wait for the autosave ("Lagret kl. …"), reload: everything is still there. axe-core finds
no violations on the editor page, neither empty nor with the text written."""

from __future__ import annotations

import time

import pytest

from brukere.models import Rolle
from rapportering import services
from tests.factories import UserFactory
from tests.rapportering.conftest import bygg_oppsett

from .conftest import axe_sjekk

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.browser]

EDITOR = "#del-I-felt div.ProseMirror[role=textbox]"


def _ingen_brudd(page, hva: str):
    rapport = axe_sjekk(page)
    assert rapport == "", f"{hva}:\n{rapport}"
    assert page.csp_feil == [], f"{hva}: CSP-feil {page.csp_feil}"


def _vent_paa_tekst(page, selektor: str, passer, sekunder: float = 15.0) -> str:
    """Polled from Python: wait_for_function evaluates a string in the page, which the CSP refuses."""
    slutt = time.monotonic() + sekunder
    tekst = ""
    while time.monotonic() < slutt:
        tekst = page.locator(selektor).text_content() or ""
        if passer(tekst):
            return tekst
        page.wait_for_timeout(100)
    raise AssertionError(f"{selektor}: {tekst!r}")


def test_heading_list_and_table_are_autosaved_and_kept_after_reload(innlogget):
    oppsett = bygg_oppsett()
    anne = UserFactory(organisasjon=oppsett.brev.virksomhet, rolle=Rolle.VIRKSOMHET_KONTAKT)
    rapport = services.rapport_opprett(punkt=oppsett.punkt_aar, user=anne)

    page = innlogget(anne)
    page.goto(f"/rapporter/{rapport.pk}/rediger/deler/")
    # The first part's editor: wrap it so the test finds it by the part, whatever the layout.
    page.wait_for_selector("div.ProseMirror[role=textbox]")
    page.evaluate("() => { const t = document.querySelector('textarea[name=I]').closest('.prose-editor');"
                  " t.parentElement.id = 'del-I-felt'; }")
    assert page.get_attribute(EDITOR, "aria-labelledby")  # named by the part's label
    _ingen_brudd(page, "editoren, tom")

    editor = page.locator(EDITOR)
    editor.click()
    # Markdown-like input rules of the editor: "### " is a heading, "- " a bullet list.
    page.keyboard.type("### Hovedtall")
    page.keyboard.press("Enter")
    page.keyboard.type("- Bosatt flere")
    page.keyboard.press("Enter")
    page.keyboard.type("Kortere ventetid")
    page.keyboard.press("Enter")
    page.keyboard.press("Enter")  # out of the list
    page.keyboard.type("Tabellen viser tallene.")
    # A table from the toolbar (Norwegian button names).
    page.locator("#del-I-felt button[title='Sett inn tabell']").click()
    page.locator("dialog button", has_text="Sett inn").click()
    page.keyboard.type("Kommune")
    page.keyboard.press("Tab")
    page.keyboard.type("Bosatt")

    status = _vent_paa_tekst(page, "#autolagring-I", lambda t: t.startswith("Lagret kl."))
    assert status.startswith("Lagret kl.")
    _ingen_brudd(page, "editoren med overskrift, liste og tabell, lagret")

    lagret = rapport.deler.get(kode="I").tekst
    assert "<h3>Hovedtall</h3>" in lagret
    assert "<li><p>Bosatt flere</p></li><li><p>Kortere ventetid</p></li>" in lagret
    assert "<table>" in lagret and "Kommune" in lagret and "Bosatt</p>" in lagret

    # Closing the tab and coming back: reload without pressing «Lagre».
    page.reload()
    page.wait_for_selector("div.ProseMirror[role=textbox]")
    forste = page.locator("div.ProseMirror[role=textbox]").first
    assert forste.locator("h3").inner_text() == "Hovedtall"
    assert forste.locator("ul li").all_inner_texts() == ["Bosatt flere", "Kortere ventetid"]
    assert "Kommune" in forste.locator("table").inner_text()
    _ingen_brudd(page, "editoren etter ny innlasting")

    # The report page shows the structure.
    page.goto(f"/rapporter/{rapport.pk}/")
    assert page.locator(".rik-tekst h3").first.inner_text() == "Hovedtall"
    assert page.locator(".rik-tekst table").count() == 1
    _ingen_brudd(page, "rapportsiden med rik tekst")
