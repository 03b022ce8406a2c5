"""The client's address, as far as the deployment lets us know it.

``settings.TRUSTED_PROXIES`` is the number of reverse proxies in front of gunicorn that we trust
(0 by default: gunicorn faces the clients). Each trusted proxy appends the address it received the
request from to ``X-Forwarded-For``; anything to the left of that was sent by the client and can be
forged. So with *n* trusted proxies the client is the *n*-th entry from the right of
``X-Forwarded-For`` + ``REMOTE_ADDR`` minus one, i.e. the rightmost entry no trusted proxy vouches
for. With 0 the header is ignored and ``REMOTE_ADDR`` is the client.

One function decides it, for django-axes (``AXES_CLIENT_IP_CALLABLE``, so that lockout on
username + address locks the real client and not the proxy) and for the logs
(:class:`KlientadresseMiddleware` and :class:`KlientadresseFilter`).
"""

from __future__ import annotations

import contextvars
import ipaddress
import logging

from django.conf import settings
from django.http import HttpRequest

log = logging.getLogger(__name__)

_gjeldende: contextvars.ContextVar[str | None] = contextvars.ContextVar("klientadresse", default=None)


def _gyldig(adresse: str) -> bool:
    try:
        ipaddress.ip_address(adresse)
    except ValueError:
        return False
    return True


def klientadresse(request: HttpRequest | None) -> str | None:
    """The address of the client that sent ``request`` (see the module docstring)."""
    if request is None:
        return None
    remote = (request.META.get("REMOTE_ADDR") or "").strip() or None
    antall = int(getattr(settings, "TRUSTED_PROXIES", 0) or 0)
    if antall <= 0:
        return remote
    videresendt = request.META.get("HTTP_X_FORWARDED_FOR", "")
    kjede = [ledd.strip() for ledd in videresendt.split(",") if ledd.strip()]
    if remote:
        kjede.append(remote)
    if not kjede:
        return None
    # Skip the trusted hops from the right; with fewer entries than trusted proxies (the request
    # did not pass all of them) the leftmost entry is the best we know.
    kandidat = kjede[max(len(kjede) - 1 - antall, 0)]
    if not _gyldig(kandidat):
        # A trusted proxy appends a bare IP; anything else means it is set up differently
        # than TRUSTED_PROXIES says. Fall back to the peer rather than store garbage.
        log.warning("Ugyldig klientadresse %r i X-Forwarded-For; bruker REMOTE_ADDR", kandidat)
        return remote
    return kandidat


class KlientadresseMiddleware:
    """Put the client address on ``request.klientadresse`` and on every log record of the request."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        request.klientadresse = klientadresse(request)
        token = _gjeldende.set(request.klientadresse)
        try:
            return self.get_response(request)
        finally:
            _gjeldende.reset(token)


class KlientadresseFilter(logging.Filter):
    """Give every log record a ``klientadresse`` attribute ("-" outside a request)."""

    def filter(self, record: logging.LogRecord) -> bool:
        if not hasattr(record, "klientadresse"):
            adresse = _gjeldende.get()
            request = getattr(record, "request", None)  # django.request logs after the middleware
            if adresse is None and isinstance(request, HttpRequest):
                adresse = getattr(request, "klientadresse", None) or klientadresse(request)
            record.klientadresse = adresse or "-"
        return True
