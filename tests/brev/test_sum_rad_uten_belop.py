"""A typed "Sum" row without an amount is flagged by the consistency check (#13 item 10), and is
no longer stored the same as no Sum row: it is held as such, and carried by the archive."""

from __future__ import annotations

import json

import pytest
from django.urls import reverse

from arkiv.eksport import export_tildelingsbrev
from arkiv.innlesing import import_tildelingsbrev
from arkiv.skjema import ArkivFeil
from budsjett.models import Budsjettkapittel
from fixtures.demo import FIXTURES
from styring.models import Tildelingsbrev
from tests.factories import BudsjettkapittelFactory, BudsjettpostFactory, TilskuddFactory, UserFactory

pytestmark = pytest.mark.django_db
TOM_KAP = "Kap. 670: brevets tabell har en Sum-rad uten beløp."


def _brev_2023(**kap_670) -> dict:
    """IMDi's 2023 letter with its budget as written, without the oppdrag and mål (the Sum rows
    are the budget's; importing 40 oppdrag with their history would only make the test slow)."""
    data = json.loads((FIXTURES / "imdi-2023.json").read_text(encoding="utf-8"))
    data.update(oppdrag=[], maal=[], rapporteringskrav=[])
    kap = next(k for k in data["kapittel_sum"] if k["kapittel"] == 670)
    kap.update(kap_670)
    return data


def _brevside(client, brev) -> str:
    client.force_login(UserFactory(organisasjon=brev.departement))
    return client.get(reverse("brev:brev", args=[brev.pk])).content.decode()


def test_tom_sum_rad_i_arkivet_flagges_paa_brevsiden_og_eksporteres_igjen(client):
    brev = import_tildelingsbrev(_brev_2023(typed_sum_kr=None, sum_rad_uten_belop=True), opprett_organisasjoner=True)
    side = _brevside(client, brev)
    assert TOM_KAP in side
    assert "skriv summen inn i brevet, eller fjern Sum-raden" in side
    kap = next(k for k in export_tildelingsbrev(brev)["kapittel_sum"] if k["kapittel"] == 670)
    assert (kap["typed_sum_kr"], kap["sum_rad_uten_belop"]) == (None, True)


def test_ingen_sum_rad_gir_ingen_merknad_og_ingen_ny_noekkel(client):
    brev = import_tildelingsbrev(_brev_2023(typed_sum_kr=None), opprett_organisasjoner=True)
    assert "Sum-rad uten beløp" not in _brevside(client, brev)
    kap = next(k for k in export_tildelingsbrev(brev)["kapittel_sum"] if k["kapittel"] == 670)
    assert "sum_rad_uten_belop" not in kap


def test_sum_rad_uten_belop_med_belop_avvises_og_ingenting_lagres():
    with pytest.raises(ArkivFeil) as feil:
        import_tildelingsbrev(_brev_2023(typed_sum_kr=1000, sum_rad_uten_belop=True), opprett_organisasjoner=True)
    assert "En Sum-rad uten beløp kan ikke samtidig ha et beløp." in str(feil.value)
    assert not Tildelingsbrev.objects.exists() and not Budsjettkapittel.objects.exists()


def test_tom_sum_rad_i_tilskuddstabellen_flagges(client, brev):
    kap = BudsjettkapittelFactory(tildelingsbrev=brev, nummer=671)
    post = BudsjettpostFactory(kapittel=kap, post=62, tilskudd_sum_rad_uten_belop=True)
    TilskuddFactory(post=post, belop_kr=300_000)
    TilskuddFactory(post=post, belop_kr=200_000)
    side = _brevside(client, brev)
    assert "Kap. 671 post 62: tilskuddstabellen har en SUM-rad uten beløp. Radene summerer seg til 500 000 kr." in side
    post.tilskudd_sum_rad_uten_belop = False
    post.save()
    assert "SUM-rad uten beløp" not in _brevside(client, brev)
