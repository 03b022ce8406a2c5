"""In the browser: a chapter "i 1000 kroner", a post "Se omtale under" and bindinger with a range or
without an amount, typed in the editor and read on the letter page, at 1366 and 375 px, with axe-core
finding nothing (WCAG 2.1 AA) and no Content-Security-Policy errors."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from brev import services
from brukere.models import Rolle
from budsjett.models import Budsjettbinding, Budsjettpost
from styring.models import Tildelingsbrev

from .conftest import axe_sjekk
from .test_tilgjengelighet import _bruker

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.browser]


def test_belop_som_i_brevet_skrives_og_leses(demo_live, innlogget):
    dep = _bruker("redaktor", "AID", Rolle.DEPARTEMENT_REDAKTOR)
    utkast = services.brev_viderefor(brev=Tildelingsbrev.objects.get(virksomhet__kortnavn="IMDi", aar=2024),
                                     acting_user=dep)
    kap671 = utkast.kapitler.get(nummer=671)
    kap671.enhet_i_brevet = "1000"
    kap671.save()
    post62 = kap671.poster.get(post=62)
    post21 = Budsjettpost.objects.get(kapittel__tildelingsbrev=utkast, kapittel__nummer=601, post=21)
    page = innlogget(dep)

    # The post "Se omtale under": the amount emptied, the letter's words typed instead.
    page.goto(f"/brev/{utkast.pk}/rediger/budsjett/post/{post62.pk}/")
    expect(page.get_by_label("Tildelt (tabellen), i 1000 kroner")).to_have_value("235 693")
    page.get_by_label("Tildelt (tabellen), i 1000 kroner").fill("")
    page.get_by_label("I tabellen i stedet for beløp").fill("Se omtale under")
    page.get_by_role("button", name="Lagre posten").last.click()
    expect(page.get_by_role("status").first).to_contain_text("lagret")
    post62.refresh_from_db()
    assert (post62.tildelt_kr, post62.tildelt_tekst) == (None, "Se omtale under")

    # Bindinger as the letter writes them: a range, and one without an amount.
    page.goto(f"/brev/{utkast.pk}/rediger/budsjett/post/{post21.pk}/")
    page.fill("#id_bindinger-0-tekst", "Følgeevaluering av forsøket med nasjonal samarbeidsmodell")
    page.fill("#id_bindinger-0-belop_kr", "1 til 1,5 mill. kroner")
    page.fill("#id_bindinger-1-tekst", "Idébank for gode eksempler")
    page.get_by_role("button", name="Lagre posten").last.click()
    expect(page.locator("#id_bindinger-0-belop_kr")).to_have_value("1 000 000 til 1 500 000")
    assert list(Budsjettbinding.objects.filter(post=post21).values_list("belop_kr", "belop_til_kr")) == [
        (1_000_000, 1_500_000), (None, None)]
    assert axe_sjekk(page) == ""
    # A range that ends below its start is refused at the field, and nothing changes.
    page.fill("#id_bindinger-0-belop_kr", "2 til 1,5 mill.")
    page.get_by_role("button", name="Lagre posten").last.click()
    expect(page.get_by_role("alert").first).to_contain_text("intervallet må slutte på et høyere beløp")
    assert axe_sjekk(page) == ""
    assert Budsjettbinding.objects.filter(post=post21, belop_kr=1_000_000, belop_til_kr=1_500_000).exists()

    # The letter page, wide and narrow.
    for bredde in (1366, 375):
        page.set_viewport_size({"width": bredde, "height": 900})
        page.goto(f"/brev/{utkast.pk}/")
        tabell = page.locator("#kap-671-budsjett table").first
        expect(tabell).to_contain_text("Beløp i 1000 kroner")
        expect(tabell).to_contain_text("Se omtale under")
        expect(tabell).to_contain_text("Sum kap. 671 (postene med beløp)")
        expect(page.locator("#kap-671-budsjett")).to_contain_text("Post 62 har ikke beløp i brevets tabell")
        expect(page.locator("#kap-601-budsjett")).to_contain_text("1 000 000 til 1 500 000 (og 1 uten beløp)")
        assert axe_sjekk(page) == "", bredde
        assert page.csp_feil == []
