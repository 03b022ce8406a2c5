"""Money as the letters write it and as Norwegian readers expect it.

Amounts are whole kroner (int) everywhere. The letters write them in kroner ("37 510 000"), in
thousands ("i 1000 kr": "1 523 900") or in millions ("224 mill. kroner", "1 523,9 mill. kr");
``parse_kroner`` turns each into exact kroner without going through float.
"""

from __future__ import annotations

import re
from decimal import Decimal, InvalidOperation

ENHETER = {"kr": 1, "1000": 1_000, "mill": 1_000_000}

_SPACES = re.compile(r"[\s\u00a0\u202f]+")
_SUFFIX = re.compile(r"(mill(?:ioner)?\.?|millioner)?\s*(kr(?:oner)?\.?|,-)?$", re.IGNORECASE)


class BelopError(ValueError):
    """An amount that cannot be read as whole kroner; the message is Norwegian and user-facing."""


def parse_kroner(tekst: str | int, *, enhet: str = "kr", tillat_negativ: bool = False) -> int:
    """Read an amount written in ``enhet`` ("kr", "1000" or "mill") as exact whole kroner.

    Accepts Norwegian thousands separators (space, no-break space, point) and a decimal comma;
    a written unit ("mill. kr") overrides ``enhet``. Refuses what is not a whole number of kroner.
    """
    if isinstance(tekst, bool):
        raise BelopError(f"«{tekst}» er ikke et beløp.")
    if isinstance(tekst, int):
        value = Decimal(tekst)
        raw = str(tekst)
    else:
        raw = tekst.strip()
        cleaned = _SPACES.sub(" ", raw).strip()
        match = _SUFFIX.search(cleaned)
        if match and match.group(1):
            enhet = "mill"
        cleaned = cleaned[: match.start()].strip() if match else cleaned
        cleaned = cleaned.replace("−", "-").replace("–", "-").replace(" ", "")
        if re.fullmatch(r"-?\d{1,3}(\.\d{3})+(,\d+)?", cleaned):
            cleaned = cleaned.replace(".", "")
        if not re.fullmatch(r"-?\d+(,\d+)?", cleaned):
            raise BelopError(f"«{raw}» er ikke et beløp. Skriv f.eks. 37 510 000 eller 1 523,9 mill.")
        try:
            value = Decimal(cleaned.replace(",", "."))
        except InvalidOperation as exc:  # pragma: no cover - the regex above admits only digits
            raise BelopError(f"«{raw}» er ikke et beløp.") from exc
    if enhet not in ENHETER:
        raise BelopError(f"Ukjent enhet «{enhet}».")
    kroner = value * ENHETER[enhet]
    if kroner != kroner.to_integral_value():
        raise BelopError(f"«{raw}» er ikke et helt kronebeløp.")
    if kroner < 0 and not tillat_negativ:
        raise BelopError(f"«{raw}»: beløpet kan ikke være negativt.")
    return int(kroner)


def format_tall(value: int | Decimal, *, desimaler: int = 0, skille: str = " ") -> str:
    """12345678 → "12 345 678"; with ``desimaler`` a decimal comma: 1523.9 → "1 523,9"."""
    negative = value < 0
    text = f"{abs(value):,.{desimaler}f}".replace(",", "\x00").replace(".", ",").replace("\x00", skille)
    return f"−{text}" if negative else text


def format_kroner(value: int | None, *, skille: str = " ") -> str:
    """37510000 → "37 510 000 kr"."""
    if value is None:
        return ""
    return f"{format_tall(value, skille=skille)}{skille}kr"


def format_mill(value: int | None, *, desimaler: int = 1, skille: str = " ") -> str:
    """1523900000 → "1 523,9 mill. kr" (rounded half up to ``desimaler``)."""
    if value is None:
        return ""
    millions = (Decimal(value) / 1_000_000).quantize(Decimal(1).scaleb(-desimaler), rounding="ROUND_HALF_UP")
    return f"{format_tall(millions, desimaler=desimaler, skille=skille)}{skille}mill.{skille}kr"


#: How a letter's table names its unit ("Beløp i 1000 kroner").
ENHET_TEKST = {"kr": "kroner", "1000": "i 1000 kroner", "mill": "i mill. kroner"}
_EKSPONENT = {"kr": 0, "1000": 3, "mill": 6}
# The letters write millions with one decimal ("61,0", "15 335,9"); thousands and kroner whole.
_MINST_DESIMALER = {"kr": 0, "1000": 0, "mill": 1}


def desimaler_i_enhet(verdier, enhet: str) -> int:
    """The decimals a column in ``enhet`` needs so that every amount in it is shown exactly (never
    rounded): 15 335 900 000 in "mill" needs one, 500 kr in "1000" needs one ("0,5")."""
    eksponent = _EKSPONENT[enhet]
    desimaler = _MINST_DESIMALER[enhet]
    for verdi in verdier:
        if verdi is None or not eksponent:
            continue
        normal = Decimal(verdi).scaleb(-eksponent).normalize()
        desimaler = max(desimaler, -normal.as_tuple().exponent)
    return desimaler


def format_i_enhet(value: int, enhet: str, *, desimaler: int | None = None, skille: str = " ") -> str:
    """Whole kroner shown in the unit of the letter's table: 15335900000 in "mill" → "15 335,9",
    15335900 in "1000" → "15 335,9", in "kr" → "15 335 900". Exact unless ``desimaler`` is fewer
    than the amount needs (pass the column's :func:`desimaler_i_enhet`)."""
    if desimaler is None:
        desimaler = desimaler_i_enhet([value], enhet)
    return format_tall(Decimal(value).scaleb(-_EKSPONENT[enhet]), desimaler=desimaler, skille=skille)


def format_intervall(fra: int | None, til: int | None = None, *, skille: str = " ") -> str:
    """An amount or a range in kroner as a letter writes it: "1 000 000 til 1 500 000"; "" for none."""
    if fra is None:
        return ""
    if til is None:
        return format_tall(fra, skille=skille)
    return f"{format_tall(fra, skille=skille)} til {format_tall(til, skille=skille)}"


_INTERVALL = re.compile(r"^(?P<fra>.+?)\s*(?:\btil\b|–|—|-)\s*(?P<til>\d.*)$", re.IGNORECASE)


def parse_intervall(tekst: str, *, enhet: str = "kr") -> tuple[int, int | None]:
    """An amount or a range as letters write them: "3 mill. kroner" → (3000000, None); "1 til 1,5
    mill. kroner" or "1–1,5 mill." → (1000000, 1500000). A unit written once at the end counts for
    both ends. Refuses a range whose end is not above its start, with a Norwegian message."""
    raw = _SPACES.sub(" ", str(tekst)).strip()
    match = _INTERVALL.match(raw)
    if not match:
        return parse_kroner(raw, enhet=enhet), None
    til_tekst = match.group("til").strip()
    til = parse_kroner(til_tekst, enhet=enhet)
    fra_tekst = match.group("fra").strip()
    # "1 til 1,5 mill.": the millions written at the end count for the start too.
    fra = parse_kroner(fra_tekst, enhet="mill" if _i_mill(til_tekst) and not _i_mill(fra_tekst) else enhet)
    if til <= fra:
        raise BelopError(f"«{raw}»: intervallet må slutte på et høyere beløp enn det starter på.")
    return fra, til


def _i_mill(tekst: str) -> bool:
    match = _SUFFIX.search(tekst)
    return bool(match and match.group(1))
