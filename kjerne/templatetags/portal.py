"""Norwegian presentation used on every page: dates, amounts and the red/yellow/green marker."""

from __future__ import annotations

import unicodedata
from datetime import date, datetime

from django import template
from django.template.defaultfilters import stringfilter
from django.utils.html import format_html
from django.utils.text import Truncator

from kjerne.belop import format_kroner, format_mill, format_tall
from kjerne.tid import format_dato, format_tidspunkt

NBSP = "\u00a0"

register = template.Library()


@register.filter
def dato(value) -> str:
    """01.07.2023; a datetime adds the clock in Oslo: 01.07.2023 kl. 14.05 (kjerne/tid.py)."""
    if value in (None, ""):
        return ""
    if isinstance(value, (date, datetime)):
        return format_tidspunkt(value)
    return str(value)


@register.filter
def historikk_tekst(obj) -> str:
    """``str()`` of a record rebuilt from history, never failing on a deleted related record."""
    from kjerne.endringslogg import tekst

    return tekst(obj)


@register.filter
def bare_dato(value) -> str:
    """The day alone, also of a datetime (in Oslo): 01.07.2023."""
    if isinstance(value, (date, datetime)):
        return format_dato(value)
    return "" if value in (None, "") else str(value)


@register.filter
def kroner(value) -> str:
    """37 510 000 kr."""
    if value in (None, ""):
        return ""
    return format_kroner(int(value), skille=NBSP)


@register.filter
def mill(value) -> str:
    """1 523,9 mill. kr."""
    if value in (None, ""):
        return ""
    return format_mill(int(value), skille=NBSP)


@register.filter
def tall(value) -> str:
    """37 510 000 (the budget tables' columns, without the unit)."""
    if value in (None, ""):
        return ""
    return format_tall(int(value), skille=NBSP)


_RISIKO = {
    "rod": ("rod", "Rød", "●"),
    "gul": ("gul", "Gul", "▲"),
    "gronn": ("gronn", "Grønn", "■"),
}


def _risikomerke(css: str, tekst: str, symbol: str) -> str:
    return format_html('<span class="risiko risiko-{}"><span aria-hidden="true">{}</span> {}</span>',
                       css, symbol, tekst)


_IKKE_VURDERT = _risikomerke("ikke-vurdert", "Ikke vurdert", "○")
_RISIKOMERKER = {verdi: _risikomerke(*deler) for verdi, deler in _RISIKO.items()}


@register.filter
def risiko(value) -> str:
    """The marker carries its name and a shape, never colour alone. The four markers are made once:
    a ministry's Min side shows some 120 of them."""
    return _RISIKOMERKER.get(value or "", _IKKE_VURDERT)


@register.filter(is_safe=True)
@stringfilter
def forkort(value: str, lengde) -> str:
    """Django's ``truncatechars``, with the same result, but a text already short enough is not
    walked: Django counts its characters one by one (skipping combining marks) also when nothing is
    cut, about a fifth of the template time of a ministry's Min side with its 200 titles."""
    try:
        n = int(lengde)
    except ValueError:
        return value
    if n > 0:
        tekst = unicodedata.normalize("NFC", value)  # as Truncator.chars does first
        if len(tekst) <= n:  # combining marks only make the count smaller: nothing to cut
            return tekst
    return Truncator(value).chars(n)


@register.simple_tag(takes_context=True)
def url_med(context, **kwargs) -> str:
    """The current query string with some parameters replaced (sorting, paging)."""
    params = context["request"].GET.copy()
    for key, value in kwargs.items():
        if value in (None, ""):
            params.pop(key, None)
        else:
            params[key] = value
    return "?" + params.urlencode() if params else "?"


@register.filter(needs_autoescape=True)
def ubrutt(value, autoescape=True) -> str:
    """No line break inside an oppdrag number ("2024-01") or an amount ("291 400 000 kr")."""
    from kjerne.typografi import ubrutt as _ubrutt

    return _ubrutt(value, autoescape=autoescape)
