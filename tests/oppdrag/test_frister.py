"""Every form of frist the real letters use, read as a reader of the letter would."""

from datetime import date

import pytest

from oppdrag.frister import Form, Rolle, add_months, occurrences, parse_frist, rapport_frist_standard


def _p(tekst, aar=2024, kontekst=""):
    return parse_frist(tekst, aar=aar, kontekst=kontekst)


@pytest.mark.parametrize(("tekst", "dato"), [
    ("01.07.2023", date(2023, 7, 1)),
    ("31. 12 2024", date(2024, 12, 31)),
    ("15. januar 2025", date(2025, 1, 15)),
    ("1. juni 2023", date(2023, 6, 1)),
    ("29.03.24", date(2024, 3, 29)),
])
def test_exact_dates_in_every_written_form(tekst, dato):
    p = _p(tekst)
    assert (p.form, p.dato, p.tekst) == (Form.DATO, dato, tekst)


def test_parts_keep_their_label_and_date():
    assert (_p("Del 1: 01.08.2023").del_betegnelse, _p("Del 1: 01.08.2023").dato) == ("Del 1", date(2023, 8, 1))
    p = _p("Del II:30.09.2024")
    assert (p.del_betegnelse, p.dato) == ("Del II", date(2024, 9, 30))
    p = _p("Del I: Løpende")
    assert (p.del_betegnelse, p.form, p.dato) == ("Del I", Form.LOPENDE, None)


def test_interim_and_final_reports():
    p = _p("Underveisrapportering med foreløpige funn: 15.06.2023")
    assert (p.rolle, p.dato, p.etikett) == (Rolle.UNDERVEIS, date(2023, 6, 15),
                                            "Underveisrapportering med foreløpige funn")
    assert _p("med underveisrapport 15.06.2024").rolle == Rolle.UNDERVEIS
    assert _p("Endelig rapport: 15.12.2023").rolle == Rolle.ENDELIG


def test_periods_end_on_their_last_day():
    p = _p("Første halvdel av 2023")
    assert (p.form, p.fra_dato, p.dato) == (Form.PERIODE, date(2023, 1, 1), date(2023, 6, 30))
    p = _p("Ut 2024")
    assert (p.form, p.dato) == (Form.PERIODE, date(2024, 12, 31))
    assert _p("2. tertial 2024").dato == date(2024, 8, 31)


def test_report_tied_frist_names_the_report_not_a_date():
    p = _p("IMDis halvårsrapport 2024")
    assert (p.form, p.rapport_type, p.rapport_aar, p.dato) == (Form.RAPPORT, "halvaarsrapport", 2024, None)
    p = _p("Årsrapport 2022")
    assert (p.rapport_type, p.rapport_aar) == ("aarsrapport", 2022)
    assert rapport_frist_standard("aarsrapport", 2022) == date(2023, 3, 15)
    assert rapport_frist_standard("halvaarsrapport", 2024) == date(2024, 8, 31)


def test_another_report_with_a_date_is_a_date():
    p = _p("Inngå i årsrapport for de særskilte tjenestene 01.04.2025")
    assert (p.form, p.dato, p.etikett) == (Form.DATO, date(2025, 4, 1), "Inngå i årsrapport for de særskilte tjenestene")


def test_recurring_frister():
    p = _p("Del 2: 01.08.2024 (årlig)")
    assert (p.form, p.intervall_mnd, p.dato, p.del_betegnelse) == (Form.GJENTAKENDE, 12, date(2024, 8, 1), "Del 2")
    p = _p("Årlig rapportering 15. januar 2024")
    assert (p.form, p.intervall_mnd, p.dato) == (Form.GJENTAKENDE, 12, date(2024, 1, 15))
    p = _p("F.o.m 20.03.24", kontekst="Tertialvis analyse av status i arbeidet med arbeidsmarkedsintegreringen")
    assert (p.form, p.intervall_mnd, p.dato) == (Form.GJENTAKENDE, 4, date(2024, 3, 20))


def test_from_date_without_rhythm_is_a_start_date():
    p = _p("F.o.m 20.03.24")
    assert (p.form, p.dato) == (Form.DATO, date(2024, 3, 20))


def test_changed_frist_keeps_the_earlier_date():
    p = _p("(01.06.2023) 31.12.2024")
    assert (p.dato, p.opprinnelig_dato) == (date(2024, 12, 31), date(2023, 6, 1))


def test_week_means_friday_of_that_iso_week():
    p = _p("Uke 12", aar=2024)
    assert (p.form, p.uke, p.dato) == (Form.UKE, 12, date(2024, 3, 22))
    assert _p("uke 53", aar=2020).dato == date(2021, 1, 1)
    assert _p("uke 53", aar=2023).form == Form.TEKST  # 2023 has no week 53


@pytest.mark.parametrize("tekst", ["Deloppdrag 2", "samt ved behov", "Når rapporten foreligger"])
def test_text_only_frister_have_no_date(tekst):
    p = _p(tekst)
    assert (p.form, p.dato) == (Form.TEKST, None)


def test_impossible_date_is_not_invented():
    assert _p("31.02.2024").dato is None


def test_lopende_never_has_occurrences():
    assert occurrences(_p("Løpende"), fra=date(2000, 1, 1), til=date(2100, 1, 1)) == []


def test_recurring_occurrences_within_a_window():
    p = _p("F.o.m 20.03.24", kontekst="Tertialvis analyse")
    assert occurrences(p, fra=date(2024, 1, 1), til=date(2025, 3, 31)) == [
        date(2024, 3, 20), date(2024, 7, 20), date(2024, 11, 20), date(2025, 3, 20)]


def test_month_arithmetic_keeps_month_ends_and_leap_days():
    assert add_months(date(2024, 1, 31), 1) == date(2024, 2, 29)
    assert add_months(date(2023, 1, 31), 1) == date(2023, 2, 28)
    assert add_months(date(2024, 2, 29), 12) == date(2025, 2, 28)
    assert add_months(date(2024, 11, 30), 2) == date(2025, 1, 30)


@pytest.mark.parametrize(("tekst", "fra", "til"), [
    ("Innen utgangen av 2. kvartal 2025", date(2025, 4, 1), date(2025, 6, 30)),
    ("4. kvartal 2025", date(2025, 10, 1), date(2025, 12, 31)),
    ("innen utgangen av 1. tertial 2025", date(2025, 1, 1), date(2025, 4, 30)),
])
def test_kvartal_og_tertial_er_perioder(tekst, fra, til):
    f = parse_frist(tekst, aar=2025)
    assert (f.form, f.fra_dato, f.dato) == (Form.PERIODE, fra, til)


@pytest.mark.parametrize(("tekst", "intervall", "forste"), [
    ("Hver 3. måned", 3, date(2025, 3, 31)),
    ("Kvartalsvis", 3, date(2025, 3, 31)),
    ("Tertialvis", 4, date(2025, 4, 30)),
    ("Månedlig", 1, date(2025, 1, 31)),
])
def test_rytme_uten_startdato_gjentas_ut_aaret(tekst, intervall, forste):
    f = parse_frist(tekst, aar=2025)
    assert (f.form, f.intervall_mnd, f.dato, f.gjentas_til) == (Form.GJENTAKENDE, intervall, forste, date(2025, 12, 31))
    datoer = occurrences(f, fra=date(2025, 1, 1), til=date(2026, 6, 30))
    assert len(datoer) == 12 // intervall and datoer[-1] <= date(2025, 12, 31)
