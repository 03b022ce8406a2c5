"""Who did it: the acting user for history records, also outside a request.

simple-history finds the user of a web request through its middleware. Commands and Celery tasks
have no request, so they wrap their writes in ``acting_user(user)``; every history row written
inside records that user.
"""

from __future__ import annotations

import contextlib
import contextvars
from collections.abc import Iterator

from simple_history.models import HistoricalRecords

_acting_user: contextvars.ContextVar = contextvars.ContextVar("acting_user", default=None)


@contextlib.contextmanager
def acting_user(user) -> Iterator[None]:
    """Record ``user`` as the author of every history row written inside the block."""
    token = _acting_user.set(user)
    try:
        yield
    finally:
        _acting_user.reset(token)


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
