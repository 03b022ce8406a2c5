"""Editing a letter in the browser: forms, formsets, frister, conflicts and the overview."""

from __future__ import annotations

import re
from datetime import date

import pytest
from django.urls import reverse

from brukere.models import Rolle
from oppdrag.models import Frist, Milepael, Oppdrag, Tittelvariant
from styring.models import Brevavsnitt, Maal, Resultatkrav, Styringsparameter
from tests.factories import (
    FristFactory,
    MaalFactory,
    OppdragFactory,
    StyringsparameterFactory,
    TildelingsbrevFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def brev():
    return TildelingsbrevFactory(aar=2025)


@pytest.fixture
def redaktor(brev):
    return UserFactory(organisasjon=brev.departement, first_name="Eva", last_name="Redaktør")


@pytest.fixture
def klient(client, redaktor):
    client.force_login(redaktor)
    return client


def versjon(html: str, prefix: str = "") -> str:
    name = f"{prefix}-versjon" if prefix else "versjon"
    return re.search(rf'name="{name}" value="([^"]+)"', html).group(1)


def formsett(prefix: str, rader: list[dict], initial: int = 0) -> dict:
    data = {f"{prefix}-TOTAL_FORMS": str(len(rader)), f"{prefix}-INITIAL_FORMS": str(initial),
            f"{prefix}-MIN_NUM_FORMS": "0", f"{prefix}-MAX_NUM_FORMS": "1000"}
    for i, rad in enumerate(rader):
        for k, v in rad.items():
            data[f"{prefix}-{i}-{k}"] = v
    return data


def oppdrag_data(**extra) -> dict:
    data = {"oppdrag-nummer": "2025-01", "oppdrag-tittel": "Kartlegge kvalifisering", "oppdrag-fou": "",
            "oppdrag-start": ""}
    data.update(formsett("frister", []))
    data.update(formsett("milepaeler", []))
    data.update(extra)
    return data


def test_oppdrag_med_todelt_frist_gir_to_frister_med_riktige_datoer(klient, brev):
    maal = MaalFactory(tildelingsbrev=brev, nummer=1)
    data = oppdrag_data(**{"oppdrag-maal": str(maal.pk)})
    data.update(formsett("frister", [{"tekst": "Del 1: 1. juni 2025"}, {"tekst": "Del 2: 31.12.2025"}]))
    data.update(formsett("milepaeler", [{"tittel": "Prosjektplan", "tekst": "1. mars 2025"}]))
    r = klient.post(reverse("styring:rediger-oppdrag-ny", args=[brev.pk]), data)
    assert r.status_code == 302, r.content.decode()[:3000]
    o = Oppdrag.objects.get(nummer="2025-01")
    assert (o.tildelingsbrev, o.virksomhet, o.aar, o.maal) == (brev, brev.virksomhet, 2025, maal)
    frister = list(o.frister.order_by("rekkefolge"))
    assert [(f.del_betegnelse, f.dato) for f in frister] == [("Del 1", date(2025, 6, 1)), ("Del 2", date(2025, 12, 31))]
    assert all(f.tildelingsbrev == brev and f.tillegg is None for f in frister)
    assert Milepael.objects.get(oppdrag=o).dato == date(2025, 3, 1)
    side = klient.get(r.url).content.decode()
    assert "Tolket som:</strong> Del 1, dato 01.06.2025" in side
    assert "Tolket som:</strong> dato 01.03.2025" in side
    assert o.history.first().history_user.first_name == "Eva"
