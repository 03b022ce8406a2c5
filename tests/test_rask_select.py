"""kjerne.skjemavisning.RaskSelect writes a select in Python: byte for byte what Django's Select
gives through the portal's form renderer (its templates, and any override of them in templates/)."""

from __future__ import annotations

import pytest
from django import forms
from django.utils.safestring import mark_safe
from django.utils.translation import gettext_lazy

from brukere.models import Rolle
from kjerne.skjemavisning import RaskSelect
from oppdrag.filters import OppdragFilter
from oppdrag.models import Oppdrag
from tests.factories import OppdragFactory, UserFactory

VALG = [("", "Alle"), ("null", "Uten ansvarlig"), (1, "Én & to"), ("<x>", 'Sitat "x"'), (2024, 2024),
        ("lat", gettext_lazy("Levert")), ("trygg", mark_safe("<b>fet</b>")), (("a", 1), "tuppel")]
GRUPPER = [("", "Ingen"), ("Gruppe <1>", [("a", "A"), ("b", "B & C")]), ("Gruppe 2", [(3, "Tre")]), ("z", "Z")]


@pytest.mark.parametrize("choices", [VALG, GRUPPER, []])
@pytest.mark.parametrize("value", [None, "", "null", 1, "1", "<x>", 2024, "b", 3, ["a", "z"]])
@pytest.mark.parametrize("attrs", [None, {"class": "ds-input", "id": "id_felt"},
                                   {"id": "id_f", "required": True, "disabled": False, "data-x": 'a"<b>&',
                                    "aria-describedby": mark_safe("a&amp;b"), "tall": 0, "ingen": None}])
def test_som_djangos_select(choices, value, attrs):
    django_select, rask = forms.Select(choices=choices), RaskSelect(choices=choices)
    from django.forms.renderers import get_default_renderer

    renderer = get_default_renderer()
    forventet = django_select.render("felt<&>", value, attrs=attrs, renderer=renderer)
    assert rask.render("felt<&>", value, attrs=attrs, renderer=renderer) == forventet
    assert rask.render("felt", value, attrs=attrs) == django_select.render("felt", value, attrs=attrs)


def test_som_djangos_select_med_egne_attributter_paa_widgeten():
    attrs = {"class": "a b", "hx-get": "/oppdrag/?a=1&b=2"}
    assert (RaskSelect(attrs=attrs, choices=VALG).render("x", "null")
            == forms.Select(attrs=attrs, choices=VALG).render("x", "null"))


@pytest.mark.django_db
@pytest.mark.parametrize("data", [{}, {"ansvarlig": "null", "aar": "2024"}, {"virksomhet": "1", "ansvarlig": "2"},
                                  {"aar": "abc", "status": "zz", "ansvarlig": "x", "sorter": "frist"}])
def test_oppdragsfilterets_skjema_som_med_djangos_select(rf, data):
    """The oppdrag list's selects (model choices with their queries, the null choice, errors)."""
    o = OppdragFactory()
    OppdragFactory(virksomhet=o.virksomhet, ansvarlig=UserFactory(first_name="Ola <b>", last_name="Nordmann"))
    bruker = UserFactory(rolle=Rolle.ADMINISTRATOR)
    request = rf.get("/oppdrag/", data)
    request.user = bruker
    rask = OppdragFilter(request.GET, queryset=Oppdrag.objects.for_user(bruker), request=request).form
    vanlig = OppdragFilter(request.GET, queryset=Oppdrag.objects.for_user(bruker), request=request).form
    for felt in vanlig.fields.values():
        if isinstance(felt.widget, RaskSelect):
            felt.widget.__class__ = forms.Select
    rask.is_valid(), vanlig.is_valid()
    antall = 0
    for navn, felt in rask.fields.items():
        if isinstance(felt.widget, RaskSelect):
            antall += 1
            assert str(rask[navn]) == str(vanlig[navn]), navn
    assert antall == 10
