"""The oppdrag list as an Excel workbook: the rows the list's filters give, all of them."""

from __future__ import annotations

from io import BytesIO

from openpyxl import Workbook
from openpyxl.styles import Alignment, Font
from openpyxl.utils import get_column_letter

from kjerne.regneark import legg_til_rad
from kjerne.tid import lokal_dato

KOLONNER = [
    ("Nummer", 12), ("Tittel", 60), ("Virksomhet", 14), ("Gitt år", 9), ("Mål", 40), ("Neste frist", 13),
    ("Frist (tekst)", 30), ("Status", 14), ("Risiko", 13), ("Ansvarlig", 24), ("FoU", 11), ("Sist oppdatert", 15),
    ("Samarbeidspartnere", 30),
]
DATOFORMAT = "dd.mm.yyyy"


def _rad(o) -> list:
    frist = getattr(o, "neste_frist", None)
    sist = getattr(o, "sist_oppdatert", None)
    maal = str(o.maal) if o.maal_id else ""
    return [
        o.nummer, o.tittel, o.virksomhet.kortnavn, o.aar, maal,
        frist[0] if frist else None,
        frist[1] if frist else "",
        o.get_status_display(), o.get_risiko_display(),
        str(o.ansvarlig) if o.ansvarlig_id else "",
        o.get_fou_display() if o.fou else "",
        lokal_dato(sist),
        ", ".join(p.navn for p in o.samarbeidspartnere.all()),
    ]


def oppdrag_xlsx(rader) -> bytes:
    """Header in bold and frozen, an autofilter over all columns, dates as real date cells."""
    wb = Workbook()
    ws = wb.active
    ws.title = "Oppdrag"
    for celle in legg_til_rad(ws, [navn for navn, _ in KOLONNER]):
        celle.font = Font(bold=True)
        celle.alignment = Alignment(vertical="top")
    for o in rader:
        # Text typed by people is text: "=HYPERLINK(…)" in a title must not become a formula.
        legg_til_rad(ws, _rad(o))
    for i, (_, bredde) in enumerate(KOLONNER, start=1):
        ws.column_dimensions[get_column_letter(i)].width = bredde
    for kolonne in ("F", "L"):
        for celle in ws[kolonne][1:]:
            celle.number_format = DATOFORMAT
    for celle in ws["B"][1:]:
        celle.alignment = Alignment(wrap_text=True, vertical="top")
    ws.freeze_panes = "A2"
    ws.auto_filter.ref = f"A1:{get_column_letter(len(KOLONNER))}{max(ws.max_row, 1)}"
    buffer = BytesIO()
    wb.save(buffer)
    return buffer.getvalue()
