"""The archive format holds mål as the letter numbers them ("3.1") with målområder and delområder;
a version-1 file with integer mål numbers still imports (#13 item 1)."""

import copy
import json

import pytest
from django.db import transaction

from arkiv.eksport import export_tildelingsbrev
from arkiv.innlesing import ArkivFeil, import_tildelingsbrev
from fixtures.demo import FIXTURES
from oppdrag.models import Oppdrag
from styring.models import Maal, Maalgruppe, Tildelingsbrev

pytestmark = pytest.mark.django_db


def _eldre_brev() -> dict:
    """IMDi's 2024 letter (version 1, integer numbers) reshaped as an older letter: mål 1, 3.1, 3.2
    under målområde 3, delområder 3.2.1 and 3.2.2 inside mål 3.2, and one oppdrag under each mål."""
    data = json.loads((FIXTURES / "imdi-2024.json").read_text(encoding="utf-8"))
    assert isinstance(data["maal"][0]["nummer"], int)
    data.pop("tillegg", None)
    data["oppdrag"] = [o for o in data["oppdrag"] if o["ny_i_aar"]][:3]
    for o in data["oppdrag"]:
        o["jf_oppdrag"] = []
    data["budsjett"] = data["budsjett"][:1]
    data.pop("kapittel_sum", None)
    data["maal"] = data["maal"][:3]
    data["maal"][1]["nummer"], data["maal"][2]["nummer"] = "3.2", "3.1"
    data["maal"][1]["omraade"] = data["maal"][2]["omraade"] = "3"
    for o, nr in zip(data["oppdrag"], (1, "3.1", "3.2"), strict=True):
        o["maal"] = nr
    data["maalomraader"] = [
        {"nummer": "3", "tittel": "Integrering", "tekst": "Om målområdet.", "overordnet": None, "maal": None},
        {"nummer": "3.2.2", "tittel": "Tolking", "tekst": "Om tolking.", "overordnet": None, "maal": "3.2"},
        {"nummer": "3.2.1", "tittel": "Bosetting", "tekst": "Om bosetting.", "overordnet": None, "maal": "3.2"},
    ]
    data["rapporteringskrav"] = [{"kode": "R 1", "tekst": "Rapporter.", "maal": "3.1", "frekvens": "aarsrapport",
                                  "frekvens_tekst": "Årsrapport"}]
    return data


def test_eldre_brev_med_maal_3_1_og_delomraader_toer_rundt():
    brev = import_tildelingsbrev(_eldre_brev(), opprett_organisasjoner=True)
    assert list(brev.maal.values_list("nummer", flat=True)) == ["1", "3.1", "3.2"]
    m32 = brev.maal.get(nummer="3.2")
    assert [(g.nummer, g.under_maal) for g in brev.maalgrupper.all()] == [("3", None), ("3.2.1", m32), ("3.2.2", m32)]
    assert m32.gruppe.nummer == "3" and brev.rapporteringskrav.get().maal.nummer == "3.1"
    assert Oppdrag.objects.get(tildelingsbrev=brev, maal__nummer="3.1").maal == brev.maal.get(nummer="3.1")

    ut = export_tildelingsbrev(brev)
    assert [m["nummer"] for m in ut["maal"]] == ["1", "3.1", "3.2"]  # text, in natural order
    assert [(m["nummer"], m.get("omraade")) for m in ut["maal"]] == [("1", None), ("3.1", "3"), ("3.2", "3")]
    assert [(g["nummer"], g["maal"]) for g in ut["maalomraader"]] == [("3", None), ("3.2.1", "3.2"), ("3.2.2", "3.2")]
    assert sorted(o["maal"] for o in ut["oppdrag"]) == ["1", "3.1", "3.2"]

    # Into an empty database and out again: the same file.
    with transaction.atomic():
        Oppdrag.objects.all().delete()
        Tildelingsbrev.objects.all().delete()
        igjen = import_tildelingsbrev(copy.deepcopy(ut), opprett_organisasjoner=True)
        assert export_tildelingsbrev(igjen) == {**ut, "konsistens": export_tildelingsbrev(igjen)["konsistens"]}


def test_versjon_1_med_heltall_som_maalnummer_leses_fortsatt():
    data = json.loads((FIXTURES / "imdi-2023.json").read_text(encoding="utf-8"))
    data["versjon"] = 1  # as today's export before the mål numbers became text
    data.pop("tillegg", None)
    assert all(isinstance(m["nummer"], int) for m in data["maal"])
    brev = import_tildelingsbrev(data, opprett_organisasjoner=True)
    assert list(brev.maal.values_list("nummer", flat=True)) == ["1", "2", "3", "4", "5", "6"]
    assert export_tildelingsbrev(brev)["maal"][0]["nummer"] == "1"


@pytest.mark.parametrize("endring, feil", [
    (lambda d: d["maalomraader"][1].update(maal="9"), "maalomraader[1].maal: brevet har ikke mål 9."),
    (lambda d: d["maalomraader"][1].update(overordnet="7"), "maalomraader[1].overordnet: brevet har ikke målområdet 7."),
    (lambda d: d["maalomraader"].append({**d["maalomraader"][0]}), "maalomraader[3].nummer: finnes allerede (maalomraader[0])."),
    (lambda d: d["maal"][2].update(nummer="3.2"), "maal[2].nummer: finnes allerede (maal[1])."),
    (lambda d: d["maal"][0].update(omraade="8"), "maal[0].omraade: brevet har ikke målområdet 8."),
    (lambda d: d["maal"][0].update(nummer=""), "maal[0].nummer: «» er ikke et nummer"),
    (lambda d: [d["maalomraader"][0].update(overordnet="3.2.1"), d["maalomraader"][2].update(overordnet="3")],
     "overskriftene står under hverandre i ring"),
])
def test_feil_i_maalomraader_avvises_foer_noe_lagres(endring, feil):
    data = _eldre_brev()
    endring(data)
    with pytest.raises(ArkivFeil) as e:
        import_tildelingsbrev(data, opprett_organisasjoner=True)
    assert any(feil in f for f in e.value.feil), e.value.feil
    assert not Maal.objects.exists() and not Maalgruppe.objects.exists()
