"""The follow-up pages in a real browser: axe-core (WCAG 2.1 AA) on every state (timeline with
entries, forms with errors, the calendar page), no CSP errors, and htmx updating the timeline."""

from __future__ import annotations

import io
from datetime import date

import pytest

from tests.factories import FristFactory, OppdragFactory, TildelingsbrevFactory, UserFactory

from .conftest import axe_sjekk

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.browser]



def _vent_paa_fokus(page, passer, sekunder: float = 10.0) -> None:
    """Wait until the focused element's text passes ``passer``. Polled from Python: Playwright's
    wait_for_function evaluates a string inside the page, which the strict CSP (no unsafe-eval)
    refuses whenever the condition is not true at once."""
    import time

    slutt = time.monotonic() + sekunder
    tekst = ""
    while time.monotonic() < slutt:
        tekst = page.evaluate("() => document.activeElement ? document.activeElement.textContent : ''")
        if passer(tekst):
            return
        page.wait_for_timeout(50)
    raise AssertionError(f"Fokus kom ikke dit det skulle; fokusert tekst: {tekst!r}")

def _ingen_brudd(page, hva: str):
    rapport = axe_sjekk(page)
    assert rapport == "", f"{hva}:\n{rapport}"
    assert page.csp_feil == [], f"{hva}: CSP-feil {page.csp_feil}"


def test_follow_up_pages_pass_axe_and_htmx_updates_the_timeline(innlogget, tmp_path, settings):
    settings.MEDIA_ROOT = str(tmp_path)
    brev = TildelingsbrevFactory(aar=2024, sendt_brev=True)
    o = OppdragFactory(tildelingsbrev=brev, tittel="Kartlegge tolkebehovet", beskrivelse="Beskrivelse.\nDel 2.")
    FristFactory(oppdrag=o, tekst="1. juni 2024", dato=date(2024, 6, 1))
    virk = UserFactory(organisasjon=brev.virksomhet, rolle="virk_oppdragseier")
    dep = UserFactory(organisasjon=brev.departement)

    page = innlogget(virk)
    page.goto(f"/oppdrag/{o.pk}/")
    _ingen_brudd(page, "detalj, tom tidslinje")
    # Yellow without an assessment: refused, errors next to the field and summarised.
    page.check("form[data-skjema=oppfolging] input[name=risiko][value=gul]")
    page.click("form[data-skjema=oppfolging] button[type=submit]")
    page.wait_for_selector("text=Skriv en vurdering når risikoen er gul.")
    # Focus moves to the error summary once htmx has settled the swap (wait, don't race it).
    _vent_paa_fokus(page, lambda tekst: "Skriv en vurdering" in tekst)
    _ingen_brudd(page, "oppfølging med feil")
    # Now with an assessment: htmx swaps in the page with the new entry.
    page.fill("form[data-skjema=oppfolging] textarea[name=risiko_tekst]", "Forsinket leveranse.")
    page.fill("form[data-skjema=oppfolging] textarea[name=kommentar]", "<b>ikke fet</b>")
    page.click("form[data-skjema=oppfolging] button[type=submit]")
    page.wait_for_selector("text=Statusoppdateringen er registrert.")
    # Keyboard and screen-reader users land on the receipt, not on a removed button.
    _vent_paa_fokus(page, lambda tekst: tekst == "Statusoppdateringen er registrert.")
    tidslinje = page.inner_text("ol.oppfolging")
    assert "Gul" in tidslinje and "Forsinket leveranse." in tidslinje and "<b>ikke fet</b>" in tidslinje
    # A refused upload (wrong type) and then an accepted one.
    page.set_input_files("form[data-skjema=leveranse] input[type=file]",
                         files=[{"name": "program.exe", "mimeType": "application/octet-stream", "buffer": b"MZ"}])
    page.fill("form[data-skjema=leveranse] input[name=leveranse-tittel]", "Sluttrapport")
    page.click("form[data-skjema=leveranse] button[type=submit]")
    page.wait_for_selector("text=Filtypen .exe er ikke tillatt.")
    _ingen_brudd(page, "opplasting med feil")
    page.set_input_files("form[data-skjema=leveranse] input[type=file]",
                         files=[{"name": "rapport.pdf", "mimeType": "application/pdf",
                                 "buffer": io.BytesIO(b"%PDF-1.4\n%%EOF\n").getvalue()}])
    page.fill("form[data-skjema=leveranse] input[name=leveranse-tittel]", "Sluttrapport")
    page.click("form[data-skjema=leveranse] button[type=submit]")
    page.wait_for_selector("text=«Sluttrapport» er lastet opp.")
    page.click("summary")  # open the history
    _ingen_brudd(page, "detalj med tidslinje, leveranse og historikk")

    page.goto("/oppdrag/?frist_fra=ugyldig")
    _ingen_brudd(page, "liste med ugyldig filter")
    page.goto("/oppdrag/kalender/")
    _ingen_brudd(page, "kalender uten lenke")
    page.click("text=Lag kalenderlenke")
    page.wait_for_selector("#kalenderadresse")
    _ingen_brudd(page, "kalender med ny lenke")

    page = innlogget(dep)
    page.goto(f"/oppdrag/{o.pk}/")
    page.click("form[data-skjema=avslutning] button[type=submit]")
    page.wait_for_selector("text=Velg levert, avsluttet eller bortfalt.")
    _ingen_brudd(page, "avslutning med feil")
    page.fill("form[data-skjema=kommentar] textarea", "Takk for oppdateringen.")
    page.click("form[data-skjema=kommentar] button[type=submit]")
    page.wait_for_selector("text=Kommentaren er lagret.")
    assert "Takk for oppdateringen." in page.inner_text("ol.oppfolging")
    _ingen_brudd(page, "detalj for departementet med kommentar")
