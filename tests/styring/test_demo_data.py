"""The demo data holds IMDi's real letters exactly, and the checks find the letters' real mistakes."""

import json
import re
from datetime import date
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import call_command

from arkiv.eksport import export_tildelingsbrev
from budsjett.models import Budsjettpost
from oppdrag.models import Oppdrag
from oppdrag.querysets import oppdrag_i_brev
from styring.konsistens import check_tildelingsbrev
from styring.models import Maal, Styringsparameter, Tildelingsbrev
from tests.demodata import last_demo

# Copies of ../shared/reference and ../shared/seeds kept in the repository (fixtures/README.md), so
# these tests run on a clean clone, in CI too.
FIXTURES = Path(__file__).resolve().parents[2] / "fixtures"
REFERENCE = FIXTURES / "reference"
SEEDS = FIXTURES / "seeds"

pytestmark = pytest.mark.django_db


@pytest.fixture
def demo(db):
    last_demo()
    return {b.aar: b for b in Tildelingsbrev.objects.filter(virksomhet__kortnavn="IMDi")}


def _listing(brev):
    return {e.oppdrag.nummer: (g.maal.nummer, e) for g in oppdrag_i_brev(brev) for e in g.nye + g.tidligere}


def test_load_demo_is_idempotent(demo):
    counts = (Tildelingsbrev.objects.count(), Oppdrag.objects.count(), Budsjettpost.objects.count())
    out = StringIO()
    call_command("load_demo", stdout=out)
    assert (Tildelingsbrev.objects.count(), Oppdrag.objects.count(), Budsjettpost.objects.count()) == counts
    assert "finnes allerede" in out.getvalue()
    logins = StringIO()
    call_command("demo_logins", stdout=logins)
    assert "dep.redaktor" in logins.getvalue() and "styring-demo-2024" in logins.getvalue()


@pytest.mark.parametrize("aar, per_maal", [
    (2023, {1: (4, 3), 2: (3, 5), 3: (3, 3), 4: (2, 3), 5: (1, 0), 6: (1, 0)}),
    (2024, {1: (3, 4), 2: (3, 3), 3: (6, 7), 4: (1, 1), 5: (1, 1), 6: (2, 1)}),
])
def test_oppdrag_per_maal_match_the_letter(demo, aar, per_maal):
    # The letter as written: an oppdrag a later tillegg gives (the demo's meeting decision) is not in it.
    got = {g.maal.nummer: (len([e for e in g.nye if e.oppdrag.tillegg_id is None]), len(g.tidligere))
           for g in oppdrag_i_brev(demo[aar])}
    assert got == {str(k): v for k, v in per_maal.items()}


def test_letter_2024_has_six_goals_and_their_parameters(demo):
    brev = demo[2024]
    assert list(brev.maal.values_list("nummer", flat=True)) == ["1", "2", "3", "4", "5", "6"]
    assert brev.maal.get(nummer="1").tittel == "Flere innvandrere deltar i arbeidslivet"
    sp1 = Styringsparameter.objects.get(maal__tildelingsbrev=brev, kode="SP 1")
    assert sp1.tekst == ("Andel deltakere som går over i arbeid og/eller utdanning etter å ha deltatt i Jobbsjansen")


def test_two_part_frist_and_changed_frist_are_kept_as_written(demo):
    listing = _listing(demo[2023])
    _, o = listing["2023-02"]
    assert [(f.tekst, f.dato, f.del_betegnelse) for f in o.frister] == [
        ("Del 1: 01.08.2023", date(2023, 8, 1), "Del 1"),
        ("Del 2: 31.03.2024", date(2024, 3, 31), "Del 2"),
    ]
    _, o = _listing(demo[2024])["2023-14"]
    (f,) = o.frister
    assert (f.tekst, f.dato, f.opprinnelig_dato) == ("(01.06.2023) 31.12.2024", date(2024, 12, 31), date(2023, 6, 1))


def test_earlier_oppdrag_keep_their_wording_per_letter(demo):
    _, o23 = _listing(demo[2023])["2022-24"]
    _, o24 = _listing(demo[2024])["2022-24"]
    assert "fra Ukraina" in o23.tittel
    assert "fra Ukraina" not in o24.tittel
    assert o23.oppdrag.pk == o24.oppdrag.pk


def test_report_tied_frist_gets_the_reporting_table_deadline(demo):
    _, o = _listing(demo[2023])["2022-12"]
    (f,) = o.frister
    assert f.tekst == "Årsrapport 2022"
    assert f.dato == date(2023, 3, 15)


def test_budget_amounts_are_exact_kroner(demo):
    post = Budsjettpost.objects.get(kapittel__tildelingsbrev=demo[2023], kapittel__nummer=672, post=60)
    assert post.tildelt_kr == 1_523_900_000
    post71 = Budsjettpost.objects.get(kapittel__tildelingsbrev=demo[2023], kapittel__nummer=671, post=71)
    assert post71.tilskudd.count() == 14
    assert post71.tilskudd_sum_kr == 37_510_000
    post21 = Budsjettpost.objects.get(kapittel__tildelingsbrev=demo[2023], kapittel__nummer=671, post=21)
    assert post21.andel_kr == 32_900_000
    assert post21.bundet_kr == 20_600_000
    assert post21.udisponert_kr == 12_300_000


def _nr(maal):
    """The transcriptions write a mål number as the integer it is in IMDi's letters (1); the portal
    holds it as the letter's text ("1"): the same fact."""
    return None if maal is None else str(maal)


def test_export_matches_the_checked_reference_transcription(demo):
    """Every fact in the reference transcription is in the export (the export has more)."""
    for aar in (2023, 2024):
        ref = json.loads((REFERENCE / f"imdi-{aar}.json").read_text(encoding="utf-8"))
        exp = export_tildelingsbrev(demo[aar])
        assert [(m["nummer"], m["tittel"], [(s["kode"], s["tekst"]) for s in m["styringsparametere"]])
                for m in exp["maal"]] == [(_nr(m["nummer"]), m["tittel"],
                                           [(s["kode"], s["tekst"]) for s in m["styringsparametere"]])
                                          for m in ref["maal"]]
        assert [(o["nummer"], o["tittel"], o["maal"], o["ny_i_aar"], o["fou"]) for o in exp["oppdrag"]] == [
            (o["nummer"], o["tittel"], _nr(o["maal"]), o["ny_i_aar"], o["fou"]) for o in ref["oppdrag"]]
        for e, r in zip(exp["oppdrag"], ref["oppdrag"], strict=True):
            assert [f["tekst"] for f in e["frister"]] == [f["tekst"] for f in r["frister"]]
            for fe, fr in zip(e["frister"], r["frister"], strict=True):
                if fr["dato"] is not None:
                    assert fe["dato"] == fr["dato"], (e["nummer"], fe)
        keys = ("kapittel", "post", "betegnelse", "tildelt_kr", "bevilget_kr", "andel_kr", "typed_sum_kr")
        assert [tuple(p[k] for k in keys) for p in exp["budsjett"]] == [tuple(p[k] for k in keys)
                                                                        for p in ref["budsjett"]]
        for e, r in zip(exp["budsjett"], ref["budsjett"], strict=True):
            assert [(b["tekst"], b["belop_kr"], b["oppdrag"]) for b in e["bindinger"]] == [
                (b["tekst"], b["belop_kr"], b["oppdrag"]) for b in r["bindinger"]]
            assert [(f["tekst"], f["belop_kr"]) for f in e["fordeling"]] == [
                (f["tekst"], f["belop_kr"]) for f in r["fordeling"]]
            assert [(t["mottaker"], t["belop_kr"]) for t in e["tilskudd"]] == [
                (t["mottaker"], t["belop_kr"]) for t in r["tilskudd"]]
        assert [(k["kapittel"], k["typed_sum_kr"], k["computed_sum_kr"]) for k in exp["kapittel_sum"]] == [
            (k["kapittel"], k["typed_sum_kr"], k["computed_sum_kr"]) for k in ref["kapittel_sum"]]
        assert [(r["type"], r["telletidspunkt"], r["frist"]) for r in exp["rapportering"]] == [
            (r["type"], r["telletidspunkt"], r["frist"]) for r in ref["rapportering"]]
        assert (exp["dato"], exp["var_ref"]) == (ref["dato"], ref["var_ref"])


def _meldinger(brev):
    return [a.melding for a in check_tildelingsbrev(brev)]


def test_checks_find_the_2023_letters_mistakes(demo):
    m = "\n".join(_meldinger(demo[2023]))
    # A binding cites 2023-10 for the Ukraina experiences oppdrag, which is 2023-11.
    assert "viser til oppdrag 2023-10" in m and "passer med oppdrag 2023-11" in m
    # Tolkemonitor is cited as 2023-12 but is 2023-13.
    assert "viser til oppdrag 2023-12" in m and "passer med oppdrag 2023-13" in m
    # Post 62's distribution exceeds IMDi's share of 224 mill.
    assert "Kap. 671 post 62: fordelingen summerer seg til 224 020 000 kr, som er 20 000 kr mer" in m
    # The ressursmiljø grant table sums to 37 510 000, the delordning says 37,5 mill.
    assert "summerer seg til 37 510 000 kr, men fordelingen oppgir 37 500 000 kr" in m
    # 2022-02 is listed as an earlier oppdrag with frist in 2023 or later, but its frist is 31.12.2022.
    assert "Oppdrag 2022-02 står blant oppdrag gitt tidligere" in m


def test_checks_find_the_2024_letters_mistakes(demo):
    m = "\n".join(_meldinger(demo[2024]))
    assert ("Kap. 671: summen i brevet er 28 979 866 000 kr, men postene summerer seg til 25 949 864 000 kr "
            "(differanse 3 030 002 000 kr)") in m
    assert "viser til oppdrag 2024-17, men brevet gir ikke noe oppdrag med det nummeret" in m
    assert "viser til oppdrag 2024-05" in m and "passer med oppdrag 2024-06" in m
    assert "viser til oppdrag 2023-07, som ikke står blant oppdragene i tildelingsbrevet for 2024" in m
    assert "tabellen viser virksomhetens andel (235 693 000 kr), ikke det Stortinget har bevilget" in m


def test_checks_stay_quiet_on_a_correct_letter(demo):
    """No false alarms on the posts that add up (kap. 670 in 2023)."""
    assert not [a for a in check_tildelingsbrev(demo[2023]) if a.sted.get("kapittel") == 670]


def test_history_records_the_acting_user_of_the_demo_load(demo):
    maal = Maal.objects.get(tildelingsbrev=demo[2024], nummer="1")
    assert maal.history.first().history_user.username == "admin"


def _seed_text() -> str:
    seeds = sorted(SEEDS.glob("*.txt"))
    assert len(seeds) == 3, seeds  # the 2021 instruks and the 2023 and 2024 letters
    return "\n".join(p.read_text(encoding="utf-8") for p in seeds)


def test_full_texts_are_verbatim_from_the_seeds(demo):
    seeds = _seed_text()
    brev = demo[2023]
    kap = {a.nummer: a for a in brev.avsnitt.all()}
    assert kap["8.1"].tittel == "Års- og halvårsrapportering"
    o = Oppdrag.objects.get(virksomhet__kortnavn="IMDi", nummer="2023-07")
    assert "surveyundersøkelse" in o.beskrivelse
    maal1 = brev.maal.get(nummer="1")
    texts = [a.tekst for a in brev.avsnitt.all()] + [maal1.tekst, o.beskrivelse, o.bakgrunn]
    for text in filter(None, texts):
        for paragraph in text.split("\n\n"):
            assert paragraph in seeds, paragraph[:80]


def test_instrukser_are_loaded_and_the_letter_points_to_the_one_in_force(demo):
    from styring.models import Instruks

    kd, aid = Instruks.objects.order_by("trer_i_kraft")
    assert (kd.departement.kortnavn, kd.trer_i_kraft, kd.avsnitt.count()) == ("KD", date(2021, 1, 1), 20)
    assert (aid.departement.kortnavn, aid.trer_i_kraft) == ("AID", date(2023, 1, 1))
    assert "erstatter tidligere instruks" in aid.erstatter_tekst
    assert demo[2023].instruks == aid


def test_demo_replay_is_the_real_load():
    """The replayed demo (tests/demodata.py) holds exactly what a real load_demo writes."""
    import json

    from django.db import transaction

    def eksport():
        return {b.aar: json.dumps(export_tildelingsbrev(b), sort_keys=True, default=str)
                for b in Tildelingsbrev.objects.filter(virksomhet__kortnavn="IMDi")}

    from tests import demodata

    with transaction.atomic():
        if demodata._rader is None:
            last_demo()  # a real load, which fills the cache
        else:
            call_command("load_demo", stdout=StringIO())
        ekte = eksport()
        transaction.set_rollback(True)
    assert demodata._rader is not None
    with transaction.atomic():
        last_demo()  # a replay
        spilt = eksport()
        transaction.set_rollback(True)
    assert set(ekte) == {2023, 2024}
    assert spilt == ekte


def _uten_linjeskift(tekst: str) -> str:
    """Compare texts whatever their line breaks: whitespace as one space, none after a hyphen or dash."""
    return re.sub(r"([-–/]) ", r"\1", re.sub(r"\s+", " ", tekst))


def _eget_linjeskift(forrige: str, linje: str) -> bool:
    """A line break that belongs in a paragraph: before a list item, or in a tab-separated table."""
    listepunkt = re.match(r"[-–•*]|\d{1,2}[.)] |[a-zæøå]\) ", linje) is not None
    tabellrad = "\t" in linje + forrige
    return listepunkt or tabellrad


def test_2024_texts_are_paragraphs_and_still_verbatim_from_the_seeds(demo):
    """The 2024 letter's PDF copy had a hard break on every line; the demo joins them (#12 item 9)."""
    seeds = _uten_linjeskift(_seed_text())
    brev = demo[2024]
    texts = ([a.tekst for a in brev.avsnitt.all()] + [m.tekst for m in brev.maal.all()]
             + [p.tekst for p in Budsjettpost.objects.filter(kapittel__tildelingsbrev=brev)])
    texts = [t for t in texts if t]
    assert len(texts) > 20
    for text in texts:
        for paragraph in text.split("\n\n"):
            for linje in paragraph.split("\n"):
                assert _uten_linjeskift(linje) in seeds, linje[:80]
    forste = brev.avsnitt.order_by("rekkefolge").first().tekst
    assert "og Innst. 16 S (2023-2024). AID gir på bakgrunn" in forste
    # What is left of line breaks inside a paragraph are list items and table rows only.
    for text in texts:
        for paragraph in text.split("\n\n"):
            linjer = paragraph.split("\n")
            for forrige, linje in zip(linjer, linjer[1:], strict=False):
                assert _eget_linjeskift(forrige, linje), linje[:80]
