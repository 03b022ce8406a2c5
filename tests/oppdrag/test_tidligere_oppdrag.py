"""The letter's list of earlier oppdrag with frist this year or later is derived, not typed."""

from datetime import date

import pytest

from oppdrag.models import Oppdrag
from oppdrag.querysets import oppdrag_i_brev
from tests.factories import FristFactory, MaalFactory, OppdragFactory, TildelingsbrevFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def to_brev():
    b23 = TildelingsbrevFactory(aar=2023, sendt_brev=True)
    b24 = TildelingsbrevFactory(aar=2024, virksomhet=b23.virksomhet, departement=b23.departement, sendt_brev=True)
    m23 = MaalFactory(tildelingsbrev=b23, nummer=1)
    MaalFactory(tildelingsbrev=b24, nummer=1)
    return b23, b24, m23


def _tidligere(brev):
    return [e.oppdrag.nummer for g in oppdrag_i_brev(brev) for e in g.tidligere]


def test_open_oppdrag_appear_in_next_years_letter_without_typing(to_brev):
    b23, b24, m23 = to_brev
    open_o = OppdragFactory(tildelingsbrev=b23, maal=m23, nummer="2023-01")
    FristFactory(oppdrag=open_o, tekst="Del 2: 31.03.2024", dato=date(2024, 3, 31))
    done_o = OppdragFactory(tildelingsbrev=b23, maal=m23, nummer="2023-02")
    FristFactory(oppdrag=done_o, tekst="01.07.2023", dato=date(2023, 7, 1))
    ongoing = OppdragFactory(tildelingsbrev=b23, maal=m23, nummer="2023-03")
    FristFactory(oppdrag=ongoing, tekst="Løpende", dato=None, form="lopende")
    assert _tidligere(b24) == ["2023-01", "2023-03"]
    assert sorted(Oppdrag.objects.open_in(2024).values_list("nummer", flat=True)) == ["2023-01", "2023-03"]


def test_closed_oppdrag_drop_out(to_brev):
    b23, b24, m23 = to_brev
    o = OppdragFactory(tildelingsbrev=b23, maal=m23, nummer="2023-01", status="avsluttet")
    FristFactory(oppdrag=o, dato=date(2024, 6, 1))
    assert _tidligere(b24) == []


def test_a_later_letter_restating_a_frist_replaces_the_old_one(to_brev):
    """2023 said 31.12.2024; the 2024 letter moved it to 30.06.2024: for 2025 the oppdrag is not open."""
    b23, b24, m23 = to_brev
    b25 = TildelingsbrevFactory(aar=2025, virksomhet=b23.virksomhet, departement=b23.departement)
    MaalFactory(tildelingsbrev=b25, nummer=1)
    o = OppdragFactory(tildelingsbrev=b23, maal=m23, nummer="2023-01")
    FristFactory(oppdrag=o, tildelingsbrev=b23, dato=date(2025, 12, 31))
    FristFactory(oppdrag=o, tildelingsbrev=b24, tekst="(31.12.2025) 30.06.2024", dato=date(2024, 6, 30),
                 opprinnelig_dato=date(2025, 12, 31))
    assert _tidligere(b24) == ["2023-01"]
    assert _tidligere(b25) == []
    (entry,) = [e for g in oppdrag_i_brev(b24) for e in g.tidligere]
    assert [f.tekst for f in entry.frister] == ["(31.12.2025) 30.06.2024"]


def test_another_agencys_oppdrag_never_appear(to_brev):
    b23, b24, m23 = to_brev
    other = OppdragFactory(nummer="2023-09")
    FristFactory(oppdrag=other, dato=date(2024, 6, 1))
    assert _tidligere(b24) == []


def test_jf_oppdrag_i_brevets_dokumenter_er_de_i_kraft_og_brevets_egne():
    """What a letter's PDF and archive export may name as «jf. oppdrag»: oppdrag in force (a sent
    letter, a sent tillegg, imported history without a letter) and the letter's own, also while it
    is a draft; never an oppdrag in another draft or in a tillegg not yet sent."""
    from django.utils import timezone

    from oppdrag.models import Oppdrag
    from styring.models import Tillegg

    utkast = TildelingsbrevFactory(aar=2025)
    sendt = TildelingsbrevFactory(aar=2024, virksomhet=utkast.virksomhet, departement=utkast.departement,
                                  status="sendt", sendt=timezone.now())
    sendt_tillegg = Tillegg.objects.create(tildelingsbrev=sendt, nummer=1, status="sendt", sendt=timezone.now())
    usendt_tillegg = Tillegg.objects.create(tildelingsbrev=sendt, nummer=2)
    annet_utkast = TildelingsbrevFactory(aar=2026, virksomhet=utkast.virksomhet)
    egne = OppdragFactory(tildelingsbrev=utkast, nummer="2025-01")
    i_kraft = OppdragFactory(tildelingsbrev=sendt, nummer="2024-01")
    i_sendt_tillegg = OppdragFactory(tildelingsbrev=sendt, tillegg=sendt_tillegg, nummer="2024-T1")
    importert = OppdragFactory(tildelingsbrev=None, virksomhet=utkast.virksomhet, aar=2019, maal=None, nummer="2019-04")
    OppdragFactory(tildelingsbrev=sendt, tillegg=usendt_tillegg, nummer="2024-T2")
    OppdragFactory(tildelingsbrev=annet_utkast, nummer="2026-01")
    forventet = {egne.pk, i_kraft.pk, i_sendt_tillegg.pk, importert.pk}
    assert set(Oppdrag.objects.kan_nevnes_i(utkast).values_list("pk", flat=True)) == forventet
    # The sent letter's documents: its own and what is in force; the other letter's draft oppdrag not.
    assert set(Oppdrag.objects.kan_nevnes_i(sendt).values_list("pk", flat=True)) == forventet - {egne.pk}
