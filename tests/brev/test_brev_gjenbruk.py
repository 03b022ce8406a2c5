"""The letter page works out the letter's oppdrag listing once (oppdrag_i_brev_gjenbrukt): the
letter, the oppdrag check and the budget check used to compute it three times, half the page's
time. Reusing it must change nothing the ministry sees: the same findings, the same tables."""

from __future__ import annotations

from unittest import mock

import pytest
from django.urls import reverse

from brev.brevvisning import brev_visning
from oppdrag import querysets
from oppdrag.models import Oppdrag
from styring.konsistens import check_tildelingsbrev
from tests.factories import FristFactory, OppdragFactory
from tests.styring.brevdata import bygg_brev, departement_bruker

pytestmark = pytest.mark.django_db


def _brev_med_tillegg():
    brev = bygg_brev(oppdrag=3, poster=2)
    t = brev.tillegg.get()
    # An oppdrag given in the sent tillegg only: the letter view appends it to the listing it got.
    ny = OppdragFactory(tildelingsbrev=None, tillegg=t, virksomhet=brev.virksomhet, departement=brev.departement,
                        maal=brev.maal.get(nummer=1), aar=2024, nummer="2023-77",
                        tittel="Fra tillegget, feil år")
    FristFactory(oppdrag=ny, tildelingsbrev=brev, tillegg=t)
    return brev


def test_the_ministrys_letter_page_computes_the_oppdrag_listing_once(client):
    brev = _brev_med_tillegg()
    client.force_login(departement_bruker(brev))
    with mock.patch.object(querysets, "_oppdrag_i_brev", wraps=querysets._oppdrag_i_brev) as beregnet:
        html = client.get(reverse("brev:brev", args=[brev.pk])).content.decode()
    assert beregnet.call_count == 1
    assert "Kontroll av brevet" in html and "Fra tillegget, feil år" in html
    # Outside a page nothing is kept: a second call reads the database again.
    querysets.oppdrag_i_brev(brev)
    with mock.patch.object(querysets, "_oppdrag_i_brev", wraps=querysets._oppdrag_i_brev) as beregnet:
        querysets.oppdrag_i_brev(brev)
        querysets.oppdrag_i_brev(brev)
    assert beregnet.call_count == 2


def test_reuse_gives_the_checks_the_same_findings_as_computing_afresh():
    brev = _brev_med_tillegg()
    Oppdrag.objects.filter(nummer="2024-001").update(nummer="2022-001")  # a number pointing to another year
    alene = [a.melding for a in check_tildelingsbrev(brev)]
    with querysets.oppdrag_i_brev_gjenbrukt():
        brev_visning(brev, med_utkast=True)  # appends to its lists first
        gjenbrukt = [a.melding for a in check_tildelingsbrev(brev)]
    assert any("2022-001" in m for m in alene)
    assert gjenbrukt == alene
