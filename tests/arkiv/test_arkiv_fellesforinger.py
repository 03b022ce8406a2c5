"""The fellesføringer's keys and numbers (tallfelt) in the archive format: round trip, older files
without them, and the refusals."""

import json
from io import StringIO

import pytest
from django.core.management import call_command

from arkiv.innlesing import ArkivFeil, import_tildelingsbrev
from fixtures.demo import FIXTURES
from styring.models import Fellesforing, Tallfelt, Tildelingsbrev

pytestmark = pytest.mark.django_db

TALLFELT = [
    {"nokkel": "konsulenttjenester-totalt", "navn": "Konsulenttjenester totalt", "enhet": "kroner",
     "grunnlag_verdi": None, "grunnlag_tekst": "", "grunnlag_fra_aar": None, "grunnlag_til_aar": None},
    {"nokkel": "ansettelser", "navn": "Ansettelser", "enhet": "antall", "grunnlag_verdi": "6.5",
     "grunnlag_tekst": "gjennomsnitt for 2020 og 2021", "grunnlag_fra_aar": 2020, "grunnlag_til_aar": 2021},
]


def _fil(aar: int = 2024) -> dict:
    return json.loads((FIXTURES / f"imdi-{aar}.json").read_text(encoding="utf-8"))


def _export(aar: int = 2024) -> dict:
    out = StringIO()
    call_command("export_tildelingsbrev", "--virksomhet", "IMDi", "--aar", str(aar), stdout=out)
    return json.loads(out.getvalue())


def _refused(data) -> list[str]:
    with pytest.raises(ArkivFeil) as exc:
        import_tildelingsbrev(data, opprett_organisasjoner=True)
    assert not Tildelingsbrev.objects.exists() and not Fellesforing.objects.exists()
    return exc.value.feil


def test_tallfelt_and_keys_go_out_and_come_back_as_they_were():
    data = _fil()
    data["fellesforinger"][2].update(nokkel="konsulentbruk", tallfelt=TALLFELT)
    brev = import_tildelingsbrev(data, opprett_organisasjoner=True)
    tf = Tallfelt.objects.get(fellesforing__tildelingsbrev=brev, nokkel="ansettelser")
    assert tf.grunnlagsaar == [2020, 2021] and tf.grunnlag_verdi == 6.5 and tf.rekkefolge == 1
    ut = _export()
    assert ut["fellesforinger"][2]["nokkel"] == "konsulentbruk"
    assert ut["fellesforinger"][2]["tallfelt"] == TALLFELT
    # Without tallfelt a fellesføring exports an empty list, and its key derived from the title.
    assert ut["fellesforinger"][0]["tallfelt"] == []
    assert ut["fellesforinger"][0]["nokkel"].startswith("systematisk-og-helhetlig-arbeid")
    # Export → import into an empty database → export identical: tests/arkiv/test_arkiv.py, on the
    # demo, whose 2024 letter has tallfelt (fixtures/fellesforinger.py).


def test_a_file_without_keys_gets_them_from_the_titles_and_two_alike_are_told_apart():
    data = _fil(2023)
    assert all("nokkel" not in f and "tallfelt" not in f for f in data["fellesforinger"])
    data["fellesforinger"].append({**data["fellesforinger"][1], "tittel": "Redusere konsulentbruken 2023"})
    brev = import_tildelingsbrev(data, opprett_organisasjoner=True)
    nokler = list(brev.fellesforinger.order_by("rekkefolge").values_list("nokkel", flat=True))
    assert nokler[1] == "redusere-konsulentbruken" and nokler[3] == "redusere-konsulentbruken-2"
    assert not Tallfelt.objects.exists()


@pytest.mark.parametrize(("endring", "feil"), [
    (lambda d: d["fellesforinger"][1].update(nokkel=d["fellesforinger"][0]["nokkel"]),
     "fellesforinger[1].nokkel: nøkkelen «a» står to ganger i brevet."),
    (lambda d: d["fellesforinger"][0].update(tallfelt=[TALLFELT[0], TALLFELT[0]]),
     "fellesforinger[0].tallfelt[1].nokkel: nøkkelen «konsulenttjenester-totalt» står to ganger i fellesføringen."),
    (lambda d: d["fellesforinger"][0].update(tallfelt=[{**TALLFELT[0], "enhet": "liter"}]),
     "fellesforinger[0].tallfelt[0]"),
    (lambda d: d["fellesforinger"][0].update(tallfelt=[{**TALLFELT[1], "grunnlag_til_aar": None}]),
     "fellesforinger[0].tallfelt[0]"),
    (lambda d: d["fellesforinger"][0].update(tallfelt=[{**TALLFELT[1], "grunnlag_verdi": "mange"}]),
     "fellesforinger[0].tallfelt[0].grunnlag_verdi"),
    (lambda d: d["fellesforinger"][0].update(tallfelt=[{"navn": "Uten enhet"}]),
     "fellesforinger[0].tallfelt[0].enhet"),
])
def test_bad_tallfelt_are_refused_with_their_path_and_nothing_is_written(endring, feil):
    data = _fil()
    data["fellesforinger"][0]["nokkel"] = "a"
    endring(data)
    assert any(f.startswith(feil) for f in _refused(data)), _refused(data)
