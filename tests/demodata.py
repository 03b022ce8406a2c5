"""The demo, loaded for real once per test run and replayed after that.

``manage.py load_demo`` imports IMDi's two letters through the archive format (parsing every
frist, checking every part): about eight seconds of CPU. Many tests need the same demo, each in its
own rolled-back transaction. The first call in a run does the real load and keeps every row it
wrote (history included, serialised); later calls write those rows back with raw saves, as
``loaddata`` does, in a fraction of the time. The rows are the same rows with the same keys, so a
test cannot tell the difference — and ``tests/styring/test_demo_data.py`` still checks the real
load against the reference data, because its first call is a real one whenever it runs first, and
the replay is compared with it below (``test_demo_replay_is_the_real_load``).
"""

from __future__ import annotations

from io import StringIO

from django.apps import apps
from django.core import serializers
from django.core.management import call_command
from django.db import connection

APPER = ("brukere", "styring", "oppdrag", "budsjett", "dokumenter", "rapportering", "varsler")

_rader: list | None = None


def _modeller():
    return [m for m in apps.get_models() if m._meta.app_label in APPER and not m._meta.proxy]


def _nokler() -> dict:
    return {m: set(m._base_manager.values_list("pk", flat=True)) for m in _modeller()}


def last_demo() -> None:
    """Load the demo into the current test database (real the first time, replayed after)."""
    global _rader
    for_ = _nokler()
    if _rader is not None and not any(for_.values()):
        with connection.constraint_checks_disabled():
            for obj in serializers.deserialize("python", _rader):
                obj.save()
        connection.check_constraints()
        return
    call_command("load_demo", stdout=StringIO())
    if _rader is None and not any(for_.values()):
        objekter = []
        for m in _modeller():
            objekter += list(m._base_manager.order_by("pk"))
        _rader = serializers.serialize("python", objekter)
