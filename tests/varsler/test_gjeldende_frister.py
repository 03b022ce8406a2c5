"""Frister as last stated in force, said two ways: ``varsler.paaminnelser`` asks PostgreSQL for the
anti-join ("no frist in force of the same oppdrag in a later letter") and SQLite for
``Frist.objects.i_kraft().gjeldende()`` ("the latest letter year among the frister in force"),
whichever each runs faster. Reminders, Min side and the calendar feed rest on these rows, so both
forms are run here, on whichever database the suite runs on, against a world with every kind of
restatement: a later sent letter, a later draft, a sent and an unsent tillegg, and oppdrag not in
force."""

from __future__ import annotations

from datetime import date
from types import SimpleNamespace

import pytest
from django.utils import timezone

from oppdrag.models import Frist
from styring.models import Tillegg
from tests.factories import (
    DepartementFactory,
    FristFactory,
    OppdragFactory,
    TildelingsbrevFactory,
    VirksomhetFactory,
)
from varsler import paaminnelser

pytestmark = pytest.mark.django_db


def _begge_former(monkeypatch) -> tuple[set[int], set[int]]:
    """The pks of each form; the vendor is read when the queryset is built, so the form is chosen
    there and the query runs on this database."""
    former = []
    for vendor in ("postgresql", "sqlite"):
        with monkeypatch.context() as m:
            m.setattr(paaminnelser, "connection", SimpleNamespace(vendor=vendor))
            qs = paaminnelser._gjeldende_frister()
        former.append(set(qs.values_list("pk", flat=True)))
    return former[0], former[1]


def test_begge_former_gir_de_samme_fristene_som_sist_oppgitt_i_kraft(monkeypatch):
    naa = timezone.now()
    dep, virk = DepartementFactory(), VirksomhetFactory()
    b23, b24 = (TildelingsbrevFactory(virksomhet=virk, departement=dep, aar=aar, status="sendt", sendt=naa)
                for aar in (2023, 2024))
    b25 = TildelingsbrevFactory(virksomhet=virk, departement=dep, aar=2025)  # a draft
    sendt_tillegg = Tillegg.objects.create(tildelingsbrev=b24, nummer=1, status="sendt", sendt=naa)
    utkast_tillegg = Tillegg.objects.create(tildelingsbrev=b24, nummer=2)

    def frist(oppdrag, brev, dag, tillegg=None):
        return FristFactory(oppdrag=oppdrag, tildelingsbrev=brev, tillegg=tillegg, dato=date(brev.aar, 6, dag))

    # Given in 2023 and restated: by the sent 2024 letter (in its body and in a sent tillegg), by an
    # unsent tillegg and by the 2025 draft. The 2024 statements are the last in force.
    o23 = OppdragFactory(tildelingsbrev=b23, aar=2023)
    frist(o23, b23, 1)
    sist = {frist(o23, b24, 2).pk, frist(o23, b24, 3, sendt_tillegg).pk}
    frist(o23, b24, 4, utkast_tillegg)
    frist(o23, b25, 5)
    # Given in 2023 and never restated: its own frister stand (two of them, both kept).
    stille = OppdragFactory(tildelingsbrev=b23, aar=2023)
    sist |= {frist(stille, b23, 6).pk, frist(stille, b23, 7).pk}
    # Given in a sent tillegg: in force. Given in an unsent tillegg or in the draft: not.
    sist.add(frist(OppdragFactory(tildelingsbrev=b24, tillegg=sendt_tillegg, aar=2024), b24, 8, sendt_tillegg).pk)
    frist(OppdragFactory(tildelingsbrev=b24, tillegg=utkast_tillegg, aar=2024), b24, 9, utkast_tillegg)
    frist(OppdragFactory(tildelingsbrev=b25, aar=2025), b25, 10)

    antijoin, aarstall = _begge_former(monkeypatch)
    assert antijoin == aarstall == sist
    assert Frist.objects.count() == 10  # the five left out are there, only not in force or not the last
