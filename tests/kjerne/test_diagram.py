"""kjerne/diagram.py: charts as inline SVG that pass the strict CSP (no style, no script), with the
values where they belong and the same content in words and as table rows."""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from decimal import Decimal

import pytest

from kjerne.diagram import DEMPET, Serie, format_verdi, linjediagram, stablet_stolpediagram

NS = {"s": "http://www.w3.org/2000/svg"}


def _linje():
    return linjediagram(
        id_="sp-1", tittel="SP 1: Andel i arbeid", enhet="prosent",
        perioder=["2014", "2023", "Halvår 2024", "2024"],
        serier=[Serie("Resultat", [None, Decimal("78.5"), Decimal("80"), Decimal("91.25")], "#0b4f8a"),
                Serie("Resultatkrav", [None, 75, None, 80], "#1d6b2a", strek="7 4", fylt_punkt=False),
                Serie("Utgangspunkt", [49, None, None, None], DEMPET, strek="2 3")],
        innledning="Resultatet for SP 1 i hver rapport.")


def _stolper():
    return stablet_stolpediagram(
        id_="maal-1-risiko", tittel="Mål 1: rød, gul og grønn per rapport", perioder=["2023", "Halvår 2024"],
        serier=[Serie("Rød", [1, 0], "#f4b5ae"), Serie("Gul", [2, 3], "#ffe8a3"), Serie("Grønn", [5, 4], "#cde9d2")])


def _rot(diagram):
    return ET.fromstring(str(diagram.svg))  # well-formed XML, or this raises


def _serie(rot, nr: int, lag: str = ""):
    """Series ``nr`` in a plot layer: the lines and bars (""), the points ("overlay") or the printed
    values ("text-overlay")."""
    klasser = {"plot", lag} - {""}
    for g in rot.iter(f"{{{NS['s']}}}g"):
        if set(g.get("class", "").split()) == klasser:
            for s in g.findall("s:g", NS):
                if f"serie-{nr}" in s.get("class", "").split():
                    return s
    raise AssertionError(f"no series {nr} in the layer «{lag}»")


@pytest.mark.parametrize("lag", [_linje, _stolper])
def test_svg_passes_the_csp_and_names_itself(lag):
    d = lag()
    svg = str(d.svg)
    rot = _rot(d)
    assert rot.tag == "{http://www.w3.org/2000/svg}svg" and svg.startswith("<svg ")
    assert "ns0:" not in svg
    for forbudt in ("<style", "<script", "style=", "javascript", "xml-stylesheet", "<?xml", "http://pygal"):
        assert forbudt not in svg, forbudt
    assert rot.get("role") == "img"
    tittel_id, beskrivelse_id = rot.get("aria-labelledby").split()
    assert rot.find(f"s:title[@id='{tittel_id}']", NS).text == d.tittel
    assert rot.find(f"s:desc[@id='{beskrivelse_id}']", NS).text == d.beskrivelse
    # pygal's random chart and legend ids are gone; only ours remain, all unique
    ider = [el.get("id") for el in rot.iter() if el.get("id")]
    assert ider == [d.id, tittel_id, beskrivelse_id]
    # colours and fonts are presentation attributes
    assert rot.get("font-family") and rot.get("fill") == "#1b1b1b"
    assert str(lag().svg) == svg  # the same data gives the same markup (no random ids)


def test_line_chart_places_the_values_and_tells_them_in_words():
    d = _linje()
    rot = _rot(d)
    punkter = _serie(rot, 0, "overlay").findall(".//s:circle", NS)
    assert len(punkter) == 3  # three results; the period without one has no point
    assert all(p.get("fill") == "#0b4f8a" for p in punkter)
    y = [float(p.get("cy")) for p in punkter]
    assert y[0] > y[1] > y[2]  # 78,5 < 80 < 91,25: higher values stand higher (smaller y)
    x = [float(p.get("cx")) for p in punkter]
    assert x[0] < x[1] < x[2]
    krav = _serie(rot, 1, "overlay").findall(".//s:circle", NS)
    assert [p.get("fill") for p in krav] == ["#ffffff", "#ffffff"]  # hollow: not told apart by colour alone
    linje = _serie(rot, 1).find(".//s:path", NS)
    assert linje.get("stroke-dasharray") == "7 4" and linje.get("fill") == "none"
    # the legend draws each series' line style with its name
    forklaring = [g for g in rot.iter(f"{{{NS['s']}}}g") if "legend" in g.get("class", "").split()]
    assert [g.find("s:text", NS).text for g in forklaring] == ["Resultat", "Resultatkrav", "Utgangspunkt"]
    assert [g.find("s:line", NS).get("stroke-dasharray") for g in forklaring] == [None, "7 4", "2 3"]
    assert d.beskrivelse == (
        "Resultatet for SP 1 i hver rapport. "
        "Resultat – 2023: 78,5 prosent; Halvår 2024: 80 prosent; 2024: 91,25 prosent. "
        "Resultatkrav – 2023: 75 prosent; 2024: 80 prosent. Utgangspunkt – 2014: 49 prosent.")
    assert d.tabellrader == [
        ("Resultat", ["–", "78,5 prosent", "80 prosent", "91,25 prosent"]),
        ("Resultatkrav", ["–", "75 prosent", "–", "80 prosent"]),
        ("Utgangspunkt", ["49 prosent", "–", "–", "–"]),
    ]
    tekst = " ".join(t.text or "" for t in rot.iter(f"{{{NS['s']}}}text"))
    for periode in d.perioder:
        assert periode in tekst


def test_stacked_bars_print_each_count_and_stack_in_order():
    d = _stolper()
    rot = _rot(d)
    verdier = {nr: [t.text for t in _serie(rot, nr, "text-overlay").findall("s:text", NS)] for nr in range(3)}
    assert verdier == {0: ["1"], 1: ["2", "3"], 2: ["5", "4"]}  # a zero prints nothing
    rod, gul, gronn = (_serie(rot, nr).findall(".//s:rect", NS) for nr in range(3))
    assert [r.get("fill") for r in (rod[0], gul[0], gronn[0])] == ["#f4b5ae", "#ffe8a3", "#cde9d2"]
    assert all(r.get("stroke") == "#1b1b1b" for r in rod + gul + gronn)  # the outline carries the contrast
    hoyde = [float(r.get("height")) for r in (rod[0], gul[0], gronn[0])]
    assert hoyde[1] == pytest.approx(2 * hoyde[0]) and hoyde[2] == pytest.approx(5 * hoyde[0])
    # stacked: yellow sits on red, green on yellow
    assert float(gul[0].get("y")) + hoyde[1] == pytest.approx(float(rod[0].get("y")))
    assert float(gronn[0].get("y")) + hoyde[2] == pytest.approx(float(gul[0].get("y")))
    etiketter = [t.text for t in rot.iter(f"{{{NS['s']}}}text") if t.text and re.fullmatch(r"\d+", t.text)]
    assert "8" in etiketter  # whole counts on the axis up to the tallest bar (1 + 2 + 5)
    assert d.beskrivelse == "2023: 1 rød, 2 gul, 5 grønn. Halvår 2024: 0 rød, 3 gul, 4 grønn."
    assert d.tabellrader == [("Rød", ["1", "0"]), ("Gul", ["2", "3"]), ("Grønn", ["5", "4"])]


def test_text_is_escaped_and_lengths_must_match():
    d = stablet_stolpediagram(id_="x", tittel="<script>alert(1)</script> & co", perioder=["<b>2024</b>"],
                              serier=[Serie("Rød", [1], "#f4b5ae")])
    assert "<script>" not in str(d.svg) and "&lt;script&gt;" in str(d.svg) and "&amp; co" in str(d.svg)
    assert "<b>" not in str(d.svg)
    with pytest.raises(ValueError, match="Serien «Rød» har 2 verdier for 1 perioder"):
        stablet_stolpediagram(id_="y", tittel="t", perioder=["2024"], serier=[Serie("Rød", [1, 2], "#f4b5ae")])


def test_format_verdi_is_norwegian():
    assert format_verdi(Decimal("1234.500"), "kr") == "1 234,5 kr"
    assert format_verdi(Decimal("70.000")) == "70"
    assert format_verdi(None) == ""


def test_axis_labels_are_anchored_without_a_stylesheet():
    rot = _rot(_linje())
    for g in rot.iter(f"{{{NS['s']}}}g"):
        klasser = g.get("class", "").split()
        if "axis" in klasser:
            anker = {t.get("text-anchor") for t in g.iter(f"{{{NS['s']}}}text")}
            assert anker == ({"middle"} if "x" in klasser else {"end"}), klasser
