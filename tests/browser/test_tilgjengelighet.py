"""WCAG 2.1 AA, checked by axe-core in headless Chromium on every main page and state (empty
list, form with errors, long list), with zero violations and no Content-Security-Policy errors
(the strict policy forbids inline script and style)."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from brukere.models import Rolle, User
from oppdrag.models import Oppdrag
from styring.models import Organisasjon, Tildelingsbrev

from .conftest import axe_sjekk, forvent_tekst

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.browser]


def _bruker(brukernavn: str, org: str, rolle: str) -> User:
    return User.objects.create_user(brukernavn, f"{brukernavn}@example.no", "et-langt-testpassord",
                                    first_name="Test", last_name=brukernavn.capitalize(),
                                    organisasjon=Organisasjon.objects.get(kortnavn=org), rolle=rolle)


class Sjekker:
    def __init__(self, page):
        self.page = page
        self.feil: list[str] = []

    def __call__(self, sti: str, *, tekst: str | None = None, status: int = 200):
        respons = self.page.goto(sti)
        if respons.status != status:
            self.feil.append(f"{sti}: HTTP {respons.status}")
            return
        self.sjekk_her(sti, tekst=tekst)

    def sjekk_her(self, hva: str, *, tekst: str | None = None):
        if tekst:
            try:
                forvent_tekst(self.page, tekst)
            except AssertionError:
                self.feil.append(f"{hva}: mangler «{tekst}»")
        rapport = axe_sjekk(self.page)
        if rapport:
            self.feil.append(f"{hva}:\n{rapport}")
        if self.page.csp_feil:
            self.feil.append(f"{hva}: CSP-feil {self.page.csp_feil}")
            self.page.csp_feil.clear()

    def ferdig(self):
        assert self.feil == [], "\n\n".join(self.feil)


def test_innloggingssiden_og_feil_innlogging(nettleser, live_server):
    context = nettleser.new_context(base_url=live_server.url, locale="nb-NO")
    page = context.new_page()
    page.goto("/logg-inn/")
    assert axe_sjekk(page) == ""
    page.fill("#id_username", "finnes-ikke")
    page.fill("#id_password", "feil-passord-123")
    page.click("button[type=submit]")
    # Waits for the answer page: read at once, page.content() could still be the form or fail mid-navigation.
    expect(page.get_by_text("Feil brukernavn eller passord").first).to_be_visible()
    assert axe_sjekk(page) == ""
    context.close()


def test_sidene_for_departementet(demo_live, innlogget):
    dep = _bruker("redaktor", "AID", Rolle.DEPARTEMENT_REDAKTOR)
    page = innlogget(dep)
    sjekk = Sjekker(page)
    brev = Tildelingsbrev.objects.get(virksomhet__kortnavn="IMDi", aar=2024)
    oppdrag = Oppdrag.objects.filter(tildelingsbrev=brev).order_by("nummer").first()
    maal = brev.maal.order_by("nummer").first()
    sjekk("/", tekst="Min side")
    sjekk("/brev/", tekst="2024")
    sjekk(f"/brev/{brev.pk}/", tekst=maal.tittel[:30])
    sjekk(f"/brev/{brev.pk}/?visning=opprinnelig")
    sjekk(f"/brev/{brev.pk}/sammenlign/?med=forrige-aar")
    sjekk(f"/brev/{brev.pk}/historikk/")
    sjekk("/oppdrag/?per_side=500", tekst=oppdrag.nummer)  # long list
    sjekk("/oppdrag/?q=finnes-ikke-noe-sted")  # empty list
    sjekk("/oppdrag/?frist_fra=ikke-en-dato", tekst="Oppgi en gyldig dato.")  # filter with an error
    sjekk(f"/oppdrag/{oppdrag.pk}/", tekst=oppdrag.nummer)
    sjekk("/rapporter/")
    sjekk("/innstillinger/varsler/", tekst="Varsler")
    sjekk("/oppdrag/kalender/")
    sjekk.ferdig()


def test_redigeringssidene_for_departementet(demo_live, innlogget):
    """A draft letter: the edit pages, and forms sent with errors (a test of its own, so
    pytest-xdist can run it beside the reading pages)."""
    dep = _bruker("redaktor", "AID", Rolle.DEPARTEMENT_REDAKTOR)
    page = innlogget(dep)
    sjekk = Sjekker(page)
    brev = Tildelingsbrev.objects.get(virksomhet__kortnavn="IMDi", aar=2024)
    page.goto(f"/brev/{brev.pk}/")
    page.get_by_role("button", name="Lag tildelingsbrev for 2025").click()
    page.wait_for_url("**/brev/*/")
    utkast = Tildelingsbrev.objects.get(virksomhet__kortnavn="IMDi", aar=2025)
    # The new draft's page as it opens is checked by axe in test_videreforing (the same ministry
    # editor role, the same carried-forward letter, the same viewport); not run twice.
    sjekk(f"/brev/{utkast.pk}/rediger/oversikt/")
    sjekk(f"/brev/{utkast.pk}/rediger/")
    sjekk(f"/brev/{utkast.pk}/rediger/oppdrag/ny/")
    page.fill("#id_oppdrag-nummer", "2025-01")
    page.fill("#id_frister-0-tekst", "Del 1: 1. juni 2025")
    page.get_by_role("button", name="Lagre").first.click()
    expect(page.get_by_role("alert").first).to_be_visible()
    sjekk.sjekk_her("nytt oppdrag med feil")
    kapittel = utkast.kapitler.order_by("nummer").first()
    sjekk(f"/brev/{utkast.pk}/rediger/budsjett/kapittel/{kapittel.pk}/post/ny/")
    page.get_by_label("Tildelt").fill("mye penger")
    page.get_by_role("button", name="Lagre").first.click()
    expect(page.get_by_role("alert").first).to_be_visible()
    sjekk.sjekk_her("ny post med feil beløp")
    sjekk(f"/brev/{utkast.pk}/rediger/maal/ny/")
    sjekk.ferdig()


def test_sidene_for_virksomheten(demo_live, innlogget):
    virk = _bruker("imdi", "IMDi", Rolle.VIRKSOMHET_LEDER)
    page = innlogget(virk)
    sjekk = Sjekker(page)
    oppdrag = Oppdrag.objects.filter(tildelingsbrev__aar=2024, tildelingsbrev__virksomhet__kortnavn="IMDi").first()
    sjekk("/", tekst="Min side")
    sjekk(f"/oppdrag/{oppdrag.pk}/", tekst=oppdrag.nummer)
    # The follow-up form sent with errors: yellow without an assessment.
    skjema = page.locator("form[data-skjema=oppfolging]")
    skjema.get_by_label("Status").select_option("paagaar")
    skjema.locator("input[name=risiko][value=gul]").check()
    skjema.get_by_role("button", name="Registrer statusoppdatering").click()
    expect(page.get_by_text("Skriv en vurdering når risikoen er gul.").first).to_be_visible()
    sjekk.sjekk_her("statusoppdatering med feil")
    # The reports: the list, and the 2024 annual report the demo prepares.
    sjekk("/rapporter/")
    from rapportering.models import Rapport

    rapport = Rapport.objects.get(virksomhet__kortnavn="IMDi", rapport_aar=2024, type="aarsrapport")
    sjekk(f"/rapporter/{rapport.pk}/", tekst="Leders beretning")
    for seksjon in ("deler", "parametere", "oppdrag", "poster"):
        sjekk(f"/rapporter/{rapport.pk}/rediger/{seksjon}/")
    sjekk(f"/rapporter/{rapport.pk}/historikk/", tekst="PDF-er som er laget")
    sjekk.ferdig()


def test_smal_skjerm_og_bare_tastatur(demo_live, innlogget):
    """Responsive (a phone-sized viewport keeps everything reachable) and keyboard-only use: the
    skip link takes focus first and leads to the content."""
    virk = _bruker("imdi2", "IMDi", Rolle.VIRKSOMHET_KONTAKT)
    page = innlogget(virk)
    page.set_viewport_size({"width": 375, "height": 740})
    page.goto("/oppdrag/")
    assert axe_sjekk(page) == ""
    bredde = page.evaluate("document.documentElement.scrollWidth")
    assert bredde <= 375 + 1, f"siden er {bredde} px bred på en 375 px skjerm"
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.textContent") == "Hopp til innholdet"
    page.keyboard.press("Enter")
    assert page.url.endswith("#innhold")


def test_axe_sjekken_finner_feil(nettleser):
    """The harness itself: a field without a label and grey-on-white text are reported."""
    page = nettleser.new_page()
    page.set_content('<html lang="nb"><head><title>x</title></head><body><main><h1>Skjema</h1>'
                     '<input type="text" name="x"><p style="color:#bbb">Svak kontrast</p></main></body></html>')
    rapport = axe_sjekk(page)
    assert "label" in rapport and "color-contrast" in rapport
    page.close()
