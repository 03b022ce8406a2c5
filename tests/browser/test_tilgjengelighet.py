"""WCAG 2.1 AA, checked by axe-core in headless Chromium on every main page and state (empty
list, form with errors, long list), with zero violations and no Content-Security-Policy errors."""

from __future__ import annotations

import pytest

from brukere.models import Rolle, User
from oppdrag.models import Oppdrag
from styring.models import Tildelingsbrev

from .conftest import axe_sjekk

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.browser]


def _bruker(brukernavn: str, org: str, rolle: str) -> User:
    from styring.models import Organisasjon

    return User.objects.create_user(brukernavn, f"{brukernavn}@example.no", "et-langt-testpassord",
                                    first_name="Test", last_name=brukernavn.capitalize(),
                                    organisasjon=Organisasjon.objects.get(kortnavn=org), rolle=rolle)


def _sjekk(page, sti: str, *, forventet_tekst: str | None = None):
    respons = page.goto(sti)
    assert respons.status == 200, f"{sti}: HTTP {respons.status}"
    if forventet_tekst:
        assert forventet_tekst in page.content(), f"{sti}: mangler «{forventet_tekst}»"
    rapport = axe_sjekk(page)
    assert rapport == "", f"{sti}:\n{rapport}"
    assert page.csp_feil == [], f"{sti}: CSP-feil {page.csp_feil}"


def test_innloggingssiden_og_feil_innlogging(nettleser, live_server):
    context = nettleser.new_context(base_url=live_server.url, locale="nb-NO")
    page = context.new_page()
    page.goto("/logg-inn/")
    assert axe_sjekk(page) == ""
    page.fill("#id_username", "finnes-ikke")
    page.fill("#id_password", "feil-passord-123")
    page.click("button[type=submit]")
    assert "Feil brukernavn eller passord" in page.content()
    assert axe_sjekk(page) == ""
    context.close()


def test_sidene_for_departementet(demo_live, innlogget):
    dep = _bruker("redaktor", "AID", Rolle.DEPARTEMENT_REDAKTOR)
    page = innlogget(dep)
    brev = Tildelingsbrev.objects.get(virksomhet__kortnavn="IMDi", aar=2024)
    oppdrag = Oppdrag.objects.filter(tildelingsbrev=brev).order_by("nummer").first()
    _sjekk(page, "/", forventet_tekst="Min side")
    _sjekk(page, "/brev/", forventet_tekst="2024")
    _sjekk(page, f"/brev/{brev.pk}/", forventet_tekst=brev.maal.order_by("nummer").first().tittel[:30])
    _sjekk(page, "/oppdrag/?per_side=500", forventet_tekst=oppdrag.nummer)  # long list
    _sjekk(page, "/oppdrag/?q=finnes-ikke-noe-sted")  # empty list
    _sjekk(page, f"/oppdrag/{oppdrag.pk}/", forventet_tekst=oppdrag.nummer)
    _sjekk(page, "/innstillinger/varsler/", forventet_tekst="Varsler")


def test_sidene_for_virksomheten(demo_live, innlogget):
    virk = _bruker("imdi", "IMDi", Rolle.VIRKSOMHET_KONTAKT)
    page = innlogget(virk)
    oppdrag = Oppdrag.objects.filter(tildelingsbrev__aar=2024, tildelingsbrev__virksomhet__kortnavn="IMDi").first()
    _sjekk(page, "/", forventet_tekst="Min side")
    _sjekk(page, f"/oppdrag/{oppdrag.pk}/", forventet_tekst=oppdrag.nummer)
    # A follow-up form sent with errors: yellow without an assessment.
    if page.locator("form[data-skjema=oppfolging]").count():
        page.select_option("form[data-skjema=oppfolging] select[name=status]", "paagaar")
        page.check("form[data-skjema=oppfolging] input[name=risiko][value=gul]")
        page.click("form[data-skjema=oppfolging] button[type=submit]")
        assert "vurdering" in page.content().lower()
        assert axe_sjekk(page) == ""
