"""Numbers, targets and baselines in Norwegian format (12,5; 1 234; "90 prosent")."""

from __future__ import annotations

from decimal import Decimal

from kjerne.belop import format_tall


def format_desimal(value: Decimal | None) -> str:
    """Decimal("12.500") → "12,5"; Decimal("1234") → "1 234"."""
    if value is None:
        return ""
    normal = value.normalize()
    desimaler = max(0, -normal.as_tuple().exponent)
    return format_tall(normal, desimaler=desimaler)


def krav_tekst(krav) -> str:
    """A target (Resultatkrav) as the letter states it, numbers in Norwegian format."""
    if krav.tekst:
        return krav.tekst
    return f"{format_desimal(krav.verdi)} {krav.enhet}".strip()


def maaleverdi_tekst(v) -> str:
    """A baseline value (Maaleverdi): "2014: 49 prosent"."""
    verdi = v.tekst if v.verdi is None else f"{format_desimal(v.verdi)} {v.enhet}".strip()
    return f"{v.periode}: {verdi}"
