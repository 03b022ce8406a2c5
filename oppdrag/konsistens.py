"""Checks on the oppdrag a letter lists (registered with styring.konsistens)."""

from __future__ import annotations

import re
from datetime import date

from styring.konsistens import ADVARSEL, MERKNAD, Avvik, register

from .querysets import oppdrag_i_brev


@register
def check_oppdrag(brev) -> list[Avvik]:
    found: list[Avvik] = []
    start = date(brev.aar, 1, 1)
    for gruppe in oppdrag_i_brev(brev):
        for e in gruppe.tidligere:
            o = e.oppdrag
            if e.aapen:
                continue
            datoer = [f.dato for f in e.frister if f.dato]
            if datoer and max(datoer) < start:
                frist = ", ".join(f.tekst for f in e.frister)
                found.append(Avvik(
                    f"Oppdrag {o.nummer} står blant oppdrag gitt tidligere med leveringsfrist i {brev.aar} eller "
                    f"senere, men fristen ({frist}) er før {brev.aar}.",
                    ADVARSEL, "oppdrag", {"oppdrag": o.nummer}))
        for e in gruppe.nye:
            m = re.match(r"^(\d{4})-", e.oppdrag.nummer)
            if m and int(m.group(1)) != brev.aar:
                found.append(Avvik(
                    f"Oppdrag {e.oppdrag.nummer} er gitt i brevet for {brev.aar}, men nummeret viser til "
                    f"{m.group(1)}.", MERKNAD, "oppdrag", {"oppdrag": e.oppdrag.nummer}))
    return found
