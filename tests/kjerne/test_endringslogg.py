"""One entry per user action: rows one save writes belong together; the next save, another
person's save or a save a second later is a new entry."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from kjerne.endringslogg import Endringspost, grupper

T = datetime(2026, 11, 30, 20, 48, tzinfo=UTC)


def _post(ms: int, bruker_id: int | None, navn: str) -> Endringspost:
    return Endringspost(T + timedelta(milliseconds=ms), f"bruker {bruker_id}", "endret", navn, "oppdrag",
                        bruker_id=bruker_id, history_id=ms)


def test_en_lagring_er_en_oppforing_og_neste_lagring_en_ny():
    poster = [
        _post(0, 1, "a"), _post(20, 1, "b"), _post(45, 1, "c"),  # one save: three rows within 45 ms
        _post(1200, 1, "d"),  # the same person's next save, a page load later
        _post(1230, 2, "e"),  # someone else right after
        _post(1240, None, "f"),  # a command without a user
    ]
    handlinger = grupper(poster)
    assert [[p.objekt for p in h.poster] for h in handlinger] == [["f"], ["e"], ["d"], ["a", "b", "c"]]
    assert handlinger[-1].tid == T + timedelta(milliseconds=45)  # an entry is dated by its last row
    assert handlinger[-1].oppsummering == "3 endringer"
    assert handlinger[0].oppsummering == "endret oppdrag f"
