"""Request ids, one log line per request, JSON log lines and the 500 page (docs/operations.md, *Logs*).

- :class:`ForesporselMiddleware` (first in ``MIDDLEWARE``) gives every request an id: the proxy's
  ``X-Request-ID`` when ``TRUSTED_PROXIES`` > 0 and the value looks like an id, else a new one. The
  id is on ``request.request_id``, in the ``X-Request-ID`` response header, on every log record of
  the request (:class:`RequestIdFilter`) and on the 500 page (:func:`feilside_500`). After the
  response it logs one line on ``styringsportalen.foresporsel``: method, path, status,
  duration_ms, request_id, user_id and the client address (``brukere.klientadresse``).
- :class:`JsonFormatter` writes each record as one JSON object per line (``LOG_FORMAT=json``).

Secret parts of an address (the calendar feed's token) are never logged
(:class:`SkjulHemmeligheterFilter` also cleans Django's own "Not Found: <path>" lines); the query
string is not logged at all.
"""

from __future__ import annotations

import contextvars
import json
import logging
import re
import time
import uuid
from datetime import UTC, datetime

from django.conf import settings
from django.http import HttpResponseServerError
from django.template import loader
from django.utils.functional import SimpleLazyObject, empty
from django.views.decorators.csrf import requires_csrf_token

from brukere.klientadresse import klientadresse

log = logging.getLogger("styringsportalen.foresporsel")

_request_id: contextvars.ContextVar[str | None] = contextvars.ContextVar("request_id", default=None)

#: What a request id from the proxy may look like (a UUID, Caddy's {http.request.uuid}, a
#: load balancer's trace id); anything else is replaced, so a client cannot inject text into logs.
_GYLDIG_ID = re.compile(r"^[A-Za-z0-9._:@/+=-]{1,128}$")

#: URL keyword arguments that are secrets (varsler:kalender's feed token): replaced in logged paths.
HEMMELIGE_ARGUMENTER = frozenset({"token"})
SKJULT = "***"


#: Secrets in addresses as Django logs them ("Not Found: /oppdrag/kalender/<token>.ics").
_KALENDER_TOKEN = re.compile(r"(/kalender/)[^/?#\s]+(\.ics)")


def skjul_hemmeligheter(tekst: str) -> str:
    """Replace the calendar feed token in any text (a path, a URL, a log message) with ``***``."""
    return _KALENDER_TOKEN.sub(r"\1***\2", tekst)


def gjeldende_request_id() -> str | None:
    """The id of the request (or task) being handled in this thread, if any."""
    return _request_id.get()


def sett_request_id(verdi: str | None) -> contextvars.Token:
    return _request_id.set(verdi)


def tilbakestill_request_id(token: contextvars.Token) -> None:
    _request_id.reset(token)


def ny_request_id() -> str:
    return uuid.uuid4().hex


def request_id_for(request) -> str:
    """The proxy's X-Request-ID when a trusted proxy is in front and the value is sane, else new."""
    if int(getattr(settings, "TRUSTED_PROXIES", 0) or 0) > 0:
        innkommende = (request.META.get("HTTP_X_REQUEST_ID") or "").strip()
        if _GYLDIG_ID.match(innkommende):
            return innkommende
    return ny_request_id()


def loggbar_sti(request) -> str:
    """The request path with secret URL arguments replaced by ``***``."""
    sti = request.path
    match = getattr(request, "resolver_match", None)
    if match is not None:
        for navn, verdi in match.kwargs.items():
            if navn in HEMMELIGE_ARGUMENTER and verdi:
                sti = sti.replace(str(verdi), SKJULT)
    return skjul_hemmeligheter(sti)


def _bruker_id(request) -> int | None:
    """The logged-in user's id, if the request already loaded the user: logging never adds a query
    (request.user is lazy; views behind login have loaded it, the calendar feed and /helse/ have not)."""
    user = getattr(request, "user", None)
    if isinstance(user, SimpleLazyObject) and user._wrapped is empty:
        return None
    if user is None or not user.is_authenticated:
        return None
    return user.pk


class ForesporselMiddleware:
    """Request id in and out, and one log line per request. Put it first in MIDDLEWARE."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        start = time.perf_counter()
        request.request_id = request_id_for(request)
        token = sett_request_id(request.request_id)
        try:
            response = self.get_response(request)
            response["X-Request-ID"] = request.request_id
            varighet = round((time.perf_counter() - start) * 1000, 1)
            felt = {
                "method": request.method,
                "path": loggbar_sti(request),
                "status": response.status_code,
                "duration_ms": varighet,
                "request_id": request.request_id,
                "user_id": _bruker_id(request),
                "client": klientadresse(request),
            }
            log.info("%s %s %s %.1f ms", felt["method"], felt["path"], felt["status"], varighet,
                     extra={"felt": felt})
            return response
        finally:
            tilbakestill_request_id(token)


class RequestIdFilter(logging.Filter):
    """Give every log record a ``request_id`` attribute ("-" outside a request or task)."""

    def filter(self, record: logging.LogRecord) -> bool:
        if not hasattr(record, "request_id"):
            # django.request logs 4xx responses after the middleware chain: take the request's id.
            request = getattr(record, "request", None)
            record.request_id = gjeldende_request_id() or getattr(request, "request_id", None) or "-"
        return True


class SkjulHemmeligheterFilter(logging.Filter):
    """Remove calendar feed tokens from every log message (django.request logs 404 paths)."""

    def filter(self, record: logging.LogRecord) -> bool:
        melding = record.getMessage()
        skjult = skjul_hemmeligheter(melding)
        if skjult != melding:
            record.msg, record.args = skjult, None
        return True


class JsonFormatter(logging.Formatter):
    """One JSON object per line: time, level, logger, message, request_id, client, the fields a
    caller passed as ``extra={"felt": {...}}``, and the traceback when there is one."""

    def format(self, record: logging.LogRecord) -> str:
        data = {
            "time": datetime.fromtimestamp(record.created, tz=UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
        }
        request_id = getattr(record, "request_id", None) or gjeldende_request_id()
        if request_id and request_id != "-":
            data["request_id"] = request_id
        adresse = getattr(record, "klientadresse", None)
        if adresse and adresse != "-":
            data["client"] = adresse
        felt = getattr(record, "felt", None)
        if isinstance(felt, dict):
            data.update(felt)
        if record.exc_info:
            data["exc_info"] = self.formatException(record.exc_info)
        elif record.exc_text:
            data["exc_info"] = record.exc_text
        if record.stack_info:
            data["stack_info"] = self.formatStack(record.stack_info)
        return json.dumps(data, ensure_ascii=False, default=str)


@requires_csrf_token
def feilside_500(request, template_name: str = "500.html"):
    """handler500: the standalone 500 page with the request id (no context processors, no database)."""
    request_id = getattr(request, "request_id", None) or gjeldende_request_id() or ""
    try:
        innhold = loader.get_template(template_name).render({"request_id": request_id})
    except Exception:  # noqa: BLE001 - the error page must not fail; fall back to plain text
        log.exception("Feilsiden %s kunne ikke lages", template_name)
        innhold = f"<h1>Serverfeil (500)</h1><p>Feil-ID: {request_id}</p>"
    return HttpResponseServerError(innhold)
