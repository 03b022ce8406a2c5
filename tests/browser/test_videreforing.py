"""Carrying IMDi's 2024 letter forward in a real browser: the 2025 draft has its headings moved on,
the check lists what still reads as 2024 and keeps "Send til godkjenning" from being the main
button; one finding is acknowledged with a reason; the sent 2024 letter shows its check as one
folded line below the actions. axe-core finds nothing in any of these states."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from brukere.models import Rolle, User
from styring.models import Organisasjon, Tildelingsbrev

from .conftest import axe_sjekk, innhold

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.browser]


def _redaktor() -> User:
    return User.objects.create_user("kari.redaktor", "kari@example.no", "et-langt-testpassord", first_name="Kari",
                                    last_name="Redaktør", organisasjon=Organisasjon.objects.get(kortnavn="AID"),
                                    rolle=Rolle.DEPARTEMENT_REDAKTOR)


def test_videreforing_med_kontroll_og_kvittering(demo_live, innlogget):
    page = innlogget(_redaktor())
    brev_2024 = Tildelingsbrev.objects.get(virksomhet__kortnavn="IMDi", aar=2024)

    # The sent 2024 letter: actions first, then its check as one folded line, then the letter.
    page.goto(f"/brev/{brev_2024.pk}/")
    oppsummering = page.locator("section.kontroll details > summary")
    expect(oppsummering).to_contain_text("i brevet slik det ble sendt")
    expect(page.locator("section.kontroll details ul")).not_to_be_visible()
    assert "før brevet kan sendes til godkjenning" not in innhold(page)
    topp = {navn: page.get_by_role("button", name=navn).bounding_box()["y"]
            for navn in ("Lag PDF", "Lag tildelingsbrev for 2025")}
    brevet = page.locator("article.dokument").bounding_box()["y"]
    assert max(topp.values()) < oppsummering.bounding_box()["y"] < brevet
    assert page.get_by_role("link", name="Historikk").bounding_box()["y"] < brevet
    oppsummering.click()
    expect(page.locator("section.kontroll details ul")).to_be_visible()
    # axe once, with the check unfolded: the folded page is this page less the hidden list.
    assert axe_sjekk(page) == ""

    # Carry it forward.
    page.get_by_role("button", name="Lag tildelingsbrev for 2025").click()
    page.wait_for_url(re.compile(r"/brev/\d+/$"))
    brev_2025 = Tildelingsbrev.objects.get(virksomhet__kortnavn="IMDi", aar=2025)
    toc = page.locator("nav.innholdsfortegnelse")
    expect(toc).to_contain_text("Overordnede prioriteringer for 2025")
    expect(toc).to_contain_text("Integreringskonferanser 2025")
    expect(page.get_by_role("heading", name=re.compile("Overordnede prioriteringer for 2025"))).to_be_visible()

    kontroll = page.locator("section.kontroll")
    expect(kontroll).to_contain_text("før brevet kan sendes til godkjenning")
    mal3 = kontroll.locator("label", has_text="Mål 3, overskriften over oppdrag gitt tidligere")
    expect(mal3).to_contain_text("nevner 2023")
    expect(kontroll.locator("label", has_text="Kap. 670 post 01")).to_contain_text("må oppdateres")
    antall = page.locator("input[name=funn]").count()
    assert antall > 10
    send = page.get_by_role("button", name="Send til godkjenning")
    assert send.get_attribute("data-variant") == "secondary"
    assert "Lag tildelingsbrev for 2026" not in innhold(page)
    # The only axe run of a just carried-forward draft (test_tilgjengelighet relies on it).
    assert axe_sjekk(page) == ""

    # Acknowledge one finding with a reason.
    mal3.click()  # the label ticks its box
    page.get_by_label("Begrunnelse for at de avkryssede funnene kan stå").fill(
        "Oppdragene under mål 3 har frister fra 2023; overskriften er riktig.")
    page.get_by_role("button", name="Kvitter ut avkryssede funn").click()
    page.wait_for_load_state()
    expect(page.get_by_text("Funnet er kvittert ut med begrunnelse.")).to_be_visible()
    assert page.locator("input[name=funn]").count() == antall - 1
    assert brev_2025.kvitteringer.get().grunn.startswith("Oppdragene under mål 3")
    saksgang = page.locator("ol.tidslinje")
    expect(saksgang).to_contain_text("Kvitterte ut funn i kontrollen: Mål 3")
    expect(saksgang).to_contain_text("Begrunnelse: Oppdragene under mål 3 har frister fra 2023")
    expect(saksgang.locator("li", has_text="Videreført fra tildelingsbrevet for 2024")).to_have_count(1)
    kontroll.locator("details > summary").first.click()
    expect(kontroll.locator("details li", has_text="Kvittert ut av Kari Redaktør")).to_be_visible()
    assert axe_sjekk(page) == ""

    # Sending is still refused while other findings remain, with the reason on the page.
    page.get_by_role("button", name="Send til godkjenning").click()
    page.wait_for_load_state()
    expect(page.get_by_text(re.compile("feil som må rettes før det kan sendes til godkjenning")).first).to_be_visible()
    brev_2025.refresh_from_db()
    assert brev_2025.status == "utkast"
    assert axe_sjekk(page) == ""
