"""One log line per Celery task (name, id, state, duration), and the request id carried into tasks.

Imported by config/celery.py. The task line goes to ``styringsportalen.oppgave`` at INFO after
every run (task_postrun); with ``LOG_FORMAT=json`` it is one JSON line with the fields ``task``,
``task_id``, ``state`` and ``duration_ms``, and ``request_id``: the id of the web request that
enqueued the task (sent as a message header), or the task id when there was none.

With ``LOG_FORMAT=json`` the worker and beat also log through Django's ``LOGGING`` (JSON lines)
instead of Celery's own format: Celery leaves the root logger alone once a ``setup_logging``
receiver is connected. Without it, Celery's usual text format is unchanged.
"""

from __future__ import annotations

import logging
import logging.config
import os
import time

from celery import signals

from config.jsonlogg import gjeldende_request_id, sett_request_id, tilbakestill_request_id

log = logging.getLogger("styringsportalen.oppgave")

#: task id → (start time, request-id context token); only tasks running in this process.
_pagaende: dict[str, tuple[float, object]] = {}


@signals.before_task_publish.connect
def _send_request_id(headers=None, **kwargs) -> None:
    request_id = gjeldende_request_id()
    if request_id and isinstance(headers, dict):
        headers.setdefault("request_id", request_id)


@signals.task_prerun.connect
def _oppgave_start(task_id=None, task=None, **kwargs) -> None:
    # A worker puts custom message headers on task.request; an eager apply() under .headers.
    forespørsel = getattr(task, "request", None)
    request_id = getattr(forespørsel, "request_id", None) or (getattr(forespørsel, "headers", None) or {}).get(
        "request_id")
    _pagaende[task_id] = (time.perf_counter(), sett_request_id(request_id or task_id))


@signals.task_postrun.connect
def _oppgave_slutt(task_id=None, task=None, state=None, **kwargs) -> None:
    start, token = _pagaende.pop(task_id, (None, None))
    varighet = round((time.perf_counter() - start) * 1000, 1) if start is not None else None
    navn = getattr(task, "name", "?")
    try:
        log.info("oppgave %s %s %s ms", navn, state, varighet, extra={"felt": {
            "task": navn, "task_id": task_id, "state": state, "duration_ms": varighet,
            "request_id": gjeldende_request_id() or task_id}})
    finally:
        if token is not None:
            try:
                tilbakestill_request_id(token)
            except ValueError:  # set in another context (cannot happen in prefork or solo pools)
                sett_request_id(None)


def _bruk_django_logging(**kwargs) -> None:
    from django.conf import settings

    logging.config.dictConfig(settings.LOGGING)


if os.environ.get("LOG_FORMAT", "").strip().lower() == "json":
    signals.setup_logging.connect(_bruk_django_logging, weak=False)
