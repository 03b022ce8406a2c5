"""The 5×5 risk matrix, drawn on the server as inline SVG (no JavaScript; WeasyPrint renders it in
the PDFs), with the same content as a table for screen readers.

Rows are likelihood (5 at the top), columns consequence (1 at the left). A cell is coloured by its
level (``models.nivaa``: lav green, middels yellow, høy red) and holds a numbered marker per risk
(R1, R2 …); more than four risks in one cell show three and «+n». Colours are presentation
attributes, not style attributes, so the strict Content-Security-Policy allows them.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString, mark_safe

from .models import KONSEKVENS_TEKST, SANNSYNLIGHET_TEKST, SKALA, Nivaa, nivaa

FARGE = {Nivaa.LAV: "#cde9d2", Nivaa.MIDDELS: "#ffe8a3", Nivaa.HOY: "#f4b5ae"}
KANT = "#5c6670"
MARKOR = "#13212e"

CELLE = 56
VENSTRE = 64  # room for the likelihood labels
TOPP = 8
BUNN = 52  # room for the consequence labels
BREDDE = VENSTRE + 5 * CELLE + 8
HOYDE = TOPP + 5 * CELLE + BUNN
MAKS_I_CELLE = 4


@dataclass
class Celle:
    sannsynlighet: int
    konsekvens: int
    nivaa: Nivaa
    risikoer: list = field(default_factory=list)

    @property
    def koder(self) -> str:
        return ", ".join(r.kode for r in self.risikoer)


@dataclass
class Matrise:
    tittel: str
    rader: list[list[Celle]]  # likelihood 5 → 1, each consequence 1 → 5
    svg: SafeString
    antall: int

    @property
    def konsekvenser(self):
        return [(k, KONSEKVENS_TEKST[k]) for k in SKALA]


def _plasser(risikoer, *, etter_tiltak: bool) -> list[list[Celle]]:
    celler = {(s, k): Celle(s, k, nivaa(s, k)) for s in SKALA for k in SKALA}
    for r in risikoer:
        s, k = (r.rest_sannsynlighet, r.rest_konsekvens) if etter_tiltak else (r.sannsynlighet, r.konsekvens)
        celler[(s, k)].risikoer.append(r)
    return [[celler[(s, k)] for k in SKALA] for s in reversed(SKALA)]


def _markorer(celle: Celle, x: int, y: int) -> str:
    vis = celle.risikoer if len(celle.risikoer) <= MAKS_I_CELLE else celle.risikoer[:MAKS_I_CELLE - 1]
    deler = []
    for i, r in enumerate(vis):
        cx = x + 15 + (i % 2) * 26
        cy = y + 15 + (i // 2) * 26
        deler.append(format_html(
            '<g class="risikomarkor"><circle cx="{}" cy="{}" r="12" fill="{}"/>'
            '<text x="{}" y="{}" text-anchor="middle" font-size="10" font-weight="bold" fill="#ffffff">{}</text></g>',
            cx, cy, MARKOR, cx, cy + 3.5, r.kode))
    if len(celle.risikoer) > MAKS_I_CELLE:
        cx, cy = x + 41, y + 41
        deler.append(format_html(
            '<text x="{}" y="{}" text-anchor="middle" font-size="11" font-weight="bold" fill="{}">+{}</text>',
            cx, cy + 4, MARKOR, len(celle.risikoer) - len(vis)))
    return "".join(deler)


def _svg(rader: list[list[Celle]], *, tittel: str, id_: str, antall: int) -> SafeString:
    celler = []
    for i, rad in enumerate(rader):
        for j, celle in enumerate(rad):
            x, y = VENSTRE + j * CELLE, TOPP + i * CELLE
            celler.append(format_html(
                '<rect x="{}" y="{}" width="{}" height="{}" fill="{}" stroke="{}" stroke-width="1"/>{}',
                x, y, CELLE, CELLE, FARGE[celle.nivaa], KANT, mark_safe(_markorer(celle, x, y))))
    ytekster = format_html_join("", '<text x="{}" y="{}" text-anchor="end" font-size="11" fill="#1b1b1b">{}</text>',
                                ((VENSTRE - 8, TOPP + i * CELLE + CELLE // 2 + 4, s)
                                 for i, s in enumerate(reversed(SKALA))))
    xtekster = format_html_join("", '<text x="{}" y="{}" text-anchor="middle" font-size="11" fill="#1b1b1b">{}</text>',
                                ((VENSTRE + j * CELLE + CELLE // 2, TOPP + 5 * CELLE + 16, k)
                                 for j, k in enumerate(SKALA)))
    beskrivelse = (f"{antall} risiko{'er' if antall != 1 else ''} plassert etter sannsynlighet (loddrett, 1–5) og "
                   "konsekvens (vannrett, 1–5). Grønt er lav, gult middels og rødt høy risiko. "
                   "Tabellen etter figuren har det samme innholdet.")
    return format_html(
        '<svg class="risikomatrise" xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {b} {h}" width="{b}" height="{h}" '
        'role="img" aria-labelledby="{id}-tittel {id}-beskrivelse">'
        '<title id="{id}-tittel">{tittel}</title><desc id="{id}-beskrivelse">{beskrivelse}</desc>'
        '{celler}{y}{x}'
        '<text x="{xm}" y="{xl}" text-anchor="middle" font-size="12" font-weight="bold" fill="#1b1b1b">Konsekvens →</text>'
        '<text x="14" y="{ym}" text-anchor="middle" font-size="12" font-weight="bold" fill="#1b1b1b" '
        'transform="rotate(-90 14 {ym})">Sannsynlighet →</text>'
        '</svg>',
        b=BREDDE, h=HOYDE, id=id_, tittel=tittel, beskrivelse=beskrivelse, celler=mark_safe("".join(celler)),
        y=ytekster, x=xtekster, xm=VENSTRE + 5 * CELLE // 2, xl=TOPP + 5 * CELLE + 40,
        ym=TOPP + 5 * CELLE // 2)


def risikomatrise(risikoer, *, etter_tiltak: bool = False, id_: str = "matrise") -> Matrise:
    """The matrix of ``risikoer`` before measures, or after them (the residual risk)."""
    risikoer = list(risikoer)
    tittel = "Risikomatrise etter tiltak (restrisiko)" if etter_tiltak else "Risikomatrise før tiltak"
    rader = _plasser(risikoer, etter_tiltak=etter_tiltak)
    return Matrise(tittel=tittel, rader=rader, svg=_svg(rader, tittel=tittel, id_=id_, antall=len(risikoer)),
                   antall=len(risikoer))


def sannsynlighet_tekst(verdi: int) -> str:
    return SANNSYNLIGHET_TEKST.get(verdi, "")
