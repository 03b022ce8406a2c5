"""Milepæler without a frist in a real browser: typed in the letter editor with the frist left
empty, saved, shown «uten frist» in the editor and on the oppdrag page; axe-core finds nothing
and the CSP is not broken, at desktop and phone widths."""

from __future__ import annotations

import os

import pytest
from django.urls import reverse

from oppdrag.models import Milepael
from tests.factories import OppdragFactory, TildelingsbrevFactory, UserFactory

from .conftest import axe_sjekk

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.browser]
BILDER = os.environ.get("SKJERMBILDER")  # a folder: screenshots to look at


def _ingen_brudd(page, hva: str):
    rapport = axe_sjekk(page)
    assert rapport == "", f"{hva}:\n{rapport}"
    assert page.csp_feil == [], f"{hva}: CSP-feil {page.csp_feil}"


def test_milepael_uten_frist_i_redigering_og_paa_oppdragssiden(innlogget):
    brev = TildelingsbrevFactory(aar=2025)
    o = OppdragFactory(tildelingsbrev=brev, nummer="2025-01", aar=2025, tittel="Kartlegge tolkebehovet")
    dep = UserFactory(organisasjon=brev.departement)

    page = innlogget(dep)
    page.goto(reverse("brev:rediger-oppdrag", args=[brev.pk, o.pk]))
    page.fill("input[name=milepaeler-0-tittel]", "Forprosjekt ferdig")
    page.get_by_role("button", name="Lagre oppdraget").click()
    page.wait_for_selector("text=Oppdrag 2025-01 er lagret.")
    assert Milepael.objects.get(oppdrag=o).visning == "uten frist"
    assert page.get_by_text("uten frist", exact=False).count() >= 1
    _ingen_brudd(page, "redigering etter lagring")

    page.goto(f"/oppdrag/{o.pk}/")
    celle = page.locator("td[data-etikett=Frist]", has_text="uten frist")
    assert celle.count() == 1
    for bredde in (1366, 375):
        page.set_viewport_size({"width": bredde, "height": 900})
        _ingen_brudd(page, f"oppdragssiden, {bredde} px")
        if BILDER:
            page.screenshot(path=os.path.join(BILDER, f"oppdrag-uten-frist-{bredde}.png"), full_page=True)
