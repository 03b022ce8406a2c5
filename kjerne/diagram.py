"""Charts drawn on the server as inline SVG with pygal, from plain data: periods along the x axis and
series of values, one per period. No domain model is imported here (kjerne is the lowest layer);
the apps gather the data and call ``linjediagram`` or ``stablet_stolpediagram``.

pygal styles its output with a ``<style>`` element and a ``<script>``, which the portal's strict
Content-Security-Policy blocks. So the chart is rendered, parsed, and rewritten: the style, script,
tooltip layer, pygal's random ids and its own titles are removed, and every colour, stroke and font
is set as a presentation attribute (allowed by the CSP, and read by WeasyPrint in the PDFs). The
result is an ``<svg role="img">`` with a title and a description that says the values in words;
``Diagram`` also carries them as rows for an equivalent table (templates/kjerne/_diagram.html).
Colour never carries meaning alone: each series has a legend entry with its name, lines have their
own dash pattern, and bars print their count.
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from collections.abc import Sequence
from dataclasses import dataclass, field
from decimal import Decimal

import pygal
from django.utils.safestring import SafeString, mark_safe
from pygal.style import Style

from kjerne.belop import format_tall

SVG = "http://www.w3.org/2000/svg"

TEKST = "#1b1b1b"
DEMPET = "#5c6670"  # 5.9:1 on white
RUTENETT = "#d5dade"
SKRIFT = "DejaVu Sans, Liberation Sans, Arial, sans-serif"

BREDDE = 440
HOYDE = 270

Tall = Decimal | int | float | None


@dataclass(frozen=True)
class Serie:
    """One series: a name for the legend and the table, a value per period (None: no value)."""

    navn: str
    verdier: Sequence[Tall]
    farge: str
    strek: str = ""  # stroke-dasharray of a line ("6 4"); "" is a solid line
    fylt_punkt: bool = True  # a line's points filled, or hollow (drawn in white with a coloured ring)
    tekstfarge: str = TEKST  # the printed counts on a bar


@dataclass
class Diagram:
    """A chart and its text alternative: the SVG, a caption in words, and the values as a table."""

    id: str
    tittel: str
    beskrivelse: str
    perioder: list[str]
    serier: list[Serie]
    svg: SafeString
    enhet: str = ""
    tabellrader: list[tuple[str, list[str]]] = field(default_factory=list)


def format_verdi(verdi: Tall, enhet: str = "") -> str:
    """Decimal("81.500") → "81,5"; with a unit "81,5 prosent"; None → ""."""
    if verdi is None:
        return ""
    normal = Decimal(str(verdi)).normalize()
    desimaler = max(0, -normal.as_tuple().exponent)
    tekst = format_tall(normal, desimaler=desimaler)
    return f"{tekst} {enhet}".strip() if enhet else tekst


def _som_tall(verdi: Tall) -> float | None:
    return None if verdi is None else float(verdi)


def _stil(serier: Sequence[Serie]) -> Style:
    return Style(
        background="#ffffff", plot_background="#ffffff", foreground=TEKST, foreground_strong=TEKST,
        foreground_subtle=DEMPET, colors=tuple(s.farge for s in serier), font_family=SKRIFT,
        label_font_size=13, major_label_font_size=13, legend_font_size=13, value_font_size=13,
        title_font_size=13, opacity="1", opacity_hover="1", stroke_opacity="1", stroke_opacity_hover="1",
    )


def _felles(serier: Sequence[Serie], perioder: Sequence[str], **tillegg) -> dict:
    return tillegg | {
        "style": _stil(serier), "width": BREDDE, "height": HOYDE, "js": [], "css": [],
        "disable_xml_declaration": True, "no_prefix": True, "show_legend": True, "legend_at_bottom": True,
        "legend_at_bottom_columns": min(len(serier), 3), "legend_box_size": 14, "margin": 10,
        "truncate_legend": -1, "truncate_label": -1, "x_labels": list(perioder),
        "formatter": format_verdi, "value_formatter": format_verdi, "no_data_text": "Ingen tall",
        "x_label_rotation": 0 if len(perioder) <= 4 else 30,
        # room for the last period's label, centred on the plot's right edge
        "margin_right": max(16, 4 * len(perioder[-1]) if perioder else 0),
    }


def _q(tag: str) -> str:
    return f"{{{SVG}}}{tag}"


def _klasser(el) -> set[str]:
    return set(el.get("class", "").split())


def _serienummer(klasser: set[str]) -> int | None:
    for k in klasser:
        if m := re.fullmatch(r"color-(\d+)", k):
            return int(m.group(1))
    return None


def _rydd(rot) -> None:
    """Remove what the CSP or the accessibility tree must not see: style, script, the tooltip layer
    (it carries a style attribute), pygal's titles and descriptions and its ids; and empty labels
    (a zero that is not printed)."""
    for forelder in list(rot.iter()):
        for barn in list(forelder):
            klasser = _klasser(barn)
            if barn.tag in (_q("style"), _q("script"), _q("title"), _q("desc"), _q("defs")) \
                    or "tooltip-overlay" in klasser or "titles" in klasser \
                    or (barn.tag == _q("text") and not (barn.text or "").strip() and not len(barn)):
                forelder.remove(barn)
    for el in rot.iter():
        el.attrib.pop("id", None)
        el.attrib.pop("style", None)


def _farg(rot, serier: Sequence[Serie], *, linje: bool) -> None:
    """Presentation attributes in place of pygal's stylesheet."""
    rot.set("font-family", SKRIFT)
    rot.set("font-size", "12")
    rot.set("fill", TEKST)

    def gaa(el, serie: Serie | None, akse: str = ""):
        klasser = _klasser(el)
        if "axis" in klasser:
            akse = "x" if "x" in klasser else "y"
        nr = _serienummer(klasser)
        if nr is not None and nr < len(serier):
            serie = serier[nr]
        if el.tag == _q("rect") and "background" in klasser:
            el.set("fill", "#ffffff")
        elif el.tag == _q("path") and "line" in klasser and serie is None:
            # axes and guides
            el.set("stroke", RUTENETT if "guide" in klasser and "axis" not in klasser else TEKST)
            el.set("stroke-width", "1")
            el.set("fill", "none")
        elif serie is not None and el.tag == _q("path"):
            el.set("fill", "none")
            el.set("stroke", serie.farge)
            el.set("stroke-width", "2.5")
            if serie.strek:
                el.set("stroke-dasharray", serie.strek)
        elif serie is not None and el.tag == _q("circle"):
            el.set("r", "4.5")
            el.set("fill", serie.farge if serie.fylt_punkt else "#ffffff")
            el.set("stroke", serie.farge)
            el.set("stroke-width", "2")
        elif serie is not None and el.tag == _q("rect"):
            el.set("fill", serie.farge)
            el.set("stroke", TEKST)
            el.set("stroke-width", "1")
        elif el.tag == _q("text"):
            if serie is not None and "value" in klasser:
                el.set("fill", serie.tekstfarge)
                el.set("font-weight", "bold")
            else:
                el.set("fill", TEKST)
            # pygal's graph.css: x labels centred under their point (from their start when rotated),
            # y labels ending at the axis
            if akse == "x":
                el.set("text-anchor", "start" if el.get("transform") else "middle")
            elif akse == "y":
                el.set("text-anchor", "end")
            elif "centered" in klasser or "no_data" in klasser:
                el.set("text-anchor", "middle")
        for barn in el:
            gaa(barn, serie, akse)

    for barn in rot:
        gaa(barn, None)
    if linje:
        _linjeforklaring(rot, serier)


def _linjeforklaring(rot, serier: Sequence[Serie]) -> None:
    """A line chart's legend shows each series' line and point, not a coloured square."""
    for gruppe in rot.iter(_q("g")):
        if "legend" not in _klasser(gruppe):
            continue
        boks = gruppe.find(_q("rect"))
        if boks is None:
            continue
        nr = _serienummer(_klasser(boks))
        if nr is None or nr >= len(serier):
            continue
        serie = serier[nr]
        x, y = float(boks.get("x")), float(boks.get("y"))
        b, h = float(boks.get("width")), float(boks.get("height"))
        gruppe.remove(boks)
        strek = ET.Element(_q("line"), {"x1": f"{x - 6:g}", "y1": f"{y + h / 2:g}", "x2": f"{x + b + 2:g}",
                                        "y2": f"{y + h / 2:g}", "stroke": serie.farge, "stroke-width": "2.5"})
        if serie.strek:
            strek.set("stroke-dasharray", serie.strek)
        punkt = ET.Element(_q("circle"), {"cx": f"{x + b / 2 - 2:g}", "cy": f"{y + h / 2:g}", "r": "4.5",
                                          "fill": serie.farge if serie.fylt_punkt else "#ffffff",
                                          "stroke": serie.farge, "stroke-width": "2"})
        gruppe.insert(0, punkt)
        gruppe.insert(0, strek)


def _svg(chart, *, id_: str, tittel: str, beskrivelse: str, serier: Sequence[Serie], linje: bool) -> SafeString:
    rot = ET.fromstring(chart.render(is_unicode=True))
    _rydd(rot)
    _farg(rot, serier, linje=linje)
    rot.set("id", id_)
    rot.set("class", "diagram-svg")
    rot.set("role", "img")
    rot.set("aria-labelledby", f"{id_}-tittel {id_}-beskrivelse")
    rot.set("focusable", "false")
    beskr = ET.Element(_q("desc"), {"id": f"{id_}-beskrivelse"})
    beskr.text = beskrivelse
    rot.insert(0, beskr)
    tit = ET.Element(_q("title"), {"id": f"{id_}-tittel"})
    tit.text = tittel
    rot.insert(0, tit)
    # ElementTree escapes text and attribute values; the markup is built from the tree, not from strings.
    # Plain tag names and the namespace as an attribute: ElementTree would otherwise invent a prefix
    # (ns0:svg), which an HTML page does not read as SVG.
    for el in rot.iter():
        el.tag = el.tag.rpartition("}")[2]
    rot.set("xmlns", SVG)
    return mark_safe(ET.tostring(rot, encoding="unicode"))  # noqa: S308


def _serie_i_ord(serie: Serie, perioder: Sequence[str], enhet: str) -> str:
    deler = [f"{p}: {format_verdi(v, enhet)}" for p, v in zip(perioder, serie.verdier, strict=True) if v is not None]
    return f"{serie.navn} – " + ("; ".join(deler) if deler else "ingen tall") + "."


def _sjekk(perioder: Sequence[str], serier: Sequence[Serie]) -> None:
    for s in serier:
        if len(s.verdier) != len(perioder):
            raise ValueError(f"Serien «{s.navn}» har {len(s.verdier)} verdier for {len(perioder)} perioder.")


def linjediagram(*, id_: str, tittel: str, perioder: Sequence[str], serier: Sequence[Serie], enhet: str = "",
                 innledning: str = "") -> Diagram:
    """Values over periods as lines with points; the description lists every value in words."""
    _sjekk(perioder, serier)
    tall = [float(v) for s in serier for v in s.verdier if v is not None]
    lav, hoy = (min(tall), max(tall)) if tall else (0.0, 1.0)
    luft = (hoy - lav) * 0.1 or abs(hoy) * 0.1 or 1.0  # points off the plot's edges
    chart = pygal.Line(**_felles(serier, perioder, show_minor_y_labels=True), allow_interruptions=False,
                       dots_size=4.5, print_values=False, include_x_axis=False, range=(lav - luft, hoy + luft),
                       min_scale=3, max_scale=6)
    for s in serier:
        chart.add(s.navn, [_som_tall(v) for v in s.verdier])
    beskrivelse = " ".join(filter(None, [innledning] + [_serie_i_ord(s, perioder, enhet) for s in serier]))
    return Diagram(
        id=id_, tittel=tittel, beskrivelse=beskrivelse, perioder=list(perioder), serier=list(serier), enhet=enhet,
        svg=_svg(chart, id_=id_, tittel=tittel, beskrivelse=beskrivelse, serier=serier, linje=True),
        tabellrader=[(s.navn, [format_verdi(v, enhet) or "–" for v in s.verdier]) for s in serier],
    )


def stablet_stolpediagram(*, id_: str, tittel: str, perioder: Sequence[str], serier: Sequence[Serie],
                          innledning: str = "") -> Diagram:
    """Counts per period stacked in one bar per period, each part printed with its count."""
    _sjekk(perioder, serier)
    hoyeste = max((sum(s.verdier[i] or 0 for s in serier) for i in range(len(perioder))), default=0)
    steg = max(1, -(-int(hoyeste) // 5))  # whole counts on the y axis, at most about six labels
    chart = pygal.StackedBar(**_felles(serier, perioder, show_minor_y_labels=True), print_values=True, print_zeroes=False,
                             print_values_position="center", include_x_axis=True,
                             y_labels=list(range(0, int(hoyeste) + steg, steg)))
    for s in serier:
        chart.add(s.navn, [_som_tall(v) for v in s.verdier])
    per_periode = []
    for i, p in enumerate(perioder):
        deler = [f"{format_verdi(s.verdier[i] or 0)} {s.navn.lower()}" for s in serier]
        per_periode.append(f"{p}: " + ", ".join(deler) + ".")
    beskrivelse = " ".join(filter(None, [innledning] + per_periode))
    return Diagram(
        id=id_, tittel=tittel, beskrivelse=beskrivelse, perioder=list(perioder), serier=list(serier),
        svg=_svg(chart, id_=id_, tittel=tittel, beskrivelse=beskrivelse, serier=serier, linje=False),
        tabellrader=[(s.navn, [format_verdi(v or 0) for v in s.verdier]) for s in serier],
    )
