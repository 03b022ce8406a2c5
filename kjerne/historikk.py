"""Who did it: the acting user for history records, also outside a request; and which action.

simple-history finds the user of a web request through its middleware. Commands and Celery tasks
have no request, so they wrap their writes in ``acting_user(user)``; every history row written
inside records that user.

Every history row also records its *change set* in simple-history's ``history_change_reason``
column: one id per web request, or per ``acting_user`` block outside a request. The history pages
show one entry per change set (kjerne/endringslogg.py), so one save is one entry however long it
took to write, and two saves are two entries however close together.
"""

from __future__ import annotations

import contextlib
import contextvars
import uuid
from collections.abc import Iterator

from django.dispatch import receiver
from simple_history.models import HistoricalRecords
from simple_history.signals import pre_create_historical_record

_acting_user: contextvars.ContextVar = contextvars.ContextVar("acting_user", default=None)
_endringssett: contextvars.ContextVar[str | None] = contextvars.ContextVar("endringssett", default=None)


@contextlib.contextmanager
def acting_user(user) -> Iterator[None]:
    """Record ``user`` as the author of every history row written inside the block, as one
    change set."""
    token = _acting_user.set(user)
    sett = _endringssett.set(uuid.uuid4().hex)
    try:
        yield
    finally:
        _endringssett.reset(sett)
        _acting_user.reset(token)


def gjeldende_endringssett() -> str | None:
    """The change set history rows written now belong to: the web request's, else the
    ``acting_user`` block's, else none (the history pages then group by time)."""
    request = getattr(HistoricalRecords.context, "request", None)
    if request is not None:
        sett = getattr(request, "_endringssett", None)
        if sett is None:
            sett = request._endringssett = uuid.uuid4().hex
        return sett
    return _endringssett.get()


@receiver(pre_create_historical_record)
def _merk_endringssett(sender, history_instance, **kwargs):
    if getattr(history_instance, "history_change_reason", None) is None:
        history_instance.history_change_reason = gjeldende_endringssett()


def get_history_user(instance=None, request=None, **kwargs):
    explicit = getattr(instance, "_history_user", None)
    if explicit is not None:
        return explicit
    user = _acting_user.get()
    if user is not None:
        return user
    request = request or getattr(HistoricalRecords.context, "request", None)
    if request is not None and getattr(request, "user", None) is not None and request.user.is_authenticated:
        return request.user
    return None


def historikk(**kwargs) -> HistoricalRecords:
    """HistoricalRecords with the acting-user lookup every tracked model uses."""
    kwargs.setdefault("get_user", get_history_user)
    return HistoricalRecords(**kwargs)
