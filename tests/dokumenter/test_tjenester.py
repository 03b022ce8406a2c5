"""PDF rendering through the real components: a Celery worker process on Redis, PostgreSQL shared
with the test, and a worker killed mid-render. Marked ``services`` (skipped locally without them)."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from io import BytesIO
from pathlib import Path

import pypdf
import pytest
from django.db import connection
from django.urls import reverse

from dokumenter.models import PdfDokument
from dokumenter.services import bestill_pdf
from tests.factories import UserFactory

pytestmark = [pytest.mark.services, pytest.mark.django_db(transaction=True)]

ROOT = Path(__file__).resolve().parents[2]

# A worker on the test's database and Redis, with a short visibility timeout so that a message a
# killed worker left unacknowledged is delivered again within seconds.
WORKER = """
import sys
from config.celery import app
app.conf.broker_transport_options = {"visibility_timeout": float(sys.argv[1])}
app.worker_main(["worker", "--pool=solo", "--loglevel=INFO", "--without-gossip", "--without-mingle",
                 "--without-heartbeat", "-n", sys.argv[2] + "@%h"])
"""


def _database_url() -> str:
    s = connection.settings_dict
    user = s.get("USER") or "postgres"
    auth = f"{user}:{s['PASSWORD']}" if s.get("PASSWORD") else user
    return f"postgres://{auth}@{s.get('HOST') or '127.0.0.1'}:{s.get('PORT') or 5432}/{s['NAME']}"


@pytest.fixture
def worker(media, settings):
    if connection.vendor != "postgresql":
        pytest.skip("trenger PostgreSQL (DATABASE_URL): arbeideren må se testdatabasen")
    assert os.environ.get("REDIS_URL"), "this test needs the Redis broker (REDIS_URL)"
    settings.PDF_LAGER_FORELDET_SEKUNDER = 3
    procs = []

    def start(navn: str, *, pause: float = 0, visibility: float = 3) -> subprocess.Popen:
        env = {**os.environ, "DATABASE_URL": _database_url(), "MEDIA_ROOT": str(media),
               "PDF_LAGER_FORELDET_SEKUNDER": "3", "PDF_TEST_PAUSE_SEKUNDER": str(pause),
               "DJANGO_SETTINGS_MODULE": "config.settings", "CELERY_TASK_ALWAYS_EAGER": "0"}
        p = subprocess.Popen([sys.executable, "-c", WORKER, str(visibility), navn], cwd=ROOT, env=env,
                             stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True)
        procs.append(p)
        return p

    yield start
    for p in procs:
        if p.poll() is None:
            p.terminate()
            try:
                p.wait(timeout=20)
            except subprocess.TimeoutExpired:
                p.kill()
                p.wait()


def _vent(pdf_id: int, statuser: set[str], timeout: float = 120) -> PdfDokument:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        pdf = PdfDokument.objects.get(pk=pdf_id)
        if pdf.status in statuser:
            return pdf
        time.sleep(0.2)
    raise AssertionError(f"PDF {pdf_id} nådde ikke {statuser}; status {PdfDokument.objects.get(pk=pdf_id).status}")


def test_order_renders_through_a_real_worker_and_downloads(brev, worker, client, media):
    dep = UserFactory(organisasjon=brev.departement)
    worker("pdf-e2e")
    pdf = bestill_pdf(kind="tildelingsbrev", obj=brev, variant="pdfa", user=dep)  # commits, enqueues on Redis
    assert PdfDokument.objects.get(pk=pdf.pk).status in {"i_ko", "lager", "klar"}
    pdf = _vent(pdf.pk, {"klar", "feilet"})
    assert pdf.status == "klar", pdf.feilmelding
    client.force_login(dep)
    r = client.get(reverse("dokumenter:last_ned", args=[pdf.pk]))
    data = b"".join(r.streaming_content)
    reader = pypdf.PdfReader(BytesIO(data))
    assert len(reader.pages) == pdf.sider and len(data) == pdf.storrelse
    assert 'pdfaid:part="2"' in reader.trailer["/Root"]["/Metadata"].get_object().get_data().decode()
    assert "Et testoppdrag" in "".join(p.extract_text() for p in reader.pages)


def test_a_worker_killed_mid_render_leaves_exactly_one_finished_pdf(brev, worker, media):
    dep = UserFactory(organisasjon=brev.departement)
    forste = worker("pdf-drept", pause=60)  # sleeps inside the render: the kill lands there
    pdf = bestill_pdf(kind="tildelingsbrev", obj=brev, variant="standard", user=dep)
    _vent(pdf.pk, {"lager"}, timeout=60)
    os.killpg(forste.pid, signal.SIGKILL)
    forste.wait(timeout=10)
    assert PdfDokument.objects.get(pk=pdf.pk).status == "lager"  # the dead worker left it mid-render

    worker("pdf-andre")  # the unacknowledged message comes back to this one
    pdf = _vent(pdf.pk, {"klar", "feilet"})
    assert pdf.status == "klar", pdf.feilmelding
    assert pdf.forsok == 2
    assert len(list(media.rglob("*.pdf"))) == 1
    time.sleep(4)  # a further redelivery or sweep would find nothing to do
    pdf.refresh_from_db()
    assert (pdf.status, pdf.forsok) == ("klar", 2)
    assert len(list(media.rglob("*.pdf"))) == 1
