"""Dates as Norwegian letters write them: "11. september 2019", "28.08. 2019", "13.02.2017",
"20.03.24", and ISO "2019-09-11" as a date field or a spreadsheet writes it.

Pure functions, no database. Two users: the frist parser (oppdrag/frister.py), which finds dates
anywhere in a frist's wording, and ``les_dato`` for a form's date field (kjerne/skjema.py
``Datofelt``), where the whole input must be one date and anything else is refused with a
Norwegian message saying why.
"""

from __future__ import annotations

import calendar
import re
from datetime import date

MAANEDER = {
    "januar": 1, "februar": 2, "mars": 3, "april": 4, "mai": 5, "juni": 6, "juli": 7,
    "august": 8, "september": 9, "oktober": 10, "november": 11, "desember": 12,
}
MAANEDSNAVN = {number: name for name, number in MAANEDER.items()}

# "01.08.2023", "20.03.24", "31. 12 2024", "1.6.2023", "28.08. 2019"
NUMERIC_DATE = re.compile(r"(?<!\d)(\d{1,2})\.\s?(\d{1,2})[.\s]\s?(\d{4}|\d{2})(?!\d)")
# "15. januar 2024", "1. juni 2023"
WORD_DATE = re.compile(r"(?<!\d)(\d{1,2})\.\s*(" + "|".join(MAANEDER) + r")\s+(\d{4})(?!\d)", re.IGNORECASE)
# "2025-06-01", as a date field or a spreadsheet writes it
ISO_DATE = re.compile(r"(?<![\d-])(\d{4})-(\d{1,2})-(\d{1,2})(?![\d-])")

EKSEMPEL = "Skriv f.eks. 11.09.2019, 11. september 2019 eller 2019-09-11."


class UgyldigDato(ValueError):
    """A typed date that is not one; ``melding`` says why, in Norwegian."""

    def __init__(self, melding: str):
        super().__init__(melding)
        self.melding = melding


def aarstall(raw: str) -> int:
    """A written year; two digits ("24") are this century."""
    value = int(raw)
    return 2000 + value if len(raw) == 2 else value


def _deler(match: re.Match) -> tuple[int, int, int]:
    """(year, month, day) of a match of one of the three patterns."""
    if match.re is ISO_DATE:
        return int(match.group(1)), int(match.group(2)), int(match.group(3))
    maaned = match.group(2)
    month = int(maaned) if maaned.isdigit() else MAANEDER[maaned.lower()]
    return aarstall(match.group(3)), month, int(match.group(1))


def finn_dato(text: str) -> tuple[date, re.Match] | None:
    """The first date written in ``text``; None when there is none or it is not a real date."""
    for pattern in (NUMERIC_DATE, WORD_DATE, ISO_DATE):
        match = pattern.search(text)
        if match:
            try:
                return date(*_deler(match)), match
            except ValueError:
                return None
    return None


def dagfeil(day: int, month: int, year: int, written: str) -> str | None:
    """Why day.month.year is not a date, in Norwegian; None when it is one."""
    if not 1 <= month <= 12:
        return f"«{written}» er ikke en dato: måned {month} finnes ikke."
    last = calendar.monthrange(year, month)[1]
    if 1 <= day <= last:
        return None
    melding = f"{day}. {MAANEDSNAVN[month]} {year} finnes ikke."
    if month == 2 and day == 29:
        return f"{melding} {year} er ikke et skuddår."
    return f"{melding} {MAANEDSNAVN[month].capitalize()} {year} har {last} dager."


def les_dato(text: str) -> date:
    """The date ``text`` holds, when all of it is one date as letters write it; else
    ``UgyldigDato`` saying why ("31.02.2019" → "31. februar 2019 finnes ikke. …")."""
    skrevet = " ".join(text.split())
    for pattern in (NUMERIC_DATE, WORD_DATE, ISO_DATE):
        match = pattern.fullmatch(skrevet)
        if match:
            year, month, day = _deler(match)
            if not 1 <= year <= 9999:
                raise UgyldigDato(f"«{skrevet}» er ikke en dato: år {year} finnes ikke.")
            feil = dagfeil(day, month, year, skrevet)
            if feil:
                raise UgyldigDato(feil)
            return date(year, month, day)
    if any(p.search(skrevet) for p in (NUMERIC_DATE, WORD_DATE, ISO_DATE)):
        raise UgyldigDato(f"«{skrevet}» inneholder annet enn datoen. Skriv bare datoen, f.eks. 11.09.2019.")
    ord_ = re.fullmatch(r"(\d{1,2})\.?\s*([a-zæøå]+)\.?\s+(\d{4})", skrevet, re.IGNORECASE)
    if ord_ and ord_.group(2).lower() not in MAANEDER:
        raise UgyldigDato(f"«{ord_.group(2)}» er ikke et månedsnavn. Skriv måneden helt ut, f.eks. "
                          f"«{int(ord_.group(1))}. september {ord_.group(3)}».")
    if re.fullmatch(r"\d{1,2}\.\s*[a-zæøå]+", skrevet, re.IGNORECASE):
        raise UgyldigDato(f"«{skrevet}» mangler år. {EKSEMPEL}")
    raise UgyldigDato(f"«{skrevet}» er ikke en dato. {EKSEMPEL}")
