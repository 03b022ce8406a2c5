"""Spreadsheet cells from text people typed: always text, never a formula.

Every workbook the portal builds (the oppdrag list, a letter's budget) writes its cells through
this module. A title such as ``=HYPERLINK("http://…","klikk")``, ``+1``, ``-2`` or ``@SUM(A1)``
would otherwise become a live formula when opened in Excel or LibreOffice ("formula injection").

How it is neutralised: openpyxl turns any ``str`` that starts with ``=`` into a formula cell. Here
every ``str`` is written as a string cell (``data_type "s"``, stored as an inline string, which no
spreadsheet evaluates), and one that starts with a formula character (``= + - @``, tab, CR) also
gets the cell style's *quotePrefix*: the spreadsheet's own way of saying "typed with a leading
apostrophe", so the cell stays text even when someone edits it, while it shows exactly what was
typed (no visible apostrophe). Reopened with openpyxl, such a cell has ``data_type == "s"`` and
the original text as its value. Numbers, dates and ``None`` are written as they are, so a negative
amount stays a number.

Formulas the code builds itself (sum rows) are written with :func:`formel`, the one way in.
The module imports nothing from the domain, so every app can use it.
"""

from __future__ import annotations

from collections.abc import Iterable

from django.utils.functional import Promise
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE, Cell
from openpyxl.worksheet.worksheet import Worksheet

#: A cell whose text starts with one of these is read as a formula (or DDE) by some spreadsheet.
FORMELTEGN = ("=", "+", "-", "@", "\t", "\r")
#: The most characters an Excel cell holds; longer text makes Excel "repair" the file.
MAKS_TEGN = 32_767


def er_formelaktig(tekst: str) -> bool:
    """True when a spreadsheet could read the text as a formula."""
    return tekst.startswith(FORMELTEGN)


def ren_tekst(tekst: str) -> str:
    """Text a workbook can hold: control characters the file format forbids removed (openpyxl
    refuses them with an exception), line breaks as a spreadsheet writes them (XML would turn a
    lone CR into LF anyway), and cut to what a cell holds."""
    tekst = ILLEGAL_CHARACTERS_RE.sub("", tekst).replace("\r\n", "\n").replace("\r", "\n")
    if len(tekst) > MAKS_TEGN:
        tekst = tekst[: MAKS_TEGN - 1] + "…"
    return tekst


def _som_tekst(celle: Cell, tekst: str) -> Cell:
    tekst = ren_tekst(tekst)
    celle.value = tekst
    celle.data_type = "s"  # openpyxl made "=…" a formula; it is text
    if er_formelaktig(tekst):
        celle.quotePrefix = True
    return celle


def _verdi(verdi):
    # A lazy translation (a model's choice label) is text too.
    return str(verdi) if isinstance(verdi, Promise) else verdi


def celle(ws: Worksheet, verdi) -> Cell:
    """A cell for ``ws.append``: text is text; numbers, dates and None are kept as they are."""
    verdi = _verdi(verdi)
    if isinstance(verdi, Cell):
        return verdi
    c = Cell(ws)
    if isinstance(verdi, str):
        return _som_tekst(c, verdi)
    c.value = verdi
    return c


def legg_til_rad(ws: Worksheet, verdier: Iterable = ()) -> list[Cell]:
    """Append one row (an empty one for no values); returns its cells, so the caller can style them."""
    celler = [celle(ws, v) for v in verdier]
    ws.append(celler)
    return celler


def sett(ws: Worksheet, rad: int, kolonne: int, verdi) -> Cell:
    """Write one cell at (row, column), with the same rules as :func:`legg_til_rad`."""
    c = ws.cell(rad, kolonne)
    verdi = _verdi(verdi)
    if isinstance(verdi, str):
        return _som_tekst(c, verdi)
    c.value = verdi
    return c


def formel(ws: Worksheet, rad: int, kolonne: int, uttrykk: str) -> Cell:
    """A formula the code built (``=SUM(C5:C7)``); never pass text a person typed."""
    if not uttrykk.startswith("="):
        raise ValueError(f"En formel begynner med «=»: {uttrykk!r}")
    c = ws.cell(rad, kolonne)
    c.value = uttrykk
    return c
