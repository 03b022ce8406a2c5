"""Optional error reporting to Sentry or a compatible service (GlitchTip, …), on when SENTRY_DSN is set.

Called at the end of config/settings.py. Without ``SENTRY_DSN`` nothing happens; with it and without
the ``sentry_sdk`` package a warning is logged and the portal runs on. Events carry the request id
(tag ``request_id``, the id on the 500 page), no personal data (``send_default_pii=False``: no
cookies, user e-mail or client address), no query strings, and no calendar feed tokens.
"""

from __future__ import annotations

import logging

log = logging.getLogger(__name__)


def foer_sending(event: dict, hint: dict | None = None) -> dict:
    """Sentry's before_send: add the request id, remove secrets from the request's address."""
    from config.jsonlogg import gjeldende_request_id, skjul_hemmeligheter

    request_id = gjeldende_request_id()
    if request_id:
        event.setdefault("tags", {})["request_id"] = request_id
    request = event.get("request")
    if isinstance(request, dict):
        if isinstance(request.get("url"), str):
            request["url"] = skjul_hemmeligheter(request["url"])
        request.pop("query_string", None)
    if isinstance(event.get("transaction"), str):
        event["transaction"] = skjul_hemmeligheter(event["transaction"])
    return event


def init_sentry(dsn: str, *, environment: str = "", release: str = "", traces_sample_rate: float = 0.0) -> bool:
    """Initialise sentry_sdk when ``dsn`` is set and the package is installed. Returns whether it did."""
    if not dsn:
        return False
    try:
        import sentry_sdk
    except ImportError:
        log.warning("SENTRY_DSN er satt, men pakken sentry-sdk er ikke installert; feil rapporteres ikke.")
        return False
    sentry_sdk.init(
        dsn=dsn,
        environment=environment or None,
        release=release or None,
        send_default_pii=False,
        traces_sample_rate=traces_sample_rate,
        before_send=foer_sending,
    )
    return True
