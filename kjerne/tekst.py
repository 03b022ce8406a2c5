"""Text from source documents as paragraphs.

Letters copied from PDF keep the PDF's hard line breaks ("... og Innst. \\n16 S (2023-2024). AID ..."):
the text reads ragged, worst on a phone. :func:`avsnitt` joins the lines of each paragraph and keeps
what is structure: blank lines between paragraphs, list items ("- ", "• ", "1. ", "a) ") and table
rows (cells separated by tabs) on lines of their own. Used when the demo is built (fixtures/build.py) and when a letter is imported
(arkiv/innlesing.py).
"""

from __future__ import annotations

import re

_AVSNITTSKILLE = re.compile(r"\n[ \t]*\n+")
# A line that starts a list item. Numbers only count after a line that ends a sentence or an
# introduction ("... som følger:"), so that "innen \n31. desember" stays one sentence.
_PUNKT = re.compile(r"^\s*(?:[-–•*▪◦·o]\s|\(?[a-zæøå]\)\s)")
_NUMMERPUNKT = re.compile(r"^\s*\d{1,2}[.)]\s")
_SETNINGSSLUTT = re.compile(r"[.:;!?]\s*$")


def _slaa_sammen(linjer: list[str]) -> str:
    ut: list[str] = []
    forrige_raa = ""
    forrige_punkt = False
    for raa in linjer:
        linje = raa.strip(" \r")
        if not linje.strip():
            continue
        punkt = bool(_PUNKT.match(linje)) or bool(
            _NUMMERPUNKT.match(linje) and (not ut or forrige_punkt or _SETNINGSSLUTT.search(ut[-1])))
        if not ut:
            ut.append(linje)
            forrige_punkt = punkt
        elif punkt or "\t" in raa or "\t" in forrige_raa:  # a list item, or a table row (cells by tabs)
            ut.append("\n" + linje)
            forrige_punkt = punkt
        else:
            # A hyphen or dash right at the end of the line, with no space before the break, joins a
            # word split at its hyphen ("FoU-" + "post", "(2023–" + "2024)"); with a space it was
            # "mangfolds- og inkluderingsperspektiver", and the space stays.
            rett_paa = forrige_raa.rstrip("\r")[-1:] in ("-", "–", "/")
            ut.append(linje if rett_paa else " " + linje)
        forrige_raa = raa
    return "".join(ut)


def avsnitt(tekst: str) -> str:
    """The text with each paragraph's hard line breaks joined; paragraphs and list items kept."""
    if not tekst or "\n" not in tekst:
        return tekst
    tekst = tekst.replace("\r\n", "\n").replace("\r", "\n")
    return "\n\n".join(filter(None, (_slaa_sammen(del_.split("\n")) for del_ in _AVSNITTSKILLE.split(tekst.strip()))))


#: Fields of the archive format (docs/arkivformat.md) that hold running text from the letter.
PROSAFELT = frozenset({
    "tekst", "tittel", "bakgrunn", "beskrivelse", "formaal", "rapportering", "rapporteringskriterier",
    "tilleggsinformasjon", "overskrift", "overskrift_nye_oppdrag", "overskrift_tidligere_oppdrag",
    "erstatter_tekst",
})
#: Parts whose line breaks are the layout itself (the address block, the signatures) or that are
#: read as data line by line (frister and milepæler: "Del 1: …" on each line).
BEHOLD_LINJER = frozenset({"brevhode", "signaturer", "elektronisk_signert_tekst", "frister", "milepaeler"})


def avsnitt_i(data):
    """A copy of archive-format data with :func:`avsnitt` applied to every running-text field."""
    if isinstance(data, dict):
        return {k: (v if k in BEHOLD_LINJER else
                    avsnitt(v) if k in PROSAFELT and isinstance(v, str) else avsnitt_i(v))
                for k, v in data.items()}
    if isinstance(data, list):
        return [avsnitt_i(v) for v in data]
    return data
