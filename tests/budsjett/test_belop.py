"""Amounts as the letters write them, read to exact kroner and shown the Norwegian way."""

import pytest

from kjerne.belop import BelopError, format_kroner, format_mill, format_tall, parse_kroner


@pytest.mark.parametrize(("tekst", "enhet", "kr"), [
    ("37 510 000", "kr", 37_510_000),
    ("37\u00a0510\u00a0000 kr", "kr", 37_510_000),
    ("37.510.000", "kr", 37_510_000),
    ("1 523 900", "1000", 1_523_900_000),
    ("1 523,9", "mill", 1_523_900_000),
    ("224 mill. kroner", "kr", 224_000_000),
    ("0,02 mill", "kr", 20_000),
    (37_510_000, "kr", 37_510_000),
])
def test_parse(tekst, enhet, kr):
    assert parse_kroner(tekst, enhet=enhet) == kr


@pytest.mark.parametrize(("tekst", "melding"), [
    ("15 335,9", "er ikke et helt kronebeløp"),
    ("N/A", "er ikke et beløp"),
    ("-5", "kan ikke være negativt"),
    ("12,3,4", "er ikke et beløp"),
])
def test_refused_with_a_norwegian_message(tekst, melding):
    with pytest.raises(BelopError, match=melding):
        parse_kroner(tekst)


def test_negative_allowed_for_changes():
    assert parse_kroner("−2 000 000", tillat_negativ=True) == -2_000_000


def test_format():
    assert format_kroner(37_510_000) == "37 510 000 kr"
    assert format_kroner(0) == "0 kr"
    assert format_mill(1_523_900_000) == "1 523,9 mill. kr"
    assert format_mill(224_020_000, desimaler=2) == "224,02 mill. kr"
    assert format_tall(-1_234) == "−1 234"
    assert format_kroner(1_000, skille="\u00a0") == "1\u00a0000\u00a0kr"
