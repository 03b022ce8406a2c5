"""The letter's editing forms in the browser: Designsystemet fields, an error summary at the top
that links to the fields, and frist rows added and removed with "Legg til" and "Fjern" — with
JavaScript and without. axe-core finds no WCAG 2.1 AA violations in any of these states."""

from __future__ import annotations

import pytest
from django.conf import settings
from django.test import Client
from playwright.sync_api import expect

from oppdrag.models import Frist, Oppdrag
from tests.factories import TildelingsbrevFactory, UserFactory

from .conftest import axe_sjekk

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.browser]


@pytest.fixture
def brev():
    return TildelingsbrevFactory(aar=2025)


@pytest.fixture
def redaktor(brev):
    return UserFactory(organisasjon=brev.departement)


def _rader(page):
    return page.locator("#frister [data-rader] > [data-rad]")


def _uten_feil(page):
    rapport = axe_sjekk(page)
    assert rapport == "", rapport
    assert page.csp_feil == []


def test_frister_legges_til_og_fjernes_med_javascript(innlogget, redaktor, brev):
    page = innlogget(redaktor)
    page.goto(f"/brev/{brev.pk}/rediger/oppdrag/ny/")
    # Three empty frist rows to start with; no "Slett"/"Delete" checkbox anywhere.
    expect(_rader(page)).to_have_count(3)
    expect(page.get_by_label("Delete")).to_have_count(0)
    expect(page.get_by_label("Slett")).to_have_count(0)
    _uten_feil(page)

    page.get_by_label("Nummer").fill("2025-31")
    page.get_by_label("Tittel").fill("Kartlegge kvalifisering")
    _rader(page).nth(0).get_by_label("Frist", exact=True).fill("1. mars 2025")
    page.get_by_role("button", name="Legg til frist").click()
    expect(_rader(page)).to_have_count(4)
    ny = _rader(page).nth(3).get_by_label("Frist", exact=True)
    expect(ny).to_be_focused()  # the new row is where the person goes on typing
    ny.fill("1. september 2025")
    expect(_rader(page).nth(3).locator("legend").first).to_have_text("Frist 4 (ny)")

    _rader(page).nth(0).get_by_role("button", name="Fjern frist 1").click()
    expect(page.get_by_text("Frist 1 fjernes når du lagrer.")).to_be_visible()
    expect(_rader(page).nth(0).get_by_label("Frist", exact=True)).to_be_hidden()
    expect(page.get_by_role("button", name="Angre fjerning av frist 1")).to_be_focused()
    _uten_feil(page)

    page.get_by_role("button", name="Lagre oppdraget").click()
    expect(page.get_by_text("Oppdrag 2025-31 er lagret.")).to_be_visible()
    o = Oppdrag.objects.get(nummer="2025-31")
    assert list(Frist.objects.filter(oppdrag=o).values_list("tekst", flat=True)) == ["1. september 2025"]


def test_angre_beholder_raden(innlogget, redaktor, brev):
    page = innlogget(redaktor)
    page.goto(f"/brev/{brev.pk}/rediger/oppdrag/ny/")
    page.get_by_label("Nummer").fill("2025-32")
    page.get_by_label("Tittel").fill("Evaluere tilskudd")
    _rader(page).nth(0).get_by_label("Frist", exact=True).fill("15. mai 2025")
    _rader(page).nth(0).get_by_role("button", name="Fjern frist 1").click()
    page.get_by_role("button", name="Angre fjerning av frist 1").click()
    expect(_rader(page).nth(0).get_by_label("Frist", exact=True)).to_be_visible()
    expect(_rader(page).nth(0).get_by_role("button", name="Fjern frist 1")).to_be_focused()
    # Enter in a field saves (not the first row's "Fjern").
    page.get_by_label("Nummer").press("Enter")
    expect(page.get_by_text("Oppdrag 2025-32 er lagret.")).to_be_visible()
    assert list(Frist.objects.filter(oppdrag__nummer="2025-32").values_list("tekst", flat=True)) == ["15. mai 2025"]


def test_frister_uten_javascript(nettleser, live_server, redaktor, brev):
    client = Client()
    client.force_login(redaktor)
    context = nettleser.new_context(base_url=live_server.url, locale="nb-NO", java_script_enabled=False)
    context.add_cookies([{"name": settings.SESSION_COOKIE_NAME,
                          "value": client.cookies[settings.SESSION_COOKIE_NAME].value, "url": live_server.url}])
    try:
        page = context.new_page()
        page.goto(f"/brev/{brev.pk}/rediger/oppdrag/ny/")
        expect(_rader(page)).to_have_count(3)  # the server's empty rows, for use without JavaScript
        page.get_by_label("Nummer").fill("2025-33")
        page.get_by_label("Tittel").fill("Utrede ordningen")
        _rader(page).nth(0).get_by_label("Frist", exact=True).fill("1. april 2025")
        page.get_by_role("button", name="Legg til frist").click()
        expect(page.get_by_text("En ny rad er lagt til under. Ingenting er lagret ennå.")).to_be_visible()
        expect(_rader(page)).to_have_count(4)
        assert not Oppdrag.objects.exists()
        expect(page.get_by_label("Nummer")).to_have_value("2025-33")  # nothing typed is lost

        _rader(page).nth(3).get_by_label("Frist", exact=True).fill("1. oktober 2025")
        _rader(page).nth(0).get_by_role("button", name="Fjern frist 1").click()
        expect(page.get_by_text("Frist 1 fjernes når du lagrer.")).to_be_visible()
        assert not Oppdrag.objects.exists()

        page.get_by_role("button", name="Lagre oppdraget").click()
        expect(page.get_by_text("Oppdrag 2025-33 er lagret.")).to_be_visible()
        assert list(Frist.objects.filter(oppdrag__nummer="2025-33").values_list("tekst", flat=True)) == [
            "1. oktober 2025"]
    finally:
        context.close()


def test_feiloppsummeringen_forst_og_lenker_til_feltene(innlogget, redaktor, brev):
    page = innlogget(redaktor)
    page.goto(f"/brev/{brev.pk}/rediger/oppdrag/ny/")
    page.get_by_label("Nummer").fill("2025-34")
    _rader(page).nth(0).get_by_label("Frist", exact=True).fill("31.02.2025")
    page.get_by_role("button", name="Lagre oppdraget").click()

    oppsummering = page.locator("#feiloppsummering")
    expect(oppsummering).to_be_focused()
    expect(oppsummering.get_by_role("heading")).to_have_text("Ingenting er lagret – rett 2 feil")
    _uten_feil(page)
    oppsummering.get_by_role("link", name="Tittel: Feltet er påkrevet.").click()
    assert page.url.endswith("#id_oppdrag-tittel")
    expect(page.locator("#id_oppdrag-tittel")).to_be_in_viewport()
    expect(page.locator("#id_oppdrag-tittel")).to_have_attribute("aria-invalid", "true")
    assert not Oppdrag.objects.exists()
