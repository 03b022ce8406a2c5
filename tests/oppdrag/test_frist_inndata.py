"""What people type into one frist field (``split_frist``): several frister in one field become one
part each, with its own date, del and wording; a time that does not exist is refused with why; a
text that only says something in words stays allowed."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import pytest

from oppdrag.frister import Form, Rolle, UgyldigFrist, occurrences, parse_frist, split_frist


def _deler(tekst: str, aar: int = 2025, **kwargs) -> list[tuple]:
    return [(p.tekst, p.del_betegnelse, p.dato) for p in split_frist(tekst, aar=aar, **kwargs)]


def _avvist(tekst: str, aar: int = 2025, **kwargs) -> str:
    with pytest.raises(UgyldigFrist) as feil:
        split_frist(tekst, aar=aar, **kwargs)
    return feil.value.melding


# --- several frister in one field --------------------------------------------------------------

@pytest.mark.parametrize(("tekst", "deler"), [
    ("Del 1: 1. juni 2025, Del 2: 1. desember 2025",
     [("Del 1: 1. juni 2025", "Del 1", date(2025, 6, 1)), ("Del 2: 1. desember 2025", "Del 2", date(2025, 12, 1))]),
    ("Del 1: 01.06.2025 / Del 2: 1. desember 2025",
     [("Del 1: 01.06.2025", "Del 1", date(2025, 6, 1)), ("Del 2: 1. desember 2025", "Del 2", date(2025, 12, 1))]),
    # As the 2023 letter's annex writes it: no separator between the parts.
    ("Del 1: 01.06.2023 Del 2: 31.12.2024",
     [("Del 1: 01.06.2023", "Del 1", date(2023, 6, 1)), ("Del 2: 31.12.2024", "Del 2", date(2024, 12, 31))]),
    ("Del 1: 1. juni 2025 og Del 2: 1. desember 2025",
     [("Del 1: 1. juni 2025", "Del 1", date(2025, 6, 1)), ("Del 2: 1. desember 2025", "Del 2", date(2025, 12, 1))]),
    ("Del 1: 1. juni 2025;\nDel 2: 1. desember 2025",
     [("Del 1: 1. juni 2025", "Del 1", date(2025, 6, 1)), ("Del 2: 1. desember 2025", "Del 2", date(2025, 12, 1))]),
    ("Del I: Løpende, Del II: 15.12.2024",
     [("Del I: Løpende", "Del I", None), ("Del II: 15.12.2024", "Del II", date(2024, 12, 15))]),
    ("Del 1: 31.12.2026, Del 2: 01.08.2024 (årlig), Del 3: 31.12.2024",
     [("Del 1: 31.12.2026", "Del 1", date(2026, 12, 31)), ("Del 2: 01.08.2024 (årlig)", "Del 2", date(2024, 8, 1)),
      ("Del 3: 31.12.2024", "Del 3", date(2024, 12, 31))]),
])
def test_deler_i_ett_felt_blir_en_del_hver(tekst, deler):
    assert _deler(tekst) == deler


@pytest.mark.parametrize(("tekst", "deler"), [
    ("Innen 1. mars 2025 og 1. september 2025",
     [("Innen 1. mars 2025", None, date(2025, 3, 1)), ("1. september 2025", None, date(2025, 9, 1))]),
    ("01.11.2023 01.06.2024", [("01.11.2023", None, date(2023, 11, 1)), ("01.06.2024", None, date(2024, 6, 1))]),
    ("15. januar 2025, 15. januar 2026 og 15. januar 2027",
     [("15. januar 2025", None, date(2025, 1, 15)), ("15. januar 2026", None, date(2026, 1, 15)),
      ("15. januar 2027", None, date(2027, 1, 15))]),
    ("Uke 12 2025 og Q3 2025", [("Uke 12 2025", None, date(2025, 3, 21)), ("Q3 2025", None, date(2025, 9, 30))]),
    ("Ut 2025 / Første halvdel av 2026",
     [("Ut 2025", None, date(2025, 12, 31)), ("Første halvdel av 2026", None, date(2026, 6, 30))]),
    ("01.08.2025 (årlig), 31.12.2025",
     [("01.08.2025 (årlig)", None, date(2025, 8, 1)), ("31.12.2025", None, date(2025, 12, 31))]),
])
def test_flere_datoer_med_skille_blir_en_del_hver(tekst, deler):
    assert _deler(tekst) == deler


def test_underveis_og_endelig_rapport_beholder_rolle_og_betegnelse():
    foreløpig, endelig = split_frist("Underveisrapportering med foreløpige funn: 15.06.2025, Endelig rapport: "
                                     "15.12.2025", aar=2025)
    assert (foreløpig.rolle, foreløpig.etikett, foreløpig.dato) == (
        Rolle.UNDERVEIS, "Underveisrapportering med foreløpige funn", date(2025, 6, 15))
    assert (endelig.tekst, endelig.rolle, endelig.etikett, endelig.dato) == (
        "Endelig rapport: 15.12.2025", Rolle.ENDELIG, "Endelig rapport", date(2025, 12, 15))


def test_gjentakende_del_beholder_rytmen():
    forste, andre = split_frist("Årlig rapportering 15. januar 2025, 15. januar 2026", aar=2025)
    assert (forste.form, forste.intervall_mnd, forste.dato) == (Form.GJENTAKENDE, 12, date(2025, 1, 15))
    assert (andre.form, andre.dato) == (Form.DATO, date(2026, 1, 15))


def test_rapporter_med_aar_blir_en_del_hver():
    aars, halvaars = split_frist("Årsrapport 2024 og halvårsrapport 2025", aar=2025)
    assert (aars.form, aars.rapport_type, aars.rapport_aar) == (Form.RAPPORT, "aarsrapport", 2024)
    assert (halvaars.form, halvaars.rapport_type, halvaars.rapport_aar) == (Form.RAPPORT, "halvaarsrapport", 2025)


# --- one frist, in every form -------------------------------------------------------------------

@pytest.mark.parametrize(("tekst", "form", "fra", "til"), [
    ("Q3 2025", Form.PERIODE, date(2025, 7, 1), date(2025, 9, 30)),
    ("Uke 12 2025", Form.UKE, None, date(2025, 3, 21)),
    ("Senest i uke 12 2025", Form.UKE, None, date(2025, 3, 21)),
    ("Ut 2025", Form.PERIODE, None, date(2025, 12, 31)),
    ("Første halvdel av 2025", Form.PERIODE, date(2025, 1, 1), date(2025, 6, 30)),
    ("3. kvartal 2025", Form.PERIODE, date(2025, 7, 1), date(2025, 9, 30)),
    ("2. tertial 2025", Form.PERIODE, date(2025, 5, 1), date(2025, 8, 31)),
    ("2025-06-01", Form.DATO, None, date(2025, 6, 1)),
    ("Hver 3. måned", Form.GJENTAKENDE, None, date(2025, 3, 31)),
    ("Månedlig (fra 2025)", Form.GJENTAKENDE, None, date(2025, 1, 31)),
    ("Del 2: 01.08.2025 (årlig)", Form.GJENTAKENDE, None, date(2025, 8, 1)),
    ("(01.06.2025) 31.12.2025", Form.DATO, None, date(2025, 12, 31)),
    ("1. juni 2025 (tidligere 1. mai 2025)", Form.DATO, None, date(2025, 6, 1)),
    ("Uke 53 2026", Form.UKE, None, date(2027, 1, 1)),
])
def test_en_frist_er_en_del_som_parse_frist_leser_den(tekst, form, fra, til):
    (del_,) = split_frist(tekst, aar=2025)
    assert del_ == parse_frist(tekst, aar=2025)
    assert (del_.tekst, del_.form, del_.fra_dato, del_.dato) == (tekst, form, fra, til)


def test_gjentakende_med_rytme_fra_konteksten():
    (del_,) = split_frist("F.o.m 20.03.25", aar=2025, kontekst="Tertialvis analyse")
    assert (del_.form, del_.intervall_mnd) == (Form.GJENTAKENDE, 4)
    assert occurrences(del_, fra=date(2025, 1, 1), til=date(2025, 12, 31)) == [
        date(2025, 3, 20), date(2025, 7, 20), date(2025, 11, 20)]


@pytest.mark.parametrize("tekst", ["Løpende", "Etter avtale", "Ved behov", "Deloppdrag 2", "samt ved behov",
                                   "Når departementet ber om det", "Etter nærmere avtale, senest før sommeren"])
def test_bare_tekst_er_lov(tekst):
    (del_,) = split_frist(tekst, aar=2025)
    assert (del_.tekst, del_.dato) == (tekst, None)


# --- refused, with why ---------------------------------------------------------------------------

@pytest.mark.parametrize(("tekst", "melding"), [
    ("31.02.2025", "31. februar 2025 finnes ikke. Februar 2025 har 28 dager."),
    ("31.02.25", "31. februar 2025 finnes ikke. Februar 2025 har 28 dager."),
    ("31. juni 2025", "31. juni 2025 finnes ikke. Juni 2025 har 30 dager."),
    ("29.02.2025", "29. februar 2025 finnes ikke. 2025 er ikke et skuddår."),
    ("2025-02-30", "30. februar 2025 finnes ikke. Februar 2025 har 28 dager."),
    ("15.13.2025", "«15.13.2025» er ikke en dato: måned 13 finnes ikke."),
    ("Frist: 00.06.2025", "0. juni 2025 finnes ikke. Juni 2025 har 30 dager."),
    ("(31.04.2024) 31.12.2025", "31. april 2024 finnes ikke. April 2024 har 30 dager."),
])
def test_dato_som_ikke_finnes_avvises(tekst, melding):
    assert _avvist(tekst) == melding


def test_skuddaarsdag_finnes_i_skuddaar():
    assert _deler("29.02.2028") == [("29.02.2028", None, date(2028, 2, 29))]


@pytest.mark.parametrize(("tekst", "aar", "melding"), [
    ("Uke 53 2025", 2025, "2025 har ikke uke 53. Siste uke i 2025 er uke 52."),
    ("Uke 53", 2025, "2025 har ikke uke 53. Siste uke i 2025 er uke 52."),
    ("uke 53", 2023, "2023 har ikke uke 53. Siste uke i 2023 er uke 52."),
    ("Uke 54 2026", 2025, "2026 har ikke uke 54. Siste uke i 2026 er uke 53."),
    ("Uke 0 2025", 2025, "Uke 0 finnes ikke; ukene telles fra 1."),
])
def test_uke_som_ikke_finnes_avvises(tekst, aar, melding):
    assert _avvist(tekst, aar=aar) == melding


def test_uke_53_finnes_i_aar_med_53_uker():
    assert _deler("Uke 53", aar=2026) == [("Uke 53", None, date(2027, 1, 1))]


@pytest.mark.parametrize(("tekst", "melding"), [
    ("5. kvartal 2025", "5. kvartal finnes ikke: et år har fire kvartaler."),
    ("Q5 2025", "Q5 finnes ikke: et år har fire kvartaler (Q1–Q4)."),
    ("4. tertial 2025", "4. tertial finnes ikke: et år har tre tertialer."),
])
def test_kvartal_og_tertial_som_ikke_finnes_avvises(tekst, melding):
    assert _avvist(tekst) == melding


@pytest.mark.parametrize(("tekst", "melding"), [
    ("Del 1: 31. februar 2026", "Del 1: 31. februar 2026 finnes ikke. Februar 2026 har 28 dager."),
    ("Del 1: 1. juni 2025, Del 2: 31.02.2026", "Del 2: 31. februar 2026 finnes ikke. Februar 2026 har 28 dager."),
    ("Del II: Uke 53 2025", "Del II: 2025 har ikke uke 53. Siste uke i 2025 er uke 52."),
])
def test_ugyldig_dato_i_en_del_navngir_delen(tekst, melding):
    assert _avvist(tekst) == melding


def test_dato_uten_aar_avvises():
    assert _avvist("1. juni") == "«1. juni» mangler år. Skriv f.eks. «1. juni 2025»."


@pytest.mark.parametrize(("tekst", "melding"), [
    ("1. juni 2025 – 30. juni 2025", "«1. juni 2025 … 30. juni 2025» ser ut som en periode."),
    ("01.06.2025-30.06.2025", "«01.06.2025 … 30.06.2025» ser ut som en periode."),
    ("Fra 1. juni 2025 til 30. juni 2025", "«1. juni 2025 … 30. juni 2025» ser ut som en periode."),
    ("mellom 1. juni 2025 og 30. juni 2025", "«1. juni 2025 … 30. juni 2025» ser ut som en periode."),
    ("1. juni 2025 eller 1. juli 2025", "Teksten gir to alternative frister («1. juni 2025» eller «1. juli 2025»)."),
    ("Rapport 1. juni 2025 deretter 1. juli 2025", "men det går ikke fram hvor den ene slutter"),
    ("Del 1: 1. juni 2025 og 1. juli 2025", "Del 1 har flere frister («1. juni 2025» og «1. juli 2025»)."),
    ("Frist: Del 1: 1.6.2025, Del 2: 1.7.2025", "Teksten før «Del 1» hører ikke til noen del."),
    ("Rapport 1. juni 2025, Del 2: 1. desember 2025", "Teksten før «Del 2» hører ikke til noen del."),
])
def test_flere_frister_som_ikke_kan_skilles_sikkert_avvises(tekst, melding):
    assert melding in _avvist(tekst)


def test_tid_som_ikke_kan_leses_avvises_med_mindre_datoen_er_oppgitt():
    tekst = "Rapporteres i årsrapport 2025 og senere"
    assert "«årsrapport 2025» i «Rapporteres i årsrapport 2025 og senere» ble ikke forstått" in _avvist(tekst)
    (del_,) = split_frist(tekst, aar=2025, dato_oppgitt=True)
    assert (del_.tekst, del_.form) == (tekst, Form.TEKST)


def test_import_avviser_aldri():
    """Only typed input is refused: the importer's parse_frist keeps a letter as published."""
    p = parse_frist("31.02.2025", aar=2025)
    assert (p.tekst, p.form, p.dato) == ("31.02.2025", Form.TEKST, None)
    assert parse_frist("Uke 53 2025", aar=2025).form == Form.TEKST


def test_de_ekte_brevenes_frister_er_en_del_hver_som_foer():
    """Every frist in IMDi's 2023 and 2024 letters reads as one part, exactly as parse_frist reads it."""
    sett = 0
    for navn in ("imdi-2023.json", "imdi-2024.json"):
        brev = json.loads((Path(__file__).resolve().parents[2] / "fixtures" / navn).read_text())
        for o in brev["oppdrag"]:
            for frist in o["frister"] + o.get("milepaeler", []):
                deler = split_frist(frist["tekst"], aar=brev["aar"], kontekst=o["tittel"])
                assert deler == [parse_frist(frist["tekst"], aar=brev["aar"], kontekst=o["tittel"])], frist
                if frist.get("dato"):
                    assert deler[0].dato == date.fromisoformat(frist["dato"]), frist
                sett += 1
    assert sett > 70


@pytest.mark.django_db
def test_arkivimport_av_en_dato_som_ikke_finnes_krasjer_ikke_og_beholder_teksten():
    """The archive import keeps what the letter says; only the browser forms refuse."""
    from arkiv.innlesing import import_tildelingsbrev
    from fixtures.demo import FIXTURES
    from oppdrag.models import Frist

    data = json.loads((FIXTURES / "imdi-2023.json").read_text(encoding="utf-8"))
    o = next(o for o in data["oppdrag"] if o["nummer"] == "2023-04")
    o["frister"] = [{"tekst": "31.02.2024", "dato": None}, {"tekst": "Uke 53 2023", "dato": None}]
    import_tildelingsbrev(data, opprett_organisasjoner=True)
    assert [(f.tekst, f.form, f.dato) for f in Frist.objects.filter(oppdrag__nummer="2023-04").order_by("pk")] == [
        ("31.02.2024", "tekst", None), ("Uke 53 2023", "tekst", None)]
