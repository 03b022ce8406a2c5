"""The letter's own red/yellow/green definitions in templates (letter page, PDF, report)."""

from __future__ import annotations

from django import template

from oppdrag.models import Risiko
from oppdrag.risiko import Definisjoner, egne_definisjoner, for_brev

register = template.Library()


@register.filter
def egne_risikodefinisjoner(brev) -> list[tuple[str, str, str]]:
    """(colour value, label, definition) from red to green, as the letter states them; [] when it
    uses the instruks's. Reads the prefetched rows when the page prefetched them."""
    navn = dict(Risiko.choices)
    return [(farge, navn[farge], tekst) for farge, tekst in egne_definisjoner(brev).items()]


@register.filter
def risikodefinisjoner_i_kraft(brev) -> Definisjoner:
    """The definitions a report on ``brev``'s year uses: the letter's own once it is sent, else the
    instruks's (``.kilde`` says which, ``.rader`` lists them from red to green)."""
    return for_brev(brev)
