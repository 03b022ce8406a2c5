"""Reminders through the real components: a Celery worker on Redis sending over SMTP (aiosmtpd),
and two runs racing on PostgreSQL. Marked ``services``: skipped locally without them, required in CI."""

import socket
import threading
import time
from datetime import date

import pytest
from django.core import mail
from django.db import connection

from tests.varsler.test_paaminnelser import _oppdrag, brev  # noqa: F401 - fixture
from varsler.models import Paaminnelse
from varsler.services import paaminnelser_kjor

pytestmark = [pytest.mark.services, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def smtp_server():
    from aiosmtpd.controller import Controller

    class Collect:
        def __init__(self):
            self.messages = []

        async def handle_DATA(self, server, session, envelope):
            self.messages.append(envelope)
            return "250 OK"

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    handler = Collect()
    controller = Controller(handler, hostname="127.0.0.1", port=port)
    controller.start()
    try:
        yield port, handler
    finally:
        controller.stop()


def test_daily_run_through_celery_and_redis_to_a_real_smtp_server(brev, smtp_server, settings):  # noqa: F811
    from celery.contrib.testing.worker import start_worker

    from config.celery import app
    from varsler.tasks import kjor_paaminnelser

    assert app.conf.broker_url.startswith("redis://"), "this test needs the Redis broker (REDIS_URL)"
    port, handler = smtp_server
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", port
    settings.EMAIL_USE_TLS = settings.EMAIL_USE_SSL = False
    settings.EMAIL_HOST_USER = settings.EMAIL_HOST_PASSWORD = ""
    _oppdrag(brev, "30.06.2024", nummer="2024-40", tittel="Sendt gjennom Celery")

    with start_worker(app, pool="solo", perform_ping_check=False, shutdown_timeout=30):
        kjor_paaminnelser.delay("2024-06-23")
        deadline = time.monotonic() + 60
        while len(handler.messages) < 2 and time.monotonic() < deadline:
            time.sleep(0.2)

    assert len(handler.messages) == 2
    raw = b"".join(m.original_content for m in handler.messages).decode("utf-8", "replace")
    assert "2024-40" in raw
    assert sorted(r for m in handler.messages for r in m.rcpt_tos) == ["dep.kontakt@example.no",
                                                                       "virk.kontakt@example.no"]
    assert set(Paaminnelse.objects.values_list("status", flat=True)) == {"sendt"}


def test_two_concurrent_runs_send_each_reminder_once(brev):  # noqa: F811
    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL (DATABASE_URL)")
    for i in range(10):
        _oppdrag(brev, "30.06.2024", nummer=f"2024-{50 + i}")
    barrier = threading.Barrier(2)
    errors = []

    def run():
        from django.db import connections

        try:
            barrier.wait()
            paaminnelser_kjor(dato=date(2024, 6, 23))
        except Exception as exc:  # noqa: BLE001
            errors.append(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    assert Paaminnelse.objects.count() == 20
    assert len(mail.outbox) == 20  # 10 oppdrag × 2 recipients, each once
    assert len({(m.to[0], m.subject) for m in mail.outbox}) == 20
