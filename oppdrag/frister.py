"""Frister as the ministry writes them, and the concrete dates that can be derived from them.

Pure functions, no database: the letters write frister in many forms ("Del 1: 01.08.2023",
"Ut 2024", "Første halvdel av 2023", "IMDis halvårsrapport 2024", "F.o.m 20.03.24" for a
tertialvis analysis, "(01.06.2023) 31.12.2024" for a changed frist, "Uke 12", "Løpende"…).
The wording is always kept as written; ``parse_frist`` derives what a reminder needs.

``split_frist`` is for what a person types into one field of a form: it splits a text holding
several frister ("Del 1: 1. juni 2025, Del 2: 1. desember 2025") into one part per frist, and
refuses with a Norwegian message a text that names a time which does not exist ("31.02.2025",
"Uke 53 2025") or whose parts cannot be told apart. Imports keep using ``parse_frist``, which
never refuses: a letter as published is kept as it is.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, timedelta
from enum import StrEnum

from kjerne.datoer import (
    ISO_DATE,
    MAANEDER,
    NUMERIC_DATE,
    WORD_DATE,
    aarstall,
    dagfeil,
    finn_dato,
)


class Form(StrEnum):
    DATO = "dato"
    GJENTAKENDE = "gjentakende"
    PERIODE = "periode"
    RAPPORT = "rapport"
    LOPENDE = "lopende"
    UKE = "uke"
    TEKST = "tekst"


class Rolle(StrEnum):
    INGEN = ""
    UNDERVEIS = "underveis"
    ENDELIG = "endelig"


AARSRAPPORT = "aarsrapport"
HALVAARSRAPPORT = "halvaarsrapport"


@dataclass(frozen=True)
class ParsedFrist:
    """What the wording of a frist says, beyond the wording itself.

    ``dato`` is the concrete date to remind about: the date, the end of a period, the first
    occurrence of a recurring frist, the Friday of a week. For a frist tied to a report whose
    date is not written, ``dato`` is None and the caller looks up the report's deadline.
    """

    tekst: str
    form: Form = Form.TEKST
    dato: date | None = None
    fra_dato: date | None = None
    opprinnelig_dato: date | None = None
    del_betegnelse: str | None = None
    etikett: str | None = None
    rolle: Rolle = Rolle.INGEN
    intervall_mnd: int | None = None
    gjentas_til: date | None = None
    rapport_type: str | None = None
    rapport_aar: int | None = None
    uke: int | None = None
    # A rhythm that changes within the year: from ``ny_rytme_fra`` every ``ny_rytme_intervall_mnd`` months.
    ny_rytme_fra: date | None = None
    ny_rytme_intervall_mnd: int | None = None


# Dates as letters write them (kjerne.datoer, shared with every date field of the forms).
_NUMERIC_DATE, _WORD_DATE, _ISO_DATE = NUMERIC_DATE, WORD_DATE, ISO_DATE
# "Del 1:", "Del II:", "Del 2 -"
_DEL = re.compile(r"^\s*(Del\s+(?:\d+|[IVX]+))\s*[:\-–]?\s*", re.IGNORECASE)
_DELOPPDRAG = re.compile(r"^\s*Deloppdrag\s+\d+\s*$", re.IGNORECASE)
_CHANGED = re.compile(r"^\s*\(([^)]*)\)\s*(.+)$")
_WEEK = re.compile(r"^\s*(?:(?:senest|innen)\s+)?(?:i\s+)?uke\s+(\d{1,2})(?:\s*[,/]?\s*(\d{4}))?\s*$", re.IGNORECASE)
_FIRST_HALF = re.compile(r"^\s*(første|andre|siste)\s+halv(?:del|år)\s+(?:av\s+|i\s+)?(\d{4})\s*$", re.IGNORECASE)
_INNEN = r"(?:innen\s+(?:utgangen\s+av\s+)?|i\s+løpet\s+av\s+|i\s+|ut\s+)?"
_TERTIAL = re.compile(r"^\s*" + _INNEN + r"(\d)\.\s*tertial\s+(\d{4})\s*$", re.IGNORECASE)
_KVARTAL = re.compile(r"^\s*" + _INNEN + r"(\d)\.\s*kvartal\s+(\d{4})\s*$", re.IGNORECASE)
# "Q3 2025", "Q3-2025": the third quarter
_Q = re.compile(r"^\s*" + _INNEN + r"Q(\d)\s*[-/]?\s*(\d{4})\s*$", re.IGNORECASE)
# A rhythm with no start date: "Hver 3. måned", "Kvartalsvis", "Månedlig (fra 2025)".
_RYTME = re.compile(r"^\s*(?:hver\s+(\d{1,2})\.\s*måned|hver\s+måned|månedlig|kvartalsvis|hvert\s+kvartal|"
                    r"tertialvis|hvert\s+tertial|halvårlig|hvert\s+halvår)\s*(?:\(?\s*(?:fra\s+)?(\d{4})\s*\)?)?\s*$",
                    re.IGNORECASE)
# A rhythm that changes within the year: "Månedlig frem til 1. juli, deretter kvartalsvis",
# "Hver måned til og med juni 2025 og deretter hvert kvartal".
_RYTMEORD = (r"(?:hver\s+\d{1,2}\.\s*måned|hver\s+måned|månedlig|kvartalsvis|hvert\s+kvartal|tertialvis|"
             r"hvert\s+tertial|halvårlig|hvert\s+halvår)")
_RYTMESKIFTE = re.compile(
    r"^\s*(?:rapportering\s+)?(?P<r1>" + _RYTMEORD + r")(?:\s+rapportering)?\s+(?:(?:frem|fram)\s+)?til\s+"
    r"(?P<tom>(?:og\s+med|utgangen\s+av)\s+)?(?P<naar>[^,;]+?)\s*[,;]?\s*(?:og\s+)?"
    r"(?:deretter|derfra|etter\s+det|så)\s+(?P<r2>" + _RYTMEORD + r")"
    r"(?:\s+(?:ut\s+året|resten\s+av\s+året))?\s*\.?\s*$",
    re.IGNORECASE)
# "1. juli" or "1. juli 2025" (a full date is found by finn_dato), "juni", "juni 2025"
_DAG_MAANED = re.compile(r"^(\d{1,2})\.\s*(" + "|".join(MAANEDER) + r")(?:\s+(\d{4}))?$", re.IGNORECASE)
_MAANED = re.compile(r"^(" + "|".join(MAANEDER) + r")(?:\s+(\d{4}))?$", re.IGNORECASE)
_UT_AAR = re.compile(r"^\s*(?:ut|innen utgangen av|i løpet av)\s+(\d{4})\s*$", re.IGNORECASE)
_REPORT = re.compile(
    r"^\s*(?:(?:i|inngå i|rapporteres i)\s+)?(?:\w+s\s+)?(års|halvårs)rapport(?:en)?\s+(?:for\s+)?(\d{4})\s*$",
    re.IGNORECASE,
)
_LOPENDE = re.compile(r"^\s*løpende\s*$", re.IGNORECASE)
_FOM = re.compile(r"^\s*(?:f\.?\s*o\.?\s*m\.?|fra og med)\s+", re.IGNORECASE)
_AARLIG = re.compile(r"\(?\bårlig(?:e|t)?\b\)?", re.IGNORECASE)

_RECURRING_CONTEXT = (
    (re.compile(r"\bmånedlig|\bhver måned", re.IGNORECASE), 1),
    (re.compile(r"\bkvartalsvis|\bhvert kvartal", re.IGNORECASE), 3),
    (re.compile(r"\btertialvis|\bhvert tertial", re.IGNORECASE), 4),
    (re.compile(r"\bhalvårlig|\bhvert halvår", re.IGNORECASE), 6),
    (re.compile(r"\bårlig|\bhvert år", re.IGNORECASE), 12),
)


_year = aarstall
_find_date = finn_dato


def friday_of_week(aar: int, uke: int) -> date:
    """The Friday of ISO week ``uke``: a frist "uke 12" means by the end of that working week."""
    return date.fromisocalendar(aar, uke, 5)


def rapport_frist_standard(rapport_type: str, rapport_aar: int) -> date | None:
    """The usual deadline of a report when no letter states one: the annual report by 15 March
    the following year, the half-year report by 31 August."""
    if rapport_type == AARSRAPPORT:
        return date(rapport_aar + 1, 3, 15)
    if rapport_type == HALVAARSRAPPORT:
        return date(rapport_aar, 8, 31)
    return None


def _label(text: str) -> str | None:
    label = text.strip().rstrip(":").strip()
    return label or None


def _rolle(text: str) -> Rolle:
    lowered = text.lower()
    if "underveis" in lowered or "foreløpig" in lowered or "delrapport" in lowered:
        return Rolle.UNDERVEIS
    if "endelig" in lowered or "sluttrapport" in lowered:
        return Rolle.ENDELIG
    return Rolle.INGEN


def _interval_from(text: str) -> int | None:
    for pattern, months in _RECURRING_CONTEXT:
        if pattern.search(text):
            return months
    return None


def _rytme_mnd(text: str) -> int | None:
    """Months between frister in a rhythm word: "hver 2. måned" 2, "kvartalsvis" 3."""
    match = re.match(r"\s*hver\s+(\d{1,2})\.", text, re.IGNORECASE)
    months = int(match.group(1)) if match else _interval_from(text)
    return months if months and 1 <= months <= 12 else None


def _rytmeskifte(rest: str, *, aar: int) -> dict | None:
    """The fields of a rhythm that changes within the year, or None when ``rest`` is not one.

    The first rhythm runs from the start of the year with a frist at the end of each period (as
    "Månedlig" alone); it stops where the new one begins: "til 1. juli" and "til og med juni" both
    switch on 1 July, and so does "til 30. juni" (the last day of a month counts with it). From
    then on a frist falls at the end of each period of the new rhythm, to the end of the year.
    """
    match = _RYTMESKIFTE.match(rest)
    if not match:
        return None
    foer, etter = _rytme_mnd(match.group("r1")), _rytme_mnd(match.group("r2"))
    naar = match.group("naar").strip()
    inklusiv = bool(match.group("tom"))
    skifte = None
    funnet = _find_date(naar)
    if funnet and funnet[1].group(0).strip() == naar:
        skifte = funnet[0]
    elif m := _DAG_MAANED.match(naar):
        try:
            skifte = date(int(m.group(3) or aar), MAANEDER[m.group(2).lower()], int(m.group(1)))
        except ValueError:
            return None
    elif m := _MAANED.match(naar):
        # "til juli" stops when July begins; "til og med juni" / "til utgangen av juni" when it ends.
        skifte = date(int(m.group(2) or aar), MAANEDER[m.group(1).lower()], 1)
        if inklusiv:
            skifte, inklusiv = add_months(skifte, 1), False
    if skifte is None or not foer or not etter:
        return None
    if inklusiv or (skifte + timedelta(days=1)).day == 1:
        skifte += timedelta(days=1)
    forste = add_months(date(skifte.year, 1, 1), foer) - timedelta(days=1)
    slutt = date(skifte.year, 12, 31)
    if not (forste < skifte <= slutt):
        return None
    return {"form": Form.GJENTAKENDE, "dato": forste, "intervall_mnd": foer, "gjentas_til": slutt,
            "ny_rytme_fra": skifte, "ny_rytme_intervall_mnd": etter}


def parse_frist(tekst: str, *, aar: int, kontekst: str = "") -> ParsedFrist:
    """Derive form and dates from a frist's wording.

    ``aar`` is the year of the letter (for "Uke 12" without a year); ``kontekst`` is the text
    around the frist, usually the oppdrag's title: "F.o.m 20.03.24" in a "Tertialvis analyse"
    is a recurring frist every four months.
    """
    rest = tekst.strip()
    fields: dict = {}

    match = _DEL.match(rest)
    if match:
        fields["del_betegnelse"] = "Del " + match.group(1).split()[-1].upper()
        rest = rest[match.end():]

    if _DELOPPDRAG.match(rest):
        return ParsedFrist(tekst=tekst, form=Form.TEKST, del_betegnelse=rest.strip(), **fields)

    match = _CHANGED.match(rest)
    if match:
        earlier = _find_date(match.group(1))
        if earlier:
            fields["opprinnelig_dato"] = earlier[0]
            rest = match.group(2)

    if _LOPENDE.match(rest):
        return ParsedFrist(tekst=tekst, form=Form.LOPENDE, **fields)

    skifte = _rytmeskifte(rest, aar=aar)
    if skifte:
        return ParsedFrist(tekst=tekst, **skifte, **fields)

    match = _WEEK.match(rest)
    if match:
        uke = int(match.group(1))
        week_year = int(match.group(2)) if match.group(2) else aar
        try:
            dato = friday_of_week(week_year, uke)
        except ValueError:
            return ParsedFrist(tekst=tekst, form=Form.TEKST, **fields)
        return ParsedFrist(tekst=tekst, form=Form.UKE, dato=dato, uke=uke, **fields)

    match = _FIRST_HALF.match(rest)
    if match:
        half_year = int(match.group(2))
        if match.group(1).lower() == "første":
            start, end = date(half_year, 1, 1), date(half_year, 6, 30)
        else:
            start, end = date(half_year, 7, 1), date(half_year, 12, 31)
        return ParsedFrist(tekst=tekst, form=Form.PERIODE, fra_dato=start, dato=end, **fields)

    match = _TERTIAL.match(rest)
    if match and 1 <= int(match.group(1)) <= 3:
        n, t_year = int(match.group(1)), int(match.group(2))
        start = date(t_year, 4 * (n - 1) + 1, 1)
        end = date(t_year, 4 * n + 1, 1) - timedelta(days=1) if n < 3 else date(t_year, 12, 31)
        return ParsedFrist(tekst=tekst, form=Form.PERIODE, fra_dato=start, dato=end, **fields)

    match = _KVARTAL.match(rest) or _Q.match(rest)
    if match and 1 <= int(match.group(1)) <= 4:
        n, q_year = int(match.group(1)), int(match.group(2))
        start = date(q_year, 3 * (n - 1) + 1, 1)
        end = add_months(start, 3) - timedelta(days=1)
        return ParsedFrist(tekst=tekst, form=Form.PERIODE, fra_dato=start, dato=end, **fields)

    match = _RYTME.match(rest)
    if match:
        # No start date: the first frist is the end of the first period of the year, and the
        # rhythm runs to the end of that year (the next letter states its own).
        interval = int(match.group(1)) if match.group(1) else _interval_from(rest)
        r_year = int(match.group(2)) if match.group(2) else aar
        if interval and 1 <= interval <= 12:
            first = add_months(date(r_year, 1, 1), interval) - timedelta(days=1)
            return ParsedFrist(tekst=tekst, form=Form.GJENTAKENDE, dato=first, intervall_mnd=interval,
                               gjentas_til=date(r_year, 12, 31), **fields)

    match = _UT_AAR.match(rest)
    if match:
        return ParsedFrist(tekst=tekst, form=Form.PERIODE, dato=date(int(match.group(1)), 12, 31), **fields)

    match = _REPORT.match(rest)
    if match:
        rtype = AARSRAPPORT if match.group(1).lower() == "års" else HALVAARSRAPPORT
        return ParsedFrist(tekst=tekst, form=Form.RAPPORT, rapport_type=rtype,
                           rapport_aar=int(match.group(2)), **fields)

    found = _find_date(rest)
    if found is None:
        return ParsedFrist(tekst=tekst, form=Form.TEKST, etikett=_label(rest) if fields else None, **fields)

    dato, match = found
    before, after = rest[:match.start()], rest[match.end():]
    fields["rolle"] = _rolle(before)

    interval = 12 if _AARLIG.search(after) or _AARLIG.search(before) else None
    if _FOM.match(before):
        interval = interval or _interval_from(kontekst) or _interval_from(before)
        before = _FOM.sub("", before)
        if interval is None:
            # "Fra og med" a date with no rhythm stated: the work starts then.
            return ParsedFrist(tekst=tekst, form=Form.DATO, dato=dato, etikett=_label(before), **fields)

    etikett = _label(before)
    if etikett and etikett.lower() == "frist":
        etikett = None
    if interval:
        return ParsedFrist(tekst=tekst, form=Form.GJENTAKENDE, dato=dato, intervall_mnd=interval,
                           etikett=etikett, **fields)
    return ParsedFrist(tekst=tekst, form=Form.DATO, dato=dato, etikett=etikett, **fields)


def add_months(day: date, months: int) -> date:
    """``day`` moved by whole months; the 31st becomes the last day of a shorter month."""
    index = day.month - 1 + months
    year, month = day.year + index // 12, index % 12 + 1
    for candidate in (day.day, 30, 29, 28):
        try:
            return date(year, month, candidate)
        except ValueError:
            continue
    raise AssertionError("unreachable")


def occurrences(frist, *, fra: date, til: date) -> list[date]:
    """The concrete dates of a frist within [fra, til].

    ``frist`` is anything with the FristFelter attributes (a model instance or a ParsedFrist).
    A recurring frist repeats every ``intervall_mnd`` months from ``dato`` up to ``gjentas_til``
    (or ``til``); a frist without a date (løpende, text only) has none. A rhythm that changes
    (``ny_rytme_fra``, ``ny_rytme_intervall_mnd``; only oppdrag frister have them) keeps the first
    rhythm before the change and then falls at the end of each new period.
    """
    if frist.dato is None:
        return []
    if str(frist.form) != Form.GJENTAKENDE or not frist.intervall_mnd:
        return [frist.dato] if fra <= frist.dato <= til else []
    end = min(til, frist.gjentas_til) if frist.gjentas_til else til
    ny_fra = getattr(frist, "ny_rytme_fra", None)
    ny_mnd = getattr(frist, "ny_rytme_intervall_mnd", None)
    found, n = [], 0
    while True:
        day = add_months(frist.dato, frist.intervall_mnd * n)
        if day > end or (ny_fra and ny_mnd and day >= ny_fra):
            break
        if day >= fra:
            found.append(day)
        n += 1
    if not (ny_fra and ny_mnd):
        return found
    n = 1
    while True:
        day = add_months(ny_fra, ny_mnd * n) - timedelta(days=1)
        if day > end:
            return found
        if day >= fra:
            found.append(day)
        n += 1


# --- what a person types into one field ------------------------------------------------------

class UgyldigFrist(ValueError):
    """A typed frist that cannot be saved as it stands; ``melding`` says why, in Norwegian."""

    def __init__(self, melding: str):
        super().__init__(melding)
        self.melding = melding


# The places in a text that name a time: dates, weeks, quarters, periods and reports with a year.
# Found anywhere (parse_frist reads them only in their usual places), so that a text with two of
# them, or one that does not exist, is noticed.
_ANY_WEEK = re.compile(r"(?<![\wæøå])uke\s+(\d{1,2})(?!\d)(?:\s*[,/]?\s*(\d{4})(?!\d))?", re.IGNORECASE)
_ANY_PART_OF_YEAR = re.compile(r"(?<![\d.])(\d{1,2})\.\s*(kvartal|tertial)\s+(\d{4})(?!\d)", re.IGNORECASE)
_ANY_Q = re.compile(r"(?<![\wæøå])Q(\d{1,2})\s*[-/]?\s*(\d{4})(?!\d)", re.IGNORECASE)
_ANY_HALF = re.compile(r"(?<![\wæøå])(?:første|andre|siste)\s+halv(?:del|år)\s+(?:av\s+|i\s+)?\d{4}(?!\d)",
                       re.IGNORECASE)
_ANY_UT_AAR = re.compile(r"(?<![\wæøå])(?:ut|innen utgangen av|i løpet av)\s+\d{4}(?!\d)", re.IGNORECASE)
_ANY_REPORT = re.compile(r"(?:års|halvårs)rapport(?:en)?\s+(?:for\s+)?\d{4}(?!\d)", re.IGNORECASE)
# "1. juni" with no year: a date that cannot remind until the year is written
_WORD_DATE_NO_YEAR = re.compile(r"(?<!\d)(\d{1,2})\.\s*(" + "|".join(MAANEDER) + r")(?![a-zæøå])(?!\s*\d)",
                                re.IGNORECASE)
# "Del 2:" inside a text (at its start the colon may be left out, as _DEL allows)
_DEL_LABEL = re.compile(r"(?:^|(?<=[\s,;/(]))Del\s+(?:\d+|[IVX]+)\b\s*(?::|[-–](?=\s))", re.IGNORECASE)
_PAREN = re.compile(r"\([^()]*\)")
_SEPARATOR = re.compile(r"[,;/\n&+]|\b(?:og|samt)\b", re.IGNORECASE)
_RANGE = re.compile(r"[-–—]|til|til og med|t\.?\s?o\.?\s?m\.?", re.IGNORECASE)
_EDGE = r"(?:[\s,;/&+]|\b(?:og|samt)\b)*"
_LEADING, _TRAILING = re.compile("^" + _EDGE, re.IGNORECASE), re.compile(_EDGE + "$", re.IGNORECASE)

TALLORD = {2: "to", 3: "tre", 4: "fire", 5: "fem", 6: "seks", 7: "sju", 8: "åtte", 9: "ni", 10: "ti"}


@dataclass(frozen=True)
class _Tidspunkt:
    """One place in a text that names a time, and why it does not exist if it does not."""

    start: int
    end: int
    feil: str | None = None
    i_parentes: bool = False


_day_error = dagfeil


def _week_error(uke: int, aar: int) -> str | None:
    last = date(aar, 12, 28).isocalendar().week  # 28 December is always in the year's last ISO week
    if uke < 1:
        return f"Uke {uke} finnes ikke; ukene telles fra 1."
    if uke > last:
        return f"{aar} har ikke uke {uke}. Siste uke i {aar} er uke {last}."
    return None


def _tidspunkter(text: str, *, aar: int) -> list[_Tidspunkt]:
    """Every place in ``text`` that names a time, in order, overlaps removed."""
    found: list[_Tidspunkt] = []
    for m in _NUMERIC_DATE.finditer(text):
        found.append(_Tidspunkt(m.start(), m.end(), _day_error(int(m.group(1)), int(m.group(2)), _year(m.group(3)),
                                                                 m.group(0))))
    for m in _WORD_DATE.finditer(text):
        found.append(_Tidspunkt(m.start(), m.end(), _day_error(int(m.group(1)), MAANEDER[m.group(2).lower()],
                                                                 int(m.group(3)), m.group(0))))
    for m in _ISO_DATE.finditer(text):
        found.append(_Tidspunkt(m.start(), m.end(), _day_error(int(m.group(3)), int(m.group(2)), int(m.group(1)),
                                                                 m.group(0))))
    for m in _WORD_DATE_NO_YEAR.finditer(text):
        found.append(_Tidspunkt(m.start(), m.end(), f"«{m.group(0).strip()}» mangler år. Skriv f.eks. "
                                                    f"«{int(m.group(1))}. {m.group(2).lower()} {aar}»."))
    for m in _ANY_WEEK.finditer(text):
        found.append(_Tidspunkt(m.start(), m.end(), _week_error(int(m.group(1)), int(m.group(2) or aar))))
    for m in _ANY_PART_OF_YEAR.finditer(text):
        n, kind = int(m.group(1)), m.group(2).lower()
        antall = 4 if kind == "kvartal" else 3
        feil = None if 1 <= n <= antall else f"{n}. {kind} finnes ikke: et år har {TALLORD[antall]} {kind}er."
        found.append(_Tidspunkt(m.start(), m.end(), feil))
    for m in _ANY_Q.finditer(text):
        n = int(m.group(1))
        found.append(_Tidspunkt(m.start(), m.end(), None if 1 <= n <= 4 else
                                f"Q{n} finnes ikke: et år har fire kvartaler (Q1–Q4)."))
    for pattern in (_ANY_HALF, _ANY_UT_AAR, _ANY_REPORT):
        found.extend(_Tidspunkt(m.start(), m.end()) for m in pattern.finditer(text))
    found.sort(key=lambda t: (t.start, -t.end))
    parens = [(m.start(), m.end()) for m in _PAREN.finditer(text)]
    kept: list[_Tidspunkt] = []
    for t in found:
        if kept and t.start < kept[-1].end:
            continue
        inside = any(a < t.start and t.end <= b for a, b in parens)
        kept.append(_Tidspunkt(t.start, t.end, t.feil, inside))
    return kept


def _mask_parens(text: str) -> str:
    """``text`` with what stands in parentheses blanked out (same length), so that a comma or a
    date in "(tidligere 1. mai 2025)" neither splits the text nor counts as a second frist."""
    return _PAREN.sub(lambda m: "(" + "\0" * (len(m.group(0)) - 2) + ")", text)


def _clean_part(text: str) -> str:
    return _TRAILING.sub("", _LEADING.sub("", text)).strip()


def _part_name(labels: list[re.Match], pos: int) -> str:
    """The "Del N" a position in the text belongs to ("" when the text has no parts)."""
    name = ""
    for label in labels:
        if label.start() <= pos:
            name = "Del " + label.group(0).split()[1].rstrip(":-–").upper()
    return name


def _split_at_gaps(text: str, masked: str, times: list[_Tidspunkt]) -> list[str]:
    """Cut a text with several times between them: at a separator (comma, "og", "/", …) or where
    only spaces lie between. A range ("1. juni – 30. juni 2025"), alternatives ("eller") or words
    with no separator cannot be cut with certainty and are refused."""
    cuts = [0]
    lead = masked[:times[0].start].strip().lower()
    for before, after in zip(times, times[1:], strict=False):
        gap = masked[before.end:after.start]
        first, second = text[before.start:before.end], text[after.start:after.end]
        if _RANGE.fullmatch(gap.strip()) or (lead.endswith("mellom") and gap.strip().lower() == "og"):
            raise UgyldigFrist(
                f"«{first} … {second}» ser ut som en periode. En frist er én dato: skriv sluttdatoen "
                f"(f.eks. «{second}»), eller skriv én rad per frist hvis det er flere frister.")
        if re.search(r"\beller\b", gap, re.IGNORECASE):
            raise UgyldigFrist(f"Teksten gir to alternative frister («{first}» eller «{second}»). "
                               "Skriv den fristen som gjelder.")
        separator = _SEPARATOR.search(gap)
        if separator:
            cuts.append(before.end + separator.start())
            continue
        if not re.sub(r"\(\0*\)", "", gap).strip():
            # Only spaces, and perhaps a remark in parentheses that belongs to the first: "(årlig)".
            cuts.append(before.end + len(gap.rstrip()))
            continue
        raise UgyldigFrist(f"Teksten har flere frister («{first}» og «{second}»), men det går ikke fram hvor den "
                           "ene slutter og den neste begynner. Skriv én rad per frist.")
    cuts.append(len(text))
    return [_clean_part(text[a:b]) for a, b in zip(cuts, cuts[1:], strict=False)]


def split_frist(tekst: str, *, aar: int, kontekst: str = "", dato_oppgitt: bool = False) -> list[ParsedFrist]:
    """A frist as a person typed it into one field, as one part per frist it holds.

    Raises ``UgyldigFrist`` with a Norwegian message when the text names a time that does not
    exist ("31.02.2025", "Uke 53 2025"), a date without a year, parts that cannot be told apart,
    or a time that cannot be read (unless ``dato_oppgitt``: the person gave the date beside it).
    Each part keeps its wording verbatim; a text with one frist gives exactly what
    ``parse_frist`` gives. Text-only frister ("Løpende", "Etter avtale") are allowed.
    """
    text = tekst.strip()
    if _RYTMESKIFTE.match(_DEL.sub("", text, count=1)):
        parsed = parse_frist(tekst, aar=aar, kontekst=kontekst)
        if parsed.ny_rytme_fra is None:
            raise UgyldigFrist(f"«{text}» ser ut som en rytme som skifter i løpet av året, men tidspunktet for "
                               "skiftet ble ikke forstått. Skriv f.eks. «Månedlig frem til 1. juli "
                               f"{aar}, deretter kvartalsvis».")
        return [parsed]
    masked = _mask_parens(text)
    times = _tidspunkter(text, aar=aar)
    labels = list(_DEL_LABEL.finditer(masked))
    start_label = _DEL.match(text)
    if start_label and not (labels and labels[0].start() == start_label.start()):
        labels.insert(0, start_label)

    for t in times:
        if t.feil:
            name = _part_name(labels, t.start)
            raise UgyldigFrist(f"{name}: {t.feil}" if name else t.feil)

    counted = [t for t in times if not t.i_parentes]
    if len(labels) >= 2 or (labels and labels[0].start() > 0 and len(counted) >= 2):
        before_first = _clean_part(masked[:labels[0].start()])
        if before_first:
            raise UgyldigFrist(f"Teksten før «{labels[0].group(0).rstrip(':-– ')}» hører ikke til noen del. "
                               "Skriv én rad per del, f.eks. «Del 1: 1. juni 2025».")
        bounds = [label.start() for label in labels] + [len(text)]
        parts = [_clean_part(text[a:b]) for a, b in zip(bounds, bounds[1:], strict=False)]
    elif len(counted) >= 2:
        if labels:
            raise UgyldigFrist(f"{_part_name(labels, 0)} har flere frister "
                               f"(«{text[counted[0].start:counted[0].end]}» og "
                               f"«{text[counted[1].start:counted[1].end]}»). Skriv én rad per frist, hver med sin del.")
        parts = _split_at_gaps(text, masked, counted)
    else:
        parts = [tekst]

    result = []
    for part in parts:
        part_times = [t for t in _tidspunkter(part, aar=aar) if not t.i_parentes]
        if len(part_times) > 1:
            raise UgyldigFrist(f"«{part}» har flere frister. Skriv én rad per frist.")
        parsed = parse_frist(part, aar=aar, kontekst=kontekst)
        understood = parsed.form != Form.TEKST or parsed.dato is not None
        if part_times and not understood and not (dato_oppgitt and len(parts) == 1):
            written = part[part_times[0].start:part_times[0].end]
            raise UgyldigFrist(
                f"«{written}» i «{part.strip()}» ble ikke forstått som en frist. Skriv fristen alene, f.eks. "
                f"«{written}», eller oppgi datoen i datofeltet.")
        result.append(parsed)
    return result
