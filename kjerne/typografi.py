"""Typography for pages and PDFs: no line break inside an oppdrag number or an amount.

A browser (and WeasyPrint) may break "2024-01" after the hyphen and "291 400 000 kr" at a space.
``ubrutt`` wraps each in ``<span class="nobr">`` (``white-space: nowrap`` in portal.css and the
PDF styles); the text itself is unchanged, so it reads, copies and searches as typed.
"""

from __future__ import annotations

import re

from django.utils.html import conditional_escape
from django.utils.safestring import mark_safe

# "2024-01", "2023-25a"; "291 400 000", "291 400 000 kr", "1 523,9 mill. kr" (space or no-break space).
_UBRUTT = re.compile(
    r"\b(?:19|20)\d{2}-\d{1,3}[a-z]?\b"
    r"|\b\d{1,3}(?:[ \u00a0]\d{3})+(?:,\d+)?(?:[ \u00a0]mill\.)?(?:[ \u00a0](?:kr|kroner)\b\.?)?"
)


def _nobr(m) -> str:
    return f'<span class="nobr">{m.group(0)}</span>'


def ubrutt(value, *, autoescape: bool = True) -> str:
    if value in (None, ""):
        return ""
    tekst = str(conditional_escape(value)) if autoescape else str(value)
    return mark_safe(_UBRUTT.sub(_nobr, tekst))


def ubrutt_escaped(html: str) -> str:
    """``ubrutt`` of text already escaped, as a plain string: for rows assembled in Python
    (minside/rader.py), which mark the whole row safe once instead of every value."""
    return _UBRUTT.sub(_nobr, html)
