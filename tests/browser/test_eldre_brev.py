"""A letter in the older style in a real browser: mål 3.1/3.2 under a målområde, delområder in place and
rapporteringskrav under their mål, on the letter page and in the editor, at 1280 and 375 px; axe-core
finds nothing and the strict CSP reports no error (#13 items 1 and 2)."""

from __future__ import annotations

import pytest

from brukere.models import Rolle
from styring.models import Brevavsnitt, Maal, Maalgruppe, Rapporteringskrav, Styringsparameter, Tildelingsbrev
from tests.factories import UserFactory

from .conftest import innhold
from .test_tilgjengelighet import Sjekker

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.browser]


def _eldre_brev(dep) -> Tildelingsbrev:
    imdi = Tildelingsbrev.objects.filter(virksomhet__kortnavn="IMDi").first().virksomhet
    brev = Tildelingsbrev.objects.create(virksomhet=imdi, departement=dep, aar=2019, tittel="Tildelingsbrev 2019")
    Brevavsnitt.objects.create(tildelingsbrev=brev, nummer="3", tittel="Mål, styringsparametere og oppdrag", tekst="")
    omraade = Maalgruppe.objects.create(tildelingsbrev=brev, nummer="3", tittel="Integrering", tekst="Om området.")
    Maal.objects.create(tildelingsbrev=brev, nummer="1", tittel="Rask bosetting")
    m31 = Maal.objects.create(tildelingsbrev=brev, nummer="3.1", tittel="Kvalifisering", gruppe=omraade)
    m32 = Maal.objects.create(tildelingsbrev=brev, nummer="3.2", tittel="Gode tjenester", gruppe=omraade)
    Maalgruppe.objects.create(tildelingsbrev=brev, nummer="3.2.1", tittel="Tolking", tekst="Om tolking.", under_maal=m32)
    sp = Styringsparameter.objects.create(maal=m31, kode="SP 4", tekst="Andel i arbeid")
    krav = Rapporteringskrav.objects.create(tildelingsbrev=brev, kode="R 10 og 11", maal=m31, tekst="Redegjør.",
                                            frekvens="halvaar_og_aar", rekkefolge=0)
    krav.styringsparametere.set([sp])
    Rapporteringskrav.objects.create(tildelingsbrev=brev, kode="R 12", tekst="Månedlig tall.", frekvens="maanedlig",
                                     rekkefolge=1)
    return brev


@pytest.mark.parametrize("bredde", [1280, 375])
def test_eldre_brev_i_nettleseren(demo_live, innlogget, bredde):
    dep = UserFactory(username="redaktor-eldre", rolle=Rolle.DEPARTEMENT_REDAKTOR,
                      organisasjon=Tildelingsbrev.objects.filter(virksomhet__kortnavn="IMDi").first().departement)
    brev = _eldre_brev(dep.organisasjon)
    page = innlogget(dep)
    page.set_viewport_size({"width": bredde, "height": 900})
    page.set_default_timeout(60_000)  # the first page of a live server on a busy machine
    sjekk = Sjekker(page)
    sjekk(f"/brev/{brev.pk}/", tekst="3.2.1 Tolking")
    html = innhold(page)
    html = html[html.index('id="maal-1"'):]  # after the table of contents
    assert html.index("3 Integrering") < html.index("Mål 3.1: Kvalifisering") < html.index("3.2.1 Tolking")
    assert "Rapporteringskrav for mål 3.1" in html
    sjekk(f"/brev/{brev.pk}/rediger/oversikt/", tekst="R 10 og 11")
    m32 = brev.maal.get(nummer="3.2")
    sjekk(f"/brev/{brev.pk}/rediger/maal/{m32.pk}/", tekst="Delområder under mål 3.2")
    sjekk(f"/brev/{brev.pk}/rediger/maalomraade/ny/?maal={m32.pk}")
    sjekk(f"/brev/{brev.pk}/rediger/rapporteringskrav/ny/")
    # A code the letter has: the error state, with the message.
    page.fill("#id_kode", "R 12")
    page.fill("#id_tekst", "Igjen")
    page.click("button.ds-button[type=submit]")
    sjekk.sjekk_her("nytt rapporteringskrav med feil", tekst="R 12 finnes allerede i dette brevet")
    # Move R 12 up with the button: the letter's order changes.
    page.goto(f"/brev/{brev.pk}/rediger/oversikt/")
    r12 = brev.rapporteringskrav.get(kode="R 12")
    page.locator(f'form[action="/brev/{brev.pk}/rediger/rapporteringskrav/{r12.pk}/flytt/"] button[value="opp"]').click()
    page.wait_for_load_state()
    assert list(brev.rapporteringskrav.values_list("kode", flat=True)) == ["R 12", "R 10 og 11"]
    page.screenshot(path=f"/tmp/shots_a/test_oversikt_{bredde}.png", full_page=False)
    sjekk.ferdig()
