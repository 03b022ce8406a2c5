"""The demo, loaded for real once per test run and replayed after that.

``manage.py load_demo`` imports IMDi's two letters through the archive format (parsing every
frist, checking every part): about eight seconds of CPU. Many tests need the same demo, each in its
own rolled-back transaction. The first call in a run does the real load and keeps every row it
wrote (history and many-to-many tables included); later calls write those rows back with raw
multi-row inserts, as
``loaddata``'s raw saves would, in a fraction of the time. The rows are the same rows with the same keys, so a
test cannot tell the difference — and ``tests/styring/test_demo_data.py`` still checks the real
load against the reference data, because its first call is a real one whenever it runs first, and
the replay is compared with it below (``test_demo_replay_is_the_real_load``).
"""

from __future__ import annotations

from io import StringIO
from pathlib import Path

from django.apps import apps
from django.conf import settings
from django.core.management import call_command
from django.core.management.color import no_style
from django.db import connection, transaction

#: (model, its rows as unsaved instances) in the order the real load left them.
_rader: list[tuple[type, list]] | None = None


def _modeller() -> list[type]:
    """Every concrete table of the project's own apps, many-to-many tables and history included."""
    base = Path(settings.BASE_DIR)
    return [m for m in apps.get_models(include_auto_created=True)
            if not m._meta.proxy and m._meta.managed and Path(m._meta.app_config.path).parent == base]


def _har_rader() -> bool:
    return any(m._base_manager.exists() for m in _modeller())


def _skriv_tilbake(rader: list[tuple[type, list]]) -> None:
    """Insert the kept rows as they were: a raw multi-row INSERT per batch, as loaddata's raw saves
    do (no save(), no signals, auto_now fields keep their values)."""
    # In one transaction: PostgreSQL checks its (deferred) foreign keys at the end, so the order of
    # the tables does not matter, also in a transactional test that runs in autocommit.
    with transaction.atomic():
        with connection.constraint_checks_disabled():
            for modell, objekter in rader:
                felt = list(modell._meta.concrete_fields)
                batch = max(1, connection.ops.bulk_batch_size(felt, objekter) or len(objekter))
                for i in range(0, len(objekter), batch):
                    modell._base_manager._insert(objekter[i:i + batch], fields=felt, raw=True,
                                                 using=connection.alias)
        connection.check_constraints()
        # Rows came back with their own keys; make sure the next insert gets a new one even if
        # something reset the sequences since the real load (PostgreSQL; SQLite needs nothing).
        with connection.cursor() as cursor:
            for sql in connection.ops.sequence_reset_sql(no_style(), [m for m, _ in rader]):
                cursor.execute(sql)


def last_demo() -> None:
    """Load the demo into the current test database (real the first time, replayed after)."""
    global _rader
    tom = not _har_rader()
    if _rader is not None and tom:
        _skriv_tilbake(_rader)
        return
    call_command("load_demo", stdout=StringIO())
    if _rader is None and tom:
        _rader = [(m, list(m._base_manager.order_by("pk"))) for m in _modeller()]
        _rader = [(m, objekter) for m, objekter in _rader if objekter]
