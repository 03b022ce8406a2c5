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


def _satt(ms: int, sett: str, navn: str) -> Endringspost:
    p = _post(ms, 1, navn)
    p.endringssett = sett
    return p


def test_endringssett_avgjor_uansett_tid():
    """Rows that carry a change set (one per request or acting_user block) group by it: a slow save
    stays one entry, two quick saves stay two."""
    poster = [_satt(0, "r1", "a"), _satt(3000, "r1", "b"),  # one slow request: three seconds apart
              _satt(3010, "r2", "c"), _satt(3020, "r3", "d")]  # two requests 10 ms apart
    assert [[p.objekt for p in h.poster] for h in grupper(poster)] == [["d"], ["c"], ["a", "b"]]


def test_en_foresporsel_gir_ett_endringssett_og_neste_et_nytt(db, client):
    """Through the real middleware: every history row of one request shares its change set, the
    next request gets another, and an acting_user block outside a request has one of its own."""
    from brukere.models import User
    from kjerne.historikk import acting_user
    from tests.factories import DepartementFactory

    dep = DepartementFactory()
    with acting_user(None):
        dep.navn = "Første"
        dep.save()
        dep.navn = "Andre"
        dep.save()
    sett = list(dep.history.order_by("history_id").values_list("history_change_reason", flat=True))
    assert sett[-1] and sett[-1] == sett[-2]
    admin = User.objects.create_superuser("admin-endringssett", "a@example.no", "x")
    client.force_login(admin)
    for navn in ("Tredje", "Fjerde"):
        r = client.post(f"/admin/styring/organisasjon/{dep.pk}/change/",
                        {**{f.name: getattr(dep, f.attname) or "" for f in dep._meta.concrete_fields
                            if f.name not in ("id",)}, "navn": navn}, follow=False)
        assert r.status_code in (200, 302)
    nye = list(dep.history.order_by("history_id").values_list("history_change_reason", "navn"))[len(sett):]
    assert [n for _, n in nye] == ["Tredje", "Fjerde"]
    assert nye[0][0] and nye[1][0] and nye[0][0] != nye[1][0] != sett[-1]
