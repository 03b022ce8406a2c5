"""Health endpoints for the proxy, compose and orchestrators (docs/operations.md, *Health checks*).

- ``/helse/`` (liveness): the process answers. 200, no database, no broker, no storage.
- ``/helse/klar/`` (readiness): the database answers ``SELECT 1``, the Celery broker answers (a
  Redis PING when ``CELERY_BROKER_URL`` is Redis; the folders of the filesystem broker exist and are
  writable when it is not), and storage takes a tiny file and deletes it again. 200 when all are
  up; 503 with a short reason per failing part otherwise.

Both are open without login, never cached, and say nothing secret: no host names, addresses or
exception messages, only which part failed and the exception's class. The details go to the log.
Registered under the namespace ``helse``.
"""

from __future__ import annotations

import logging
import os
import uuid

from django.conf import settings
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import connections
from django.http import JsonResponse
from django.urls import path
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

log = logging.getLogger(__name__)

app_name = "helse"

#: Seconds a broker check may take before it counts as down.
BROKER_TIDSAVBRUDD = 3

GRUNN = {
    "database": "databasen svarer ikke / database unavailable",
    "meldingsko": "meldingskøen (Celery-broker) svarer ikke / broker unavailable",
    "lagring": "fillageret tar ikke imot filer / storage unavailable",
}


def _database() -> None:
    with connections["default"].cursor() as cursor:
        cursor.execute("SELECT 1")
        cursor.fetchone()


def _meldingsko() -> None:
    url = settings.CELERY_BROKER_URL
    if url.startswith(("redis://", "rediss://", "unix://")):
        import redis

        klient = redis.Redis.from_url(url, socket_connect_timeout=BROKER_TIDSAVBRUDD,
                                      socket_timeout=BROKER_TIDSAVBRUDD)
        try:
            klient.ping()
        finally:
            klient.close()
    elif url.startswith("filesystem://"):
        valg = settings.CELERY_BROKER_TRANSPORT_OPTIONS
        for nokkel in ("data_folder_in", "data_folder_out"):
            mappe = valg.get(nokkel)
            if not mappe or not os.path.isdir(mappe) or not os.access(mappe, os.W_OK | os.X_OK):
                raise FileNotFoundError(f"{nokkel} finnes ikke eller er skrivebeskyttet")
    else:
        from config.celery import app

        with app.connection_for_write() as forbindelse:
            forbindelse.ensure_connection(max_retries=1, timeout=BROKER_TIDSAVBRUDD)


def _lagring() -> None:
    navn = default_storage.save(f"helse/klar-{uuid.uuid4().hex}.txt", ContentFile(b"ok"))
    default_storage.delete(navn)


SJEKKER = {"database": _database, "meldingsko": _meldingsko, "lagring": _lagring}


@never_cache
@require_GET
def liv(request):
    """Liveness: the process serves requests. Touches nothing else."""
    return JsonResponse({"status": "ok"})


@never_cache
@require_GET
def klar(request):
    """Readiness: database, broker and storage; 503 with a reason for each part that is down."""
    deler: dict[str, str] = {}
    for del_, sjekk in SJEKKER.items():
        try:
            sjekk()
        except Exception as exc:  # noqa: BLE001 - any failure means the part is not ready
            log.warning("Helsesjekk: %s feilet: %s: %s", del_, type(exc).__name__, exc)
            deler[del_] = f"{GRUNN[del_]} ({type(exc).__name__})"
        else:
            deler[del_] = "ok"
    oppe = all(verdi == "ok" for verdi in deler.values())
    return JsonResponse({"status": "ok" if oppe else "feil", "deler": deler}, status=200 if oppe else 503)


urlpatterns = [
    path("", liv, name="liv"),
    path("klar/", klar, name="klar"),
]
