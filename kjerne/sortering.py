"""Natural order for numbers as letters write them: "1" < "2" < "3.1" < "3.2" < "10" < "Hovedmål 2".

:func:`naturlig_nokkel` turns such a number into a stored sort key whose plain string order is the
natural order, so that the database sorts it (``ORDER BY``) the same on SQLite and PostgreSQL. Each
run of digits is zero-padded to a fixed width and each run of other characters is lower-cased with
punctuation and spaces left out, so the key holds only digits and letters: a collation that ignores
punctuation (PostgreSQL with a language locale) and a byte-wise one (SQLite, PostgreSQL "C") order
such keys alike. Digits sort before letters in both, so plain numbers come before "Hovedmål 2".
"""

from __future__ import annotations

import re

#: Width a run of digits is padded to; a longer run keeps its length (and sorts after, as it is larger).
BREDDE = 6
_DELER = re.compile(r"\d+|[^\W\d_]+", re.UNICODE)


def naturlig_nokkel(tekst: str | int | None) -> str:
    """The sort key of a number as written: ``"3.1"`` → ``"000003000001"``, ``"Hovedmål 2"`` → ``"hovedmål000002"``.

    Numbers with the same digits in other punctuation ("3.1", "3 1") share a key; the database keeps
    numbers unique per letter on the number itself, not the key."""
    deler = []
    for del_ in _DELER.findall(str(tekst if tekst is not None else "")):
        if del_.isdigit():
            tall = del_.lstrip("0") or "0"
            deler.append(tall.rjust(BREDDE, "0") if len(tall) <= BREDDE else "9" * BREDDE + tall)
        else:
            deler.append(del_.lower())
    return "".join(deler)
