"""Hand-off notices in a real browser: the editor sends a letter to approval, the approver sees the
unread count in the header (fetched by htmx under the strict CSP), the notice in the inbox, opens
the letter from it, and the count is gone. axe-core (WCAG 2.1 AA) on the inbox and the settings."""

from __future__ import annotations

import pytest
from django.core import mail

from brukere.models import Rolle
from tests.factories import DepartementFactory, TildelingsbrevFactory, UserFactory, VirksomhetFactory
from tests.varsler.conftest import celery_eager  # noqa: F401 - the fixture, shared with tests/varsler

from .conftest import axe_sjekk, forvent_tekst, innhold

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.browser]


def _ingen_brudd(page, hva: str):
    rapport = axe_sjekk(page)
    assert rapport == "", f"{hva}:\n{rapport}"
    assert page.csp_feil == [], f"{hva}: CSP-feil {page.csp_feil}"


@pytest.mark.usefixtures("celery_eager")
def test_godkjenneren_ser_varselet_og_antallet_uleste(innlogget):
    dep, virk = DepartementFactory(kortnavn="AID"), VirksomhetFactory(kortnavn="IMDi")
    redaktor = UserFactory(organisasjon=dep, rolle=Rolle.DEPARTEMENT_REDAKTOR, first_name="Rita", last_name="Redaktør")
    godkjenner = UserFactory(organisasjon=dep, rolle=Rolle.DEPARTEMENT_GODKJENNER)
    imdi = UserFactory(organisasjon=virk, rolle=Rolle.VIRKSOMHET_KONTAKT)
    brev = TildelingsbrevFactory(virksomhet=virk, departement=dep, aar=2025, kontaktperson=redaktor)

    # Before: no count in the approver's header.
    side = innlogget(godkjenner)
    side.goto("/innboks/")
    assert side.locator("#innboks-antall").count() == 0
    assert side.get_by_text("Du har ingen uleste varsler.").is_visible()
    _ingen_brudd(side, "tom innboks")

    red = innlogget(redaktor)
    red.goto(f"/brev/{brev.pk}/")
    red.get_by_role("button", name="Send til godkjenning").first.click()
    forvent_tekst(red, "Brevet er sendt til godkjenning.")  # the answer, not the button's own words

    # The approver: the count in the header, the notice in the inbox, by e-mail too.
    side.goto("/")
    side.wait_for_selector("#innboks-antall")
    assert side.locator("#innboks-antall").inner_text().replace("\n", " ").strip() == "1 uleste"
    side.get_by_role("link", name="Innboks").first.click()
    tittel = "Tildelingsbrev 2025 til IMDi er sendt til godkjenning"
    side.get_by_role("link", name=tittel).wait_for()
    forvent_tekst(side, "Rita Redaktør har sendt Tildelingsbrev 2025 til IMDi til godkjenning.")
    _ingen_brudd(side, "innboks med ulest varsel")
    assert [m.subject for m in mail.outbox] == [tittel]

    # Open it: the letter, and the count is gone.
    side.get_by_role("button", name="Åpne og marker som lest").click()
    side.wait_for_url(f"**/brev/{brev.pk}/")
    side.wait_for_load_state("networkidle")
    assert side.locator("#innboks-antall").count() == 0
    side.goto("/innboks/")
    _ingen_brudd(side, "innboks, alt lest")

    # The settings page with the choices per kind, for the ministry and for the agency.
    side.goto("/innstillinger/varsler/")
    assert side.get_by_role("checkbox", name="Tildelingsbrev sendt til godkjenning på e-post").is_checked()
    side.get_by_role("checkbox", name="Tildelingsbrev sendt til godkjenning på e-post").uncheck()
    side.get_by_role("button", name="Lagre").click()
    side.wait_for_selector("text=Varslingsvalgene dine er lagret.")
    assert not side.get_by_role("checkbox", name="Tildelingsbrev sendt til godkjenning på e-post").is_checked()
    _ingen_brudd(side, "varselinnstillinger, departementet")
    agency = innlogget(imdi)
    agency.goto("/innstillinger/varsler/")
    assert agency.get_by_role("checkbox", name="Tildelingsbrev sendt til virksomheten i innboksen").is_checked()
    _ingen_brudd(agency, "varselinnstillinger, virksomheten")
    # The draft letter was never announced to the agency.
    agency.goto("/innboks/")
    assert "Tildelingsbrev 2025" not in innhold(agency)
