"""History in the browser: an oppdrag deleted from a draft in the editor, then the letter's
history opened (no error, the deletion reads well), filtered by part, person and a period the
wrong way round, and on a phone with the filters folded away. axe-core finds no WCAG 2.1 AA
violations in any of these states, and the strict CSP reports nothing."""

from __future__ import annotations

import re
from datetime import date, timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from kjerne.historikk import acting_user
from oppdrag.models import Frist, Oppdrag
from styring.models import Maal
from tests.factories import FristFactory, MaalFactory, OppdragFactory, TildelingsbrevFactory, UserFactory

from .conftest import axe_sjekk

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.browser]


@pytest.fixture
def utkast():
    brev = TildelingsbrevFactory(aar=2025)
    eva = UserFactory(organisasjon=brev.departement, first_name="Eva", last_name="Redaktør")
    per = UserFactory(organisasjon=brev.departement, first_name="Per", last_name="Pettersen")
    with acting_user(eva):
        maal = MaalFactory(tildelingsbrev=brev, nummer=3, tittel="Flere i arbeid")
        o = OppdragFactory(tildelingsbrev=brev, departement=brev.departement, maal=maal, nummer="2025-03",
                           tittel="Kartlegge kompetanse")
        FristFactory(oppdrag=o, tekst="1. juni 2025", dato=date(2025, 6, 1))
    with acting_user(per):
        maal.tittel = "Flere i arbeid og utdanning"
        maal.save()
    for model in (Maal, Oppdrag, Frist):  # written earlier in the day
        model.history.update(history_date=timezone.now() - timedelta(hours=1))
    return brev, o, eva, per


def _uten_feil(page):
    rapport = axe_sjekk(page)
    assert rapport == "", rapport
    assert page.csp_feil == []


def test_slettet_oppdrag_i_historikken_filtrert_og_paa_mobil(innlogget, utkast):
    brev, o, eva, per = utkast
    page = innlogget(eva)
    page.goto(f"/brev/{brev.pk}/rediger/oppdrag/{o.pk}/")
    page.get_by_role("link", name=re.compile(r"^Slett")).click()
    page.get_by_role("button", name="Ja, slett").click()
    expect(page.get_by_text("Oppdrag 2025-03 er slettet.")).to_be_visible()

    svar = page.goto(f"/brev/{brev.pk}/historikk/")
    assert svar.status == 200
    objekter = page.locator(".endringslogg-objekt")
    expect(objekter.filter(has_text="Oppdrag 2025-03 «Kartlegge kompetanse» slettet")).to_have_count(1)
    expect(objekter.filter(has_text="Frist «2025-03: 1. juni 2025» slettet")).to_have_count(1)
    forste = page.locator(".endringslogg > li").first  # the deletion is one entry, newest first
    expect(forste).to_contain_text("Eva Redaktør")
    expect(forste).to_contain_text("2 endringer")
    expect(page.get_by_text("Rekkefølge")).to_have_count(0)
    _uten_feil(page)

    page.get_by_label("Del", exact=True).select_option(label="Oppdrag og frister")
    page.get_by_role("button", name="Vis endringer").click()
    expect(page).to_have_url(re.compile(r"del_=oppdrag"))
    expect(page.get_by_text("Filtrer historikken (1 valgt)")).to_be_visible()
    expect(objekter.filter(has_text="Oppdrag 2025-03 «Kartlegge kompetanse» slettet")).to_have_count(1)
    expect(objekter.filter(has_text="Mål 3")).to_have_count(0)
    _uten_feil(page)

    page.get_by_label("Del", exact=True).select_option(label="Alle deler")
    page.get_by_label("Person").select_option(label="Per Pettersen")
    page.get_by_role("button", name="Vis endringer").click()
    expect(objekter).to_have_text(["Mål 3 «Flere i arbeid og utdanning» endret"])
    _uten_feil(page)

    idag = timezone.localdate()
    page.get_by_label("Fra dato").fill(idag.isoformat())
    page.get_by_label("Til dato").fill((idag - timedelta(days=1)).isoformat())
    page.get_by_role("button", name="Vis endringer").click()
    expect(page.get_by_role("alert")).to_contain_text("Fra-datoen er etter til-datoen")
    _uten_feil(page)

    page.set_viewport_size({"width": 375, "height": 800})
    page.goto(f"/brev/{brev.pk}/historikk/")
    expect(page.locator("details.filterboks")).not_to_have_attribute("open", "")
    expect(objekter.filter(has_text="Oppdrag 2025-03 «Kartlegge kompetanse» slettet")).to_have_count(1)
    _uten_feil(page)
