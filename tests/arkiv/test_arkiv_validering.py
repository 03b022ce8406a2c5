"""The archive import checks the whole file before anything is written: every problem in Norwegian
with its JSON path, never a traceback or a database message; and what it accepts renders."""

import copy
import json
from io import StringIO

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import transaction
from django.urls import reverse
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

from arkiv.eksport import export_tildelingsbrev
from arkiv.innlesing import ArkivFeil, import_tildelingsbrev
from brev.pdf import tildelingsbrev_html
from budsjett.models import Budsjettbinding, Budsjettpost
from fixtures.demo import FIXTURES
from oppdrag.models import Frist, Milepael, Oppdrag
from styring.models import (
    Maal,
    Maaleverdi,
    Moete,
    Organisasjon,
    Rapporteringskrav,
    Resultatkrav,
    Styringsparameter,
    Tildelingsbrev,
)

pytestmark = pytest.mark.django_db

_MODELLER = (Tildelingsbrev, Organisasjon, Maal, Styringsparameter, Maaleverdi, Resultatkrav, Rapporteringskrav,
             Moete, Oppdrag, Frist, Milepael, Budsjettpost, Budsjettbinding)


def _tilstand() -> dict:
    return {m.__name__: m.objects.count() for m in _MODELLER}


def _brev() -> dict:
    """IMDi's 2024 letter, trimmed to a few oppdrag and posts (fast), with the parts the demo letter
    lacks (måleverdier, resultatkrav, R-krav, a meeting) so that they are checked too."""
    data = json.loads((FIXTURES / "imdi-2024.json").read_text(encoding="utf-8"))
    data["oppdrag"] = data["oppdrag"][:6]
    nummer = {o["nummer"] for o in data["oppdrag"]}
    for o in data["oppdrag"]:
        o["jf_oppdrag"] = [n for n in o.get("jf_oppdrag", []) if n in nummer]
    data["budsjett"] = data["budsjett"][:3]
    data.pop("kapittel_sum", None)
    sp = data["maal"][0]["styringsparametere"][0]
    sp["maaleverdier"] = [{"periode": "2023", "dato": None, "verdi": "62.5", "enhet": "prosent", "tekst": ""}]
    sp["resultatkrav"] = [{"verdi": "65", "enhet": "prosent", "tekst": "minst 65 prosent"}]
    data["rapporteringskrav"] = [
        {"kode": "R 1", "tekst": "Rapporter om kvalifisering.", "maal": 1, "frekvens": "aarsrapport",
         "frekvens_tekst": "årlig"},
        {"kode": "R 2", "tekst": "Rapporter om bosetting.", "maal": 2, "frekvens": "kvartalsvis",
         "frekvens_tekst": "kvartalsvis"},
    ]
    data["kalender"] = [{"type": "etatsstyringsmote", "tittel": "Etatsstyringsmøte", "dato": "2024-05-02",
                         "tidspunkt_tekst": "", "beskrivelse": ""}]
    return data


def _avvist(data, **kw) -> list[str]:
    for_ = _tilstand()
    with pytest.raises(ArkivFeil) as exc:
        import_tildelingsbrev(data, opprett_organisasjoner=kw.get("opprett", True))
    assert _tilstand() == for_, "an import that was refused must change nothing"
    return exc.value.feil


def _kommando(tmp_path, innhold: bytes, *args) -> str:
    path = tmp_path / "brev.json"
    path.write_bytes(innhold)
    with pytest.raises(CommandError) as exc:
        call_command("import_tildelingsbrev", str(path), *args, stdout=StringIO())
    assert not Tildelingsbrev.objects.exists() and not Organisasjon.objects.exists()
    return str(exc.value)


# --- parsing -----------------------------------------------------------------------------------

def test_nan_and_infinity_are_refused_with_a_message(tmp_path):
    tekst = json.dumps(_brev(), ensure_ascii=False)
    tekst = tekst.replace('"verdi": "62.5"', '"verdi": NaN')
    assert "«NaN», som ikke er et tall i JSON" in _kommando(tmp_path, tekst.encode())
    tekst = tekst.replace('"verdi": NaN', '"verdi": -Infinity')
    assert "«-Infinity»" in _kommando(tmp_path, tekst.encode())


def test_nan_given_as_text_or_float_is_not_a_number():
    data = _brev()
    data["maal"][0]["styringsparametere"][0]["maaleverdier"][0]["verdi"] = "NaN"
    data["maal"][0]["styringsparametere"][0]["resultatkrav"][0]["verdi"] = float("inf")
    feil = _avvist(data)
    assert "maal[0].styringsparametere[0].maaleverdier[0].verdi: «NaN» er ikke et tall." in feil
    assert "maal[0].styringsparametere[0].resultatkrav[0].verdi: «inf» er ikke et tall." in feil


def test_a_nul_character_is_refused_with_its_path(tmp_path):
    data = _brev()
    data["oppdrag"][1]["tittel"] = "Analyse\u0000"
    assert "oppdrag[1].tittel: teksten inneholder et NUL-tegn (\\u0000), som ikke kan lagres." in _avvist(data)
    # Also when it comes from the file as an escape.
    tekst = json.dumps(_brev()).replace('"R 1"', '"R\\u00001"')
    assert "rapporteringskrav[0].kode: teksten inneholder et NUL-tegn" in _kommando(tmp_path, tekst.encode(),
                                                                                    "--opprett-organisasjon")


def test_deeply_nested_json_is_refused_not_a_traceback(tmp_path):
    dyp = "[" * 100_000 + "]" * 100_000
    tekst = json.dumps({**_brev(), "konsistens": "HER"}).replace('"HER"', f'[{{"a": {dyp}}}]')
    assert "nøstet for dypt" in _kommando(tmp_path, tekst.encode())
    data = _brev()
    node = data["konsistens"] = [{}]
    for _ in range(200):
        node[0]["a"] = [{}]
        node = node[0]["a"]
    assert _avvist(data) == ["Filen er nøstet for dypt (mer enn 32 nivåer) til å være et tildelingsbrev."]


def test_a_file_that_is_not_utf8_is_refused(tmp_path):
    tekst = json.dumps(_brev(), ensure_ascii=False).encode("latin-1", errors="replace")
    assert "Filen er ikke UTF-8-tekst" in _kommando(tmp_path, tekst)


# --- what the database can hold ------------------------------------------------------------------

def test_numbers_beyond_the_column_are_refused_with_their_path():
    """1e14 as a resultatkrav and a 20-digit måleverdi once gave a 500 on the letter page."""
    data = _brev()
    sp = data["maal"][0]["styringsparametere"][0]
    sp["resultatkrav"][0]["verdi"] = 1e14
    sp["maaleverdier"][0]["verdi"] = "12345678901234567890"
    data["budsjett"][0]["tildelt_kr"] = 10**20
    data["oppdrag"][0]["frister"][0] = {**data["oppdrag"][0]["frister"][0], "form": "dato", "uke": 10**6}
    feil = _avvist(data)
    assert ("maal[0].styringsparametere[0].resultatkrav[0].verdi: Tallet er for stort. Det største som kan "
            "lagres her, er 9\u00a0999\u00a0999\u00a0999\u00a0999,999.") in feil
    assert any(f.startswith("maal[0].styringsparametere[0].maaleverdier[0].verdi: ") for f in feil)
    assert any(f.startswith("budsjett[0].tildelt_kr: Beløpet er for stort.") for f in feil)
    assert any(f.startswith("oppdrag[0].frister[0].uke: ") for f in feil)


def test_texts_longer_than_their_column_are_refused_as_on_postgresql():
    data = _brev()
    data["rapporteringskrav"][1]["kode"] = "R" * 31
    data["maal"][1]["styringsparametere"][0]["kode"] = "S" * 500
    feil = _avvist(data)
    assert any(f.startswith("rapporteringskrav[1].kode: ") and "30" in f for f in feil)
    assert any(f.startswith("maal[1].styringsparametere[0].kode: ") for f in feil)


def test_unknown_choices_are_refused():
    data = _brev()
    data["rapporteringskrav"][0]["frekvens"] = "hver fullmåne"
    data["budsjett"][0]["bindinger"][0]["kategori"] = "hemmelig"
    data["kalender"][0]["type"] = "fest"
    feil = _avvist(data)
    for sti in ("rapporteringskrav[0].frekvens", "budsjett[0].bindinger[0].kategori", "kalender[0].type"):
        assert any(f.startswith(f"{sti}: ") and "er ikke et gyldig valg" in f for f in feil), sti


def test_references_and_duplicates_are_named_together():
    data = _brev()
    data["rapporteringskrav"].append({**data["rapporteringskrav"][0], "maal": 9})
    data["maal"][0]["styringsparametere"][1]["kode"] = data["maal"][0]["styringsparametere"][0]["kode"]
    feil = _avvist(data)
    assert "rapporteringskrav[2].kode: finnes allerede (rapporteringskrav[0])." in feil
    assert "rapporteringskrav[2].maal: brevet har ikke mål 9." in feil
    assert "maal[0].styringsparametere[1].kode: finnes allerede (maal[0].styringsparametere[0])." in feil
    assert not any("constraint" in f.lower() for f in feil)


def test_an_unknown_organisation_is_refused_unless_the_import_may_create_it(tmp_path):
    tekst = json.dumps(_brev(), ensure_ascii=False).encode()
    melding = _kommando(tmp_path, tekst)
    assert "virksomhet: organisasjonen «IMDi» finnes ikke i portalen" in melding
    assert "--opprett-organisasjon" in melding
    call_command("import_tildelingsbrev", str(tmp_path / "brev.json"), "--opprett-organisasjon", stdout=StringIO())
    assert Organisasjon.objects.get(kortnavn="IMDi").navn == "Integrerings- og mangfoldsdirektoratet"


def test_a_known_organisation_needs_no_option():
    import_tildelingsbrev(_brev(), opprett_organisasjoner=True)
    data = _brev()
    data["aar"] = 2025
    for o in data["oppdrag"]:
        o["nummer"] = o["nummer"].replace("2024-", "2025-")
    data["oppdrag"] = [o for o in data["oppdrag"] if o["ny_i_aar"]]
    for o in data["oppdrag"]:
        o["jf_oppdrag"] = []
    for p in data["budsjett"]:
        for b in p["bindinger"]:
            b["oppdrag"] = None
    assert import_tildelingsbrev(data).aar == 2025


# --- many oppdrag -------------------------------------------------------------------------------

def _mange_oppdrag(n: int) -> dict:
    data = _brev()
    mal = data["oppdrag"][0]
    data["oppdrag"] = [{**copy.deepcopy(mal), "nummer": f"2024-{i:05d}", "tittel": f"Oppdrag {i}",
                        "jf_oppdrag": []} for i in range(n)]
    for p in data["budsjett"]:
        for b in p["bindinger"]:
            b["oppdrag"] = None
    return data


def test_more_than_327_oppdrag_are_imported_in_the_letters_order(client, django_user_model):
    """Frist.rekkefolge was i * 100 + j in a smallint column: the 328th oppdrag failed."""
    brev = import_tildelingsbrev(_mange_oppdrag(400), opprett_organisasjoner=True)
    assert brev.nye_oppdrag.count() == 400
    eksport = export_tildelingsbrev(brev)
    assert [o["nummer"] for o in eksport["oppdrag"]] == [f"2024-{i:05d}" for i in range(400)]
    client.force_login(django_user_model.objects.create_superuser("admin", "admin@example.no", "x"))
    side = client.get(reverse("brev:brev", args=[brev.pk]))
    assert side.status_code == 200 and "Oppdrag 399" in side.content.decode()


# --- property: refused and unchanged, or accepted and rendering ----------------------------------

def _stier(data, sti=()):
    """Every place in the file: (path tuple) for each key and list item."""
    yield sti
    if isinstance(data, dict):
        for k, v in data.items():
            yield from _stier(v, (*sti, k))
    elif isinstance(data, list):
        for i, v in enumerate(data):
            yield from _stier(v, (*sti, i))


_GRUNNLAG = _brev()
_STIER = [s for s in _stier(_GRUNNLAG) if s]

_VERDIER = st.one_of(
    st.sampled_from([None, True, "", "ukjent-valg", "NaN", "1e14", "\u0000", "Tekst\u0000", [], {}, 0, -1,
                     2**15, 2**31, 2**63, 10**20, 1e14, 0.5, "2024-02-30", "31.12.2024"]),
    st.integers(min_value=-(10**25), max_value=10**25),
    st.integers(min_value=0, max_value=5000).map(lambda n: "æ" * n),
    st.text(max_size=20),
)


@st.composite
def _endringer(draw):
    data = copy.deepcopy(_GRUNNLAG)
    for _ in range(draw(st.integers(min_value=1, max_value=3))):
        sti = draw(st.sampled_from(_STIER))
        forelder = data
        try:
            for k in sti[:-1]:
                forelder = forelder[k]
            forelder[sti[-1]]
        except (KeyError, IndexError, TypeError):
            continue  # an earlier change removed or replaced this place
        if not isinstance(forelder, (dict, list)):
            continue  # an earlier change put a text where this place was: "abc"[0] reads but cannot be set
        if isinstance(forelder, dict) and draw(st.booleans()) and draw(st.booleans()):
            del forelder[sti[-1]]  # a missing key
        else:
            forelder[sti[-1]] = draw(_VERDIER)
    return data


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture,
                                                                  HealthCheck.too_slow])
@given(data=_endringer())
def test_a_mutated_file_is_refused_with_a_message_or_imported_and_renders(data, client, django_user_model):
    admin = django_user_model.objects.filter(username="admin").first() or \
        django_user_model.objects.create_superuser("admin", "admin@example.no", "x")
    client.force_login(admin)
    for_ = _tilstand()
    with transaction.atomic():
        try:
            brev = import_tildelingsbrev(data, opprett_organisasjoner=True)
        except ArkivFeil as exc:
            event("avvist")
            assert exc.feil and all(isinstance(f, str) and f for f in exc.feil)
            assert not any("constraint" in f.lower() or "Traceback" in f for f in exc.feil)
            assert _tilstand() == for_
        else:
            event("godtatt")
            side = client.get(reverse("brev:brev", args=[brev.pk]))
            assert side.status_code == 200
            json.dumps(export_tildelingsbrev(brev), ensure_ascii=False)
            assert brev.virksomhet.navn in tildelingsbrev_html(brev)
        transaction.set_rollback(True)  # the next example starts from the same empty database


def test_a_bad_row_far_down_a_large_letter_is_refused_before_anything_is_written():
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    data = _mange_oppdrag(2000)
    data["oppdrag"][-1]["start_tekst"] = "x" * 201
    data["oppdrag"][-2]["nummer"] = data["oppdrag"][0]["nummer"]
    with CaptureQueriesContext(connection) as sporringer:
        feil = _avvist(data)
    assert "oppdrag[1999].start_tekst: Sørg for at denne verdien har 200 eller færre tegn (den har nå 201)." in feil
    assert "oppdrag[1998].nummer: finnes allerede (oppdrag[0])." in feil
    assert not [q for q in sporringer.captured_queries if q["sql"].lstrip().upper().startswith("INSERT")]


def test_a_row_the_database_refuses_by_a_rule_is_named_with_its_path():
    """A running frist («løpende») with a date breaks a database rule: named, not a raw IntegrityError."""
    data = _brev()
    frist = data["oppdrag"][1]["frister"][0]
    data["oppdrag"][1]["frister"][0] = {**frist, "form": "lopende", "dato": "2024-03-01"}
    feil = _avvist(data)
    assert feil == ["oppdrag[1].frister[0]: feltene passer ikke sammen (regel oppdrag_frist_lopende_uten_dato i "
                    "portalen)."]
