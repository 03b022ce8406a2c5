"""The ledger writes a run makes together (#15 item 4): the day's rows inserted in one statement run
over all of them, and each e-mail's record made in the same statement as the next row's claim. A
run killed inside either loses nothing and sends nothing twice beyond the one e-mail in flight
that docs/paaminnelser.md allows (tests/varsler/test_paaminnelser_kill.py does it with SIGKILL on
PostgreSQL)."""

from __future__ import annotations

import pytest
from django.core import mail
from django.db.backends.utils import CursorWrapper

from tests.varsler.test_paaminnelser import _later, _oppdrag, _run, brev  # noqa: F401 - fixture
from varsler.models import Paaminnelse
from varsler.services import _RaaMarkor

pytestmark = pytest.mark.django_db
DATO = "2024-06-23"


class Drept(BaseException):  # not an Exception: nothing in the run may catch it, like SIGKILL
    pass


def _ider() -> list[int]:
    return [int(m.extra_headers["X-Styringsportalen-Paaminnelse"]) for m in mail.outbox]


def _status() -> dict[str, list[int]]:
    ut: dict[str, list[int]] = {}
    for pk, status in Paaminnelse.objects.order_by("pk").values_list("pk", "status"):
        ut.setdefault(status, []).append(pk)
    return ut


def test_a_run_killed_while_inserting_the_ledger_leaves_no_row_and_sends_nothing(brev, monkeypatch):  # noqa: F811
    for i in range(3):
        _oppdrag(brev, "30.06.2024", nummer=f"2024-0{i}")
    ekte = CursorWrapper.executemany

    def halvveis(self, sql, param_list):
        rader = list(param_list)
        ekte(self, sql, rader[: len(rader) // 2])  # half the rows are in when the process dies
        raise Drept

    monkeypatch.setattr(CursorWrapper, "executemany", halvveis)
    with pytest.raises(Drept):
        _run("--date", DATO)
    monkeypatch.undo()
    assert Paaminnelse.objects.count() == 0 and mail.outbox == []  # all or nothing: one transaction
    assert "6 planlagt, 6 sendt" in _run("--date", DATO)
    assert sorted(_ider()) == sorted(Paaminnelse.objects.values_list("pk", flat=True))  # each once


@pytest.mark.parametrize("naar", ["before", "after"])
def test_a_run_killed_at_the_statement_that_records_one_e_mail_and_claims_the_next(brev, monkeypatch, naar):  # noqa: F811
    """Killed just before that statement: the e-mail before it is the one in flight (sent, not
    recorded), and only it goes twice. Killed just after it: that e-mail is recorded and the next
    row is claimed but never sent; the takeover sends it once. Nothing is lost either way."""
    for i in range(3):
        _oppdrag(brev, "30.06.2024", nummer=f"2024-0{i}")
    kall = []

    def drept_ved_andre(ekte):
        def execute(self, sql, params=None):
            if len(kall) >= 2:
                raise Drept  # dead: nothing after the kill reaches the database (no finally block runs)
            if "RETURNING" in sql and sql.lstrip().startswith("UPDATE"):
                kall.append(sql)
                if len(kall) == 2 and naar == "before":
                    raise Drept
                resultat = ekte(self, sql, params)
                if len(kall) == 2:
                    self.fetchall()  # the statement has run to its end (and committed)
                    raise Drept
                return resultat
            return ekte(self, sql, params)
        return execute

    # Django's cursor, and the driver's own that a run claims with when nobody logs the queries.
    for klasse in (CursorWrapper, _RaaMarkor):
        monkeypatch.setattr(klasse, "execute", drept_ved_andre(klasse.execute))
    with pytest.raises(Drept):
        _run("--date", DATO)
    monkeypatch.undo()
    forste, andre = _ider()  # two e-mails out: the first recorded by the first combined statement
    status = _status()
    assert status["sendt"] == ([forste] if naar == "before" else [forste, andre])
    assert len(status["sender"]) == 1  # one row claimed and not recorded
    i_luften = status["sender"][0]
    if naar == "before":
        assert i_luften == andre  # sent, not recorded: the one e-mail in flight
    else:
        assert i_luften not in _ider()  # claimed, never sent
    assert len(status["planlagt"]) == (4 if naar == "before" else 3)

    _later(monkeypatch, minutes=11)  # the claim is stale: the next run takes it over
    assert "1 påminnelse(r) som ble avbrutt under sending, er sendt på nytt" in _run("--date", DATO)
    ider = _ider()
    assert sorted(set(ider)) == sorted(Paaminnelse.objects.values_list("pk", flat=True))  # none lost
    assert set(Paaminnelse.objects.values_list("status", flat=True)) == {"sendt"}
    twice = [i for i in set(ider) if ider.count(i) > 1]
    assert twice == ([andre] if naar == "before" else [])  # at most the one in flight, never more


def test_a_claims_times_are_the_text_django_would_pass_the_database():
    """The claim adapts its times itself (``_dt``, a shortcut on SQLite): the same value Django's
    adapter gives, with and without microseconds, in UTC and in another zone, so that the claim's
    comparisons with the stored times hold (on SQLite they compare text)."""
    from datetime import UTC, datetime, timedelta, timezone

    from django.db import connection

    from varsler.services import _dt

    oslo = timezone(timedelta(hours=1))
    for verdi in (datetime(2024, 6, 23, 8, 5, 0, tzinfo=UTC), datetime(2024, 6, 23, 8, 5, 0, 123, tzinfo=UTC),
                  datetime(2024, 12, 31, 23, 59, 59, 999999, tzinfo=UTC), datetime(2024, 6, 23, 9, 5, tzinfo=oslo)):
        assert _dt(verdi) == _dt(verdi, connection) == connection.ops.adapt_datetimefield_value(verdi)
    if connection.vendor == "sqlite":
        assert _dt(datetime(2024, 6, 23, 9, 5, tzinfo=oslo)) == "2024-06-23 08:05:00"
