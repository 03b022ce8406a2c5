"""Frister as the ministry writes them, and the concrete dates that can be derived from them.

Pure functions, no database: the letters write frister in many forms ("Del 1: 01.08.2023",
"Ut 2024", "Første halvdel av 2023", "IMDis halvårsrapport 2024", "F.o.m 20.03.24" for a
tertialvis analysis, "(01.06.2023) 31.12.2024" for a changed frist, "Uke 12", "Løpende"…).
The wording is always kept as written; ``parse_frist`` derives what a reminder needs.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, timedelta
from enum import StrEnum


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


MAANEDER = {
    "januar": 1, "februar": 2, "mars": 3, "april": 4, "mai": 5, "juni": 6, "juli": 7,
    "august": 8, "september": 9, "oktober": 10, "november": 11, "desember": 12,
}

# "01.08.2023", "20.03.24", "31. 12 2024", "1.6.2023"
_NUMERIC_DATE = re.compile(r"(?<!\d)(\d{1,2})\.\s?(\d{1,2})[.\s]\s?(\d{4}|\d{2})(?!\d)")
# "15. januar 2024", "1. juni 2023"
_WORD_DATE = re.compile(r"(?<!\d)(\d{1,2})\.\s*(" + "|".join(MAANEDER) + r")\s+(\d{4})(?!\d)", re.IGNORECASE)
# "Del 1:", "Del II:", "Del 2 -"
_DEL = re.compile(r"^\s*(Del\s+(?:\d+|[IVX]+))\s*[:\-–]?\s*", re.IGNORECASE)
_DELOPPDRAG = re.compile(r"^\s*Deloppdrag\s+\d+\s*$", re.IGNORECASE)
_CHANGED = re.compile(r"^\s*\(([^)]*)\)\s*(.+)$")
_WEEK = re.compile(r"^\s*(?:i\s+)?uke\s+(\d{1,2})(?:\s*[,/]?\s*(\d{4}))?\s*$", re.IGNORECASE)
_FIRST_HALF = re.compile(r"^\s*(første|andre|siste)\s+halv(?:del|år)\s+(?:av\s+|i\s+)?(\d{4})\s*$", re.IGNORECASE)
_INNEN = r"(?:innen\s+(?:utgangen\s+av\s+)?|i\s+løpet\s+av\s+|i\s+|ut\s+)?"
_TERTIAL = re.compile(r"^\s*" + _INNEN + r"(\d)\.\s*tertial\s+(\d{4})\s*$", re.IGNORECASE)
_KVARTAL = re.compile(r"^\s*" + _INNEN + r"(\d)\.\s*kvartal\s+(\d{4})\s*$", re.IGNORECASE)
# A rhythm with no start date: "Hver 3. måned", "Kvartalsvis", "Månedlig (fra 2025)".
_RYTME = re.compile(r"^\s*(?:hver\s+(\d{1,2})\.\s*måned|hver\s+måned|månedlig|kvartalsvis|hvert\s+kvartal|"
                    r"tertialvis|hvert\s+tertial|halvårlig|hvert\s+halvår)\s*(?:\(?\s*(?:fra\s+)?(\d{4})\s*\)?)?\s*$",
                    re.IGNORECASE)
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


def _year(raw: str) -> int:
    value = int(raw)
    return 2000 + value if len(raw) == 2 else value


def _find_date(text: str) -> tuple[date, re.Match] | None:
    """The first date written in ``text``; None when there is none or it is not a real date."""
    for pattern, month_of in ((_NUMERIC_DATE, int), (_WORD_DATE, lambda m: MAANEDER[m.lower()])):
        match = pattern.search(text)
        if match:
            try:
                return date(_year(match.group(3)), month_of(match.group(2)), int(match.group(1))), match
            except ValueError:
                return None
    return None


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

    match = _KVARTAL.match(rest)
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
    (or ``til``); a frist without a date (løpende, text only) has none.
    """
    if frist.dato is None:
        return []
    if str(frist.form) != Form.GJENTAKENDE or not frist.intervall_mnd:
        return [frist.dato] if fra <= frist.dato <= til else []
    end = min(til, frist.gjentas_til) if frist.gjentas_til else til
    found, n = [], 0
    while True:
        day = add_months(frist.dato, frist.intervall_mnd * n)
        if day > end:
            return found
        if day >= fra:
            found.append(day)
        n += 1
