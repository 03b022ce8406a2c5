"""``{{ del.tekst|rik_tekst }}``: a report part's text as sanitised HTML (rapportering.rik_tekst)."""

from django import template

from rapportering.rik_tekst import til_visning

register = template.Library()


@register.filter
def rik_tekst(tekst: str):
    return til_visning(tekst)
