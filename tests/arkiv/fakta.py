"""Comparing an archive file with what the portal exports after importing it: fact by fact."""

from __future__ import annotations

from typing import Any


def tapte_fakta(fil: Any, eksport: Any, sti: str = "", *, utenom: frozenset[str] = frozenset()) -> list[str]:
    """Every fact of ``fil`` that ``eksport`` does not hold the same, as 'path: in the file → exported'.

    A key the file has must be exported with the same value; a list must have the same length and
    order. Keys the export adds (derived fields, newer keys) are not losses. ``utenom`` names
    top-level keys that are not facts of the letter (such as the portal's own findings)."""
    if isinstance(fil, dict):
        if not isinstance(eksport, dict):
            return [f"{sti}: et objekt i filen, {eksport!r} i eksporten"]
        tapt = []
        for key, verdi in fil.items():
            if not sti and key in utenom:
                continue
            hvor = f"{sti}.{key}" if sti else key
            if key not in eksport:
                tapt.append(f"{hvor}: mangler i eksporten")
            else:
                tapt += tapte_fakta(verdi, eksport[key], hvor)
        return tapt
    if isinstance(fil, list):
        if not isinstance(eksport, list) or len(fil) != len(eksport):
            return [f"{sti}: {len(fil)} i filen, {len(eksport) if isinstance(eksport, list) else eksport!r} "
                    "i eksporten"]
        return [t for i, (a, b) in enumerate(zip(fil, eksport, strict=True)) for t in tapte_fakta(a, b, f"{sti}[{i}]")]
    return [] if fil == eksport else [f"{sti}: {fil!r} i filen, {eksport!r} i eksporten"]


def antall_fakta(data: Any) -> int:
    """How many facts (scalar values) a file holds."""
    if isinstance(data, dict):
        return sum(antall_fakta(v) for v in data.values())
    if isinstance(data, list):
        return sum(antall_fakta(v) for v in data)
    return 1
