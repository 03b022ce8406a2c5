"""The letter's budget tables as an Excel workbook: one sheet per budget chapter, the posts with
what the letter allocated, the changes from sent tillegg and the current amount, and sum rows
as formulas (so the sheet stays right when someone edits a cell)."""

from __future__ import annotations

from io import BytesIO

from openpyxl import Workbook
from openpyxl.styles import Alignment, Font
from openpyxl.utils import get_column_letter

from brev.brevvisning import Brevvisning
from kjerne.regneark import formel, legg_til_rad

#: Excel stores number formats in the invariant (en-US) syntax; "#,##0" is shown with the reader's
#: thousands separator, i.e. "37 510 000" in Norwegian Excel and LibreOffice.
TALLFORMAT = "#,##0"
KOLONNER = ("Post", "Betegnelse", "Tildelt i brevet (kr)", "Endring i tillegg (kr)", "Gjeldende (kr)",
            "Endret i tillegg / merknad")


def budsjett_arbeidsbok(v: Brevvisning) -> bytes:
    brev = v.brev
    wb = Workbook()
    wb.remove(wb.active)
    bold = Font(bold=True)
    if not v.budsjett:
        ws = wb.create_sheet("Budsjett")
        legg_til_rad(ws, [f"Tildelingsbrevet for {brev.aar} har ingen budsjettabeller."])
    for k in v.budsjett:
        kap = k.kapittel
        ws = wb.create_sheet(f"Kap. {kap.nummer}"[:31])
        # Every cell goes through styring.regneark: a post named "=…" is text, not a formula.
        legg_til_rad(ws, [f"Kap. {kap.nummer} {kap.betegnelse}".strip()])
        ws["A1"].font = Font(bold=True, size=13)
        legg_til_rad(ws, [f"Tildelingsbrev {brev.aar} – {brev.virksomhet.navn}"
                          + (" (slik det opprinnelig ble sendt)" if v.opprinnelig else "")])
        legg_til_rad(ws)
        for cell in legg_til_rad(ws, KOLONNER):
            cell.font = bold
            cell.alignment = Alignment(wrap_text=True, vertical="top")
        header_row = ws.max_row
        first = header_row + 1
        for p in k.poster:
            merknad = ", ".join(f"nr. {t.nummer}" for t in p.tillegg)
            if p.tildelt_kr is None:
                # No amount in the letter's table: an empty cell (not 0), said in the last column.
                uten = f"Ikke beløp i brevets tabell ({p.post.tildelt_tekst})" if p.post.tildelt_tekst else \
                    "Ikke beløp i brevets tabell"
                merknad = f"{uten}; {merknad}" if merknad else uten
            legg_til_rad(ws, [f"{p.post.post:02d}", p.post.betegnelse, p.tildelt_kr, p.endring_kr, None, merknad])
            r = ws.max_row
            if p.tildelt_kr is not None:
                formel(ws, r, 5, f"=C{r}+D{r}")
        last = ws.max_row
        for cell in legg_til_rad(ws, ["", f"Sum kap. {kap.nummer}"] + ([None] * 3 if k.poster else [0, 0, 0])):
            cell.font = bold
        sum_row = ws.max_row
        if k.poster:
            for col, c in enumerate("CDE", start=3):
                formel(ws, sum_row, col, f"=SUM({c}{first}:{c}{last})").font = bold
        for row in ws.iter_rows(min_row=first, max_row=sum_row, min_col=3, max_col=5):
            for cell in row:
                cell.number_format = TALLFORMAT
        if k.typed_sum_avvik:
            legg_til_rad(ws)
            legg_til_rad(ws, ["Merk:", f"Summen i brevet er {kap.typed_sum_kr:,} kr, men postene summerer seg til "
                                       f"{k.sum_tildelt_kr:,} kr.".replace(",", " ")])
        for i, width in enumerate((8, 60, 20, 20, 20, 18), start=1):
            ws.column_dimensions[get_column_letter(i)].width = width
        ws.freeze_panes = ws.cell(first, 1)
    buffer = BytesIO()
    wb.save(buffer)
    return buffer.getvalue()
