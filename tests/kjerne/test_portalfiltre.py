"""The template filters that stand in for Django's own give Django's result, character for character."""

import pytest
from django.template import Context, Template
from django.template.defaultfilters import truncatechars
from django.utils.safestring import SafeString, mark_safe

from kjerne.templatetags.portal import forkort, risiko

TEKSTER = [
    "",
    "Kort tittel",
    "x" * 140,
    "x" * 141,
    "Oppdrag 2024-05 Opprette informasjonsside om ordningen for bosetting av flyktninger i kommunene " * 3,
    "e\u0301" * 150,  # 150 letters written with combining accents (NFD): 300 code points, 150 characters
    "e\u0301" * 70 + "y" * 72,  # 142 characters after NFC
    "Å" * 139 + "a\u030a",  # 140 characters, the last written decomposed
    "Linje én\nlinje to\t og <b>tagger</b> & tegn",
]


@pytest.mark.parametrize("tekst", TEKSTER)
@pytest.mark.parametrize("lengde", [0, 1, 3, 140, 200, "x"])
def test_forkort_gives_what_truncatechars_gives(tekst, lengde):
    assert forkort(tekst, lengde) == truncatechars(tekst, lengde)


@pytest.mark.parametrize("tekst", [mark_safe("<b>trygg</b> tekst"), mark_safe("<i>" + "y" * 200 + "</i>")])
def test_forkort_keeps_safe_input_safe_as_truncatechars_does(tekst):
    mal = "{% load portal %}{{ t|forkort:140 }}|{{ t|truncatechars:140 }}"
    ut = Template(mal).render(Context({"t": tekst}))
    forkortet, django = ut.split("|")
    assert forkortet == django
    assert isinstance(forkort(tekst, 140), str)


@pytest.mark.parametrize("verdi", ["rod", "gul", "gronn", "", None, "ukjent"])
def test_risiko_marker_is_the_same_html_every_time(verdi):
    forste, andre = risiko(verdi), risiko(verdi)
    assert forste == andre and isinstance(forste, SafeString)
    assert 'class="risiko risiko-' in forste
