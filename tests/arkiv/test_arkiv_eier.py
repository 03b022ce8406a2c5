"""Who owns an imported oppdrag: the ministry that gave it, as the file says (``gitt_av``) or,
for a letter-less earlier oppdrag without it, the ministry importing the letter — and only the
owner may state new frister for it."""

import copy
import json

import pytest

from arkiv.innlesing import ArkivFeil, import_tildelingsbrev
from fixtures.demo import FIXTURES
from oppdrag.models import Oppdrag
from styring.models import Tildelingsbrev

pytestmark = pytest.mark.django_db


def _fixture(aar: int) -> dict:
    return json.loads((FIXTURES / f"imdi-{aar}.json").read_text(encoding="utf-8"))


def _tidligere(data: dict) -> dict:
    return next(o for o in data["oppdrag"] if not o["ny_i_aar"])


def test_tidligere_oppdrag_uten_brev_eies_av_departementet_som_importerer():
    data = _fixture(2023)
    brev = import_tildelingsbrev(data, opprett_organisasjoner=True)
    o = Oppdrag.objects.get(virksomhet=brev.virksomhet, nummer=_tidligere(data)["nummer"])
    assert o.tildelingsbrev is None and o.departement.kortnavn == "AID"
    # And the letter's own oppdrag are the letter's ministry's.
    assert set(Oppdrag.objects.filter(tildelingsbrev=brev).values_list("departement__kortnavn", flat=True)) == {"AID"}


def test_gitt_av_i_filen_bestemmer_eieren():
    data = _fixture(2023)
    _tidligere(data)["gitt_av"] = "KD"
    data["organisasjoner"].append({"kortnavn": "KD", "navn": "Kunnskapsdepartementet", "type": "departement"})
    brev = import_tildelingsbrev(data, opprett_organisasjoner=True)
    o = Oppdrag.objects.get(virksomhet=brev.virksomhet, nummer=_tidligere(data)["nummer"])
    assert o.departement.kortnavn == "KD"


def test_et_annet_departement_kan_ikke_fastsette_frister_for_andres_oppdrag():
    import_tildelingsbrev(_fixture(2023), opprett_organisasjoner=True)
    data = copy.deepcopy(_fixture(2024))
    data["departement"] = "KD"
    data["organisasjoner"].append({"kortnavn": "KD", "navn": "Kunnskapsdepartementet", "type": "departement"})
    nummer = next(o["nummer"] for o in data["oppdrag"] if not o["ny_i_aar"] and o["frister"]
                  and Oppdrag.objects.filter(nummer=o["nummer"]).exists())
    with pytest.raises(ArkivFeil) as feil:
        import_tildelingsbrev(data, opprett_organisasjoner=True)
    assert any(nummer in m and "bare det departementet" in m for m in feil.value.feil)
    assert not Tildelingsbrev.objects.filter(aar=2024).exists()  # nothing saved half-way
