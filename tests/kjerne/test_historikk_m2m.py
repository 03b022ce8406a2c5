"""The history of a save's many-to-many relations (kjerne.historikk.Historikk) is the history
simple-history itself writes, column for column: for an oppdrag shared with agencies and pointing
at other oppdrag (a relation to its own model), and for a letter with copies to other bodies.
``instance.history`` is still a manager of that one object's history."""

from __future__ import annotations

import pytest
from django.db.models.signals import post_save
from simple_history.models import HistoricalRecords

from kjerne.historikk import Historikk
from oppdrag.models import Oppdrag
from styring.models import Tildelingsbrev
from tests.factories import DepartementFactory, OppdragFactory, TildelingsbrevFactory, VirksomhetFactory

pytestmark = pytest.mark.django_db


def _sporer(modell) -> Historikk:
    """The Historikk that tracks ``modell`` (its post_save receiver)."""
    synkrone, _ = post_save._live_receivers(modell)
    for mottaker in synkrone:
        eier = getattr(mottaker, "__self__", None)
        if isinstance(eier, Historikk) and eier.cls is modell:
            return eier
    raise AssertionError(f"ingen historikk for {modell}")


def _rader(historikkrad) -> dict[str, list[dict]]:
    """Per tracked relation: its history rows for ``historikkrad``, without their own key."""
    ut = {}
    for felt in historikkrad._history_m2m_fields:
        m2m_modell = getattr(type(historikkrad), felt.name).model
        rader = m2m_modell.objects.filter(history=historikkrad).order_by("id").values()
        ut[felt.name] = [{k: v for k, v in r.items() if k != "m2m_history_id"} for r in rader]
    return ut


def _vaar_og_simple_history(objekt) -> tuple[dict, dict]:
    """(the rows our save wrote, the rows simple-history's own method writes for that history row)."""
    modell = type(objekt)
    historikkrad = objekt.history.latest()
    vaar = _rader(historikkrad)
    for felt in historikkrad._history_m2m_fields:
        getattr(type(historikkrad), felt.name).model.objects.filter(history=historikkrad).delete()
    HistoricalRecords.create_historical_record_m2ms(_sporer(modell), historikkrad, objekt)
    return vaar, _rader(historikkrad)


def test_oppdrag_delt_med_og_jf_oppdrag_gir_samme_historikk_som_simple_history():
    oppdrag = OppdragFactory()
    andre = [OppdragFactory(tildelingsbrev=oppdrag.tildelingsbrev) for _ in range(2)]
    oppdrag.delt_med.set([VirksomhetFactory(), VirksomhetFactory()])
    oppdrag.jf_oppdrag.set(andre)
    oppdrag.tittel = "Ny tittel"
    oppdrag.save()

    vaar, deres = _vaar_og_simple_history(oppdrag)
    assert vaar == deres
    assert len(vaar["delt_med"]) == 2 and len(vaar["jf_oppdrag"]) == 2
    assert {r["to_oppdrag_id"] for r in vaar["jf_oppdrag"]} == {o.pk for o in andre}
    # The history as of that save names the same agencies and oppdrag.
    siste = oppdrag.history.latest()
    assert set(siste.delt_med.values_list("organisasjon_id", flat=True)) == set(
        oppdrag.delt_med.values_list("pk", flat=True))


def test_brev_kopi_til_gir_samme_historikk_som_simple_history():
    brev = TildelingsbrevFactory()
    brev.kopi_til.set([DepartementFactory(), VirksomhetFactory()])
    brev.save()
    vaar, deres = _vaar_og_simple_history(brev)
    assert vaar == deres and len(vaar["kopi_til"]) == 2


def test_tom_relasjon_gir_ingen_rader_og_historikken_er_objektets_egen():
    oppdrag, annet = OppdragFactory(), OppdragFactory()
    oppdrag.save()
    assert _vaar_og_simple_history(oppdrag)[0] == {"delt_med": [], "jf_oppdrag": []}
    assert oppdrag.history.count() == 2 and annet.history.count() == 1
    assert type(oppdrag.history) is type(annet.history)  # one manager class, made once
    assert {h.id for h in oppdrag.history.all()} == {oppdrag.pk}
    assert Oppdrag.history.count() == 3 and Tildelingsbrev.history.filter(id=oppdrag.tildelingsbrev_id).exists()
