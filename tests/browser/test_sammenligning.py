"""The compare page with unchanged parts folded (#12 item 9): no axe-core violation with the fold
closed or open, at desktop and phone width."""

from __future__ import annotations

import pytest

from brukere.models import Rolle
from tests.factories import MaalFactory, TildelingsbrevFactory, UserFactory, VirksomhetFactory

from .conftest import axe_sjekk

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.browser]


def test_sammenligning_med_foldede_uendrede_maal(innlogget):
    virk = VirksomhetFactory()
    b23 = TildelingsbrevFactory(virksomhet=virk, aar=2023, sendt_brev=True)
    b24 = TildelingsbrevFactory(virksomhet=virk, departement=b23.departement, aar=2024, sendt_brev=True)
    for nr in (1, 2, 3):
        MaalFactory(tildelingsbrev=b23, nummer=nr, tittel=f"Mål nummer {nr}", tekst="Samme tekst.")
        MaalFactory(tildelingsbrev=b24, nummer=nr, tittel=f"Mål nummer {nr}",
                    tekst="Ny tekst." if nr == 3 else "Samme tekst.")
    page = innlogget(UserFactory(organisasjon=b23.departement, rolle=Rolle.DEPARTEMENT_REDAKTOR))
    feil = []
    for bredde in (1366, 375):
        page.set_viewport_size({"width": bredde, "height": 900})
        page.goto(f"/brev/{b24.pk}/sammenlign/?med=forrige-aar")
        fold = page.locator("details.uendret summary", has_text="2 mål uendret")
        assert fold.count() == 1
        assert not page.get_by_text("Mål nummer 1").is_visible()  # folded
        fold.click()
        assert page.get_by_text("Mål nummer 1").is_visible()
        # axe once per width, unfolded: the folded page is this page less the hidden goals.
        feil.append(axe_sjekk(page))
    assert not page.csp_feil
    assert [f for f in feil if f] == []
