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
