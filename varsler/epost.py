"""E-mail headers built from user text.

Titles and descriptions come from textareas and imported letters, so they may hold line breaks.
A line break in a header is refused by Django (``BadHeaderError``) and would be header injection if
it were not; every header made from user text goes through ``en_linje`` first.
"""

from __future__ import annotations

import unicodedata

# Control characters and the Unicode line and paragraph separators (\n, \r, \v, \f, \x85,
# \u2028, \u2029, …): each becomes a space before runs of whitespace are folded into one.
_BRYT = {"Cc", "Zl", "Zp"}


def en_linje(tekst: str) -> str:
    """``tekst`` as one line: every line break or control character becomes a space, runs of
    whitespace become one space, and the ends are trimmed."""
    renset = "".join(" " if unicodedata.category(c) in _BRYT else c for c in str(tekst))
    return " ".join(renset.split())
