"""Archive export/import: round trip, and bad input refused with the field named, nothing saved."""

import copy
import json
from io import StringIO

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from arkiv.innlesing import ArkivFeil, import_tildelingsbrev
from fixtures.demo import FIXTURES
from oppdrag.models import Oppdrag
from styring.models import Organisasjon, Tildelingsbrev
from tests.demodata import last_demo

pytestmark = pytest.mark.django_db


def _fixture(aar: int) -> dict:
    return json.loads((FIXTURES / f"imdi-{aar}.json").read_text(encoding="utf-8"))


def _export_cmd(aar: int) -> str:
    out = StringIO()
    call_command("export_tildelingsbrev", "--virksomhet", "IMDi", "--aar", str(aar), stdout=out)
    return out.getvalue()


@pytest.mark.django_db(transaction=True)  # flush inside a test transaction is refused by PostgreSQL
@pytest.mark.parametrize("aar", [2023, 2024])
def test_export_import_export_is_identical(aar, tmp_path):
    call_command("load_demo", stdout=StringIO())
    first = _export_cmd(aar)
    path = tmp_path / "brev.json"
    path.write_text(first, encoding="utf-8")
    # An empty database: nothing of the demo left.
    call_command("flush", "--no-input", verbosity=0, reset_sequences=False)  # keys stay unique in the run
    assert not Tildelingsbrev.objects.exists()
    call_command("import_tildelingsbrev", str(path), "--opprett-organisasjon", stdout=StringIO())
    second = _export_cmd(aar)
    assert json.loads(second) == json.loads(first)
    assert second == first


def test_export_has_the_documented_keys():
    last_demo()
    data = json.loads(_export_cmd(2024))
    for key in ("virksomhet", "departement", "aar", "maal", "oppdrag", "budsjett", "konsistens"):
        assert key in data
    assert data["virksomhet"] == "IMDi" and data["departement"] == "AID" and data["aar"] == 2024
    o = next(o for o in data["oppdrag"] if o["nummer"] == "2024-04")
    assert {"nummer", "tittel", "maal", "ny_i_aar", "frister"} <= o.keys()
    assert o["frister"][0]["tekst"] == "Del 1: 31.12.2026"
    assert o["frister"][0]["dato"] == "2026-12-31"
    p = next(p for p in data["budsjett"] if (p["kapittel"], p["post"]) == (671, 62))
    assert (p["tildelt_kr"], p["bevilget_kr"], p["andel_kr"]) == (235_693_000, 291_400_000, 235_700_000)
    assert all({"melding"} <= k.keys() for k in data["konsistens"])


def test_export_of_unknown_letter_is_a_clear_error():
    with pytest.raises(CommandError, match="Fant ikke noe tildelingsbrev for IMDi i 1999"):
        call_command("export_tildelingsbrev", "--virksomhet", "IMDi", "--aar", "1999", stdout=StringIO())


def _refused(data) -> list[str]:
    with pytest.raises(ArkivFeil) as exc:
        import_tildelingsbrev(data, opprett_organisasjoner=True)
    assert not Tildelingsbrev.objects.exists()
    assert not Oppdrag.objects.exists()
    return exc.value.feil


def test_import_refuses_norwegian_decimal_where_kroner_expected():
    data = _fixture(2023)
    data["budsjett"][4]["tildelt_kr"] = "15 335,9"
    assert "budsjett[4].tildelt_kr: «15 335,9» er ikke et helt kronebeløp (heltall ≥ 0)." in _refused(data)


def test_import_refuses_unknown_keys_naming_the_path():
    data = _fixture(2023)
    data["oppdrag"][2]["frister"][0]["datum"] = "2023-01-01"
    data["ekstra"] = 1
    feil = _refused(data)
    assert "oppdrag[2].frister[0].datum: ukjent felt." in feil
    assert "ekstra: ukjent felt." in feil


def test_import_refuses_negative_amounts():
    data = _fixture(2024)
    data["budsjett"][0]["bindinger"][0]["belop_kr"] = -1_000_000
    assert any("budsjett[0].bindinger[0].belop_kr: beløpet kan ikke være negativt" in f for f in _refused(data))


def test_import_refuses_a_frist_before_the_oppdrags_start_and_saves_nothing():
    data = _fixture(2023)
    o = next(o for o in data["oppdrag"] if o["nummer"] == "2023-04")
    o["start"] = "2023-06-01"  # its frist is 31.05.2023
    feil = _refused(data)
    i = data["oppdrag"].index(o)
    assert any(f.startswith(f"oppdrag[{i}].frister[0].dato: fristen «31.05.2023» (31.05.2023) er før oppstart")
               for f in feil)
    assert not Organisasjon.objects.filter(kortnavn="IMDi").exists()


def test_import_refuses_missing_required_and_wrong_types():
    data = _fixture(2024)
    del data["maal"][0]["tittel"]
    data["aar"] = "2024"
    feil = _refused(data)
    assert "maal[0].tittel: mangler." in feil
    assert "aar: «2024» er ikke et heltall." in feil


def test_import_refuses_a_second_letter_for_the_same_year():
    import_tildelingsbrev(_fixture(2023), opprett_organisasjoner=True)
    with pytest.raises(ArkivFeil, match="har allerede et tildelingsbrev for 2023"):
        import_tildelingsbrev(_fixture(2023), opprett_organisasjoner=True)
    assert Tildelingsbrev.objects.count() == 1


def test_import_command_reports_broken_json(tmp_path):
    path = tmp_path / "broken.json"
    path.write_text('{"virksomhet": "IMDi",', encoding="utf-8")
    with pytest.raises(CommandError, match="er ikke gyldig JSON.*Ingenting er lagret"):
        call_command("import_tildelingsbrev", str(path), stdout=StringIO())
    assert not Tildelingsbrev.objects.exists()


def test_import_command_lists_every_problem(tmp_path):
    data = _fixture(2024)
    data["budsjett"][1]["andel_kr"] = 377.1
    data["oppdrag"][0]["frister"][0]["dato"] = "20.03.2024"
    path = tmp_path / "bad.json"
    path.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    with pytest.raises(CommandError) as exc:
        call_command("import_tildelingsbrev", str(path), stdout=StringIO())
    text = str(exc.value)
    assert "ingenting er lagret" in text
    assert "budsjett[1].andel_kr: «377.1» er ikke et helt kronebeløp" in text
    assert "oppdrag[0].frister[0].dato: «20.03.2024» er ikke en dato (ÅÅÅÅ-MM-DD)." in text


def test_import_without_user_still_works_and_import_with_user_records_it(django_user_model):
    user = django_user_model.objects.create(username="arkivar")
    brev = import_tildelingsbrev(copy.deepcopy(_fixture(2023)), user=user, opprett_organisasjoner=True)
    assert brev.history.first().history_user == user
    assert brev.maal.first().history.first().history_user == user


def test_acknowledged_findings_are_exported_and_imported_again():
    """A carried-forward draft with a finding acknowledged: the reason travels with the letter."""
    from brev import services
    from brukere.models import User

    last_demo()
    redaktor = User.objects.get(username="dep.redaktor")
    ny = services.brev_viderefor(brev=Tildelingsbrev.objects.get(virksomhet__kortnavn="IMDi", aar=2024),
                                 acting_user=redaktor)
    funn = next(a for a in services.konsistensfeil(ny) if a.kategori == "videreført beløp")
    services.brev_kvitter_avvik(brev=ny, nokler=[funn.sted["nokkel"]], grunn="Rammen er uendret.",
                                acting_user=redaktor)
    first = _export_cmd(2025)
    data = json.loads(first)
    assert [(k["melding"], k["grunn"], k["kvittert_av"]) for k in data["kvitteringer"]] == [
        (funn.melding, "Rammen er uendret.", "dep.redaktor")]
    assert funn.melding in [k["melding"] for k in data["konsistens"]]

    ny.delete()
    import_tildelingsbrev(data, opprett_organisasjoner=True)
    assert _export_cmd(2025) == first
    # Still acknowledged after the import: it no longer blocks approval.
    igjen = Tildelingsbrev.objects.get(virksomhet__kortnavn="IMDi", aar=2025)
    assert funn.melding not in [a.melding for a in services.konsistensfeil(igjen)]

    # A time without an offset is refused with the field named, and nothing is saved.
    igjen.delete()
    feil = copy.deepcopy(data)
    feil["kvitteringer"][0]["kvittert"] = "2025-01-01T10:00"
    with pytest.raises(ArkivFeil, match=r"kvitteringer\[0\]\.kvittert"):
        import_tildelingsbrev(feil, opprett_organisasjoner=True)
    assert not Tildelingsbrev.objects.filter(virksomhet__kortnavn="IMDi", aar=2025).exists()
