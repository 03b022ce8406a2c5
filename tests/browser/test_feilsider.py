"""Error pages and the reports list in the browser (#12 items 6 and 8): axe-core finds no WCAG 2.1
AA violation at desktop and phone width, the strict CSP is kept, and each page offers a way on."""

from __future__ import annotations

from datetime import date

import pytest

from brukere.models import Rolle
from tests.factories import RapporteringspunktFactory, TildelingsbrevFactory, UserFactory, VirksomhetFactory

from .conftest import axe_sjekk, innhold

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.browser]

BREDDER = (1366, 375)


def _verden():
    virk = VirksomhetFactory()
    b23 = TildelingsbrevFactory(virksomhet=virk, aar=2023, sendt_brev=True)
    b24 = TildelingsbrevFactory(virksomhet=virk, departement=b23.departement, aar=2024, sendt_brev=True)
    RapporteringspunktFactory(tildelingsbrev=b23, rapport_aar=2022)
    RapporteringspunktFactory(tildelingsbrev=b23, rapport_aar=2023)
    RapporteringspunktFactory(tildelingsbrev=b24, rapport_aar=2023)
    RapporteringspunktFactory(tildelingsbrev=b24, type="halvaarsrapport", rapport_aar=2024,
                              betegnelse="Halvårsrapportering for 2024", telletidspunkt=date(2024, 6, 30),
                              frist=date(2024, 8, 18))
    RapporteringspunktFactory(tildelingsbrev=b24, rapport_aar=2024)
    kontakt = UserFactory(organisasjon=virk, rolle=Rolle.VIRKSOMHET_KONTAKT)
    return b24, kontakt


def test_feilsider_og_rapportlisten_uten_brudd(innlogget):
    brev, kontakt = _verden()
    page = innlogget(kontakt)
    feil: list[str] = []
    sider = [
        (f"/brev/{brev.pk}/rediger/", 403, "Bare departementet som sender brevet, kan endre det."),
        ("/brev/999999/", 404, "Fant ikke siden"),
        ("/rapporter/", 200, "Forfalt:"),
    ]
    for bredde in BREDDER:
        page.set_viewport_size({"width": bredde, "height": 900})
        for sti, status, tekst in sider:
            respons = page.goto(sti)
            hva = f"{sti} ved {bredde} px"
            if respons.status != status:
                feil.append(f"{hva}: HTTP {respons.status}, ventet {status}")
                continue
            if tekst not in innhold(page):
                feil.append(f"{hva}: mangler «{tekst}»")
            if not page.get_by_role("navigation", name="Hovedmeny").count():
                feil.append(f"{hva}: mangler hovedmenyen")
            rapport = axe_sjekk(page)
            if rapport:
                feil.append(f"{hva}:\n{rapport}")
        # The folded older rows, opened: still no violation.
        page.goto("/rapporter/")
        page.locator("details.eldre-rapporter summary").click()
        rapport = axe_sjekk(page)
        if rapport:
            feil.append(f"/rapporter/ med eldre rader åpne ved {bredde} px:\n{rapport}")
    if page.csp_feil:
        feil.append(f"CSP-feil: {page.csp_feil}")
    assert feil == [], "\n\n".join(feil)
