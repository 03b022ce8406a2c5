"""PDF rendering through the real components: a Celery worker process on Redis, PostgreSQL shared
with the test, and processes killed mid-render with SIGKILL. Marked ``services`` (skipped locally
without them; the SQLite test database lives in the test process's memory, out of a subprocess's
reach).

The slow render that gives the kill its moment is patched into the child process by the script
that starts it (test code); the product has no test hook.
"""

from __future__ import annotations

import os
import select
import signal
import subprocess
import sys
import time
from datetime import timedelta
from io import BytesIO
from pathlib import Path

import pypdf
import pytest
from django.db import connection
from django.urls import reverse
from django.utils import timezone

from dokumenter.models import PdfDokument
from dokumenter.services import bestill_pdf, pdf_sweep
from dokumenter.tasks import render_pdf_task, sweep_pdf
from tests.factories import UserFactory

pytestmark = [pytest.mark.services, pytest.mark.django_db(transaction=True)]

ROOT = Path(__file__).resolve().parents[2]

# Patched into a child process before it renders: stop at a point in the render, say so on stdout
# and wait there to be killed. argv[1] names the point: "weasyprint" (layout done, the PDF not yet
# written), "lagring" (half of the file written to storage), or "" (no pause).
PAUSE = """
import sys, time
import django
django.setup()

def _stopp():
    print("DREP-MEG-NAA", flush=True)
    time.sleep(600)

if sys.argv[1] == "weasyprint":
    from weasyprint.document import Document
    _skriv = Document.write_pdf
    def write_pdf(self, *args, **kwargs):
        _stopp()
        return _skriv(self, *args, **kwargs)
    Document.write_pdf = write_pdf
elif sys.argv[1] == "lagring":
    from django.core.files.base import ContentFile
    def chunks(self, chunk_size=None):
        data = self.read()
        yield data[: len(data) // 2]
        _stopp()
        yield data[len(data) // 2 :]
    ContentFile.chunks = chunks
"""

# A worker on the test's database and Redis, with a short visibility timeout so that a message a
# killed worker left unacknowledged is delivered again within seconds. Kombu's Redis transport looks
# for such messages every unacked_restore_interval (10 s) seconds, and only on every
# unacked_restore_throttle-th (10th) look: about every 100 s, which was this test's 110 s. Here it
# looks every second.
WORKER = PAUSE + """
from config.celery import app
app.conf.broker_transport_options = {"visibility_timeout": float(sys.argv[2]), "unacked_restore_interval": 1,
                                     "unacked_restore_throttle": 1}
app.worker_main(["worker", "--pool=solo", "--loglevel=INFO", "--without-gossip", "--without-mingle",
                 "--without-heartbeat", "-n", sys.argv[3] + "@%h"])
"""

# The task run in a process of its own, as the worker runs it, for the given PdfDokument id.
TASK = PAUSE + """
from dokumenter.tasks import render_pdf_task
print("STATUS", render_pdf_task.apply(args=(int(sys.argv[2]),)).get(), flush=True)
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

    def start(navn: str, *, pause: str = "", visibility: float = 3) -> subprocess.Popen:
        env = {**os.environ, "DATABASE_URL": _database_url(), "MEDIA_ROOT": str(media),
               "PDF_LAGER_FORELDET_SEKUNDER": "3",
               "DJANGO_SETTINGS_MODULE": "config.settings", "CELERY_TASK_ALWAYS_EAGER": "0"}
        p = subprocess.Popen([sys.executable, "-c", WORKER, pause, str(visibility), navn], cwd=ROOT, env=env,
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
    forste = worker("pdf-drept", pause="weasyprint")  # waits inside the render: the kill lands there
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


FORELDET = 15  # seconds before a claim counts as a dead run's; longer than a render here takes


def _oppgave(pdf_id: int, media: Path, logg: Path, *, pause: str = "") -> subprocess.Popen:
    env = {**os.environ, "DATABASE_URL": _database_url(), "MEDIA_ROOT": str(media),
           "PDF_LAGER_FORELDET_SEKUNDER": str(FORELDET), "DJANGO_SETTINGS_MODULE": "config.settings"}
    return subprocess.Popen([sys.executable, "-c", TASK, pause, str(pdf_id)], cwd=ROOT, env=env, text=True,
                            stdout=subprocess.PIPE, stderr=logg.open("w"))


def _vent_paa(p: subprocess.Popen, tekst: str, logg: Path, timeout: float = 120) -> None:
    frist = time.monotonic() + timeout
    while time.monotonic() < frist:
        if select.select([p.stdout], [], [], 0.5)[0] and tekst in p.stdout.readline():
            return
        if p.poll() is not None:
            break
    raise AssertionError(f"kom aldri til «{tekst}» (returkode {p.poll()}):\n{logg.read_text()[-3000:]}")


@pytest.mark.parametrize("punkt", ["weasyprint", "lagring"])
def test_a_render_killed_mid_way_is_left_alone_while_alive_and_taken_over_once_dead(brev, ko, media, settings,
                                                                                  tmp_path, punkt):
    """The task in a process of its own stops inside the render (WeasyPrint about to write the PDF,
    or half of the file written to storage) and is killed with SIGKILL there. While it lives nobody
    else takes the row; once its claim is stale the sweep re-queues it and the next run, again a
    process of its own, leaves exactly one complete PDF."""
    if connection.vendor != "postgresql":
        pytest.skip("trenger PostgreSQL (DATABASE_URL): prosessen som drepes må se testdatabasen")
    settings.PDF_LAGER_FORELDET_SEKUNDER = FORELDET
    dep = UserFactory(organisasjon=brev.departement)
    pdf = bestill_pdf(kind="tildelingsbrev", obj=brev, variant="pdfa", user=dep)  # commits; queued (ko)
    assert ko.sendt == [pdf.pk]
    logg = tmp_path / "forste.log"
    forste = _oppgave(pdf.pk, media, logg, pause=punkt)
    try:
        _vent_paa(forste, "DREP-MEG-NAA", logg)
        pdf.refresh_from_db()
        assert (pdf.status, pdf.forsok) == ("lager", 1) and pdf.krav
        krav = pdf.krav
        # While it lives: a duplicate message finds nothing to claim, the sweep leaves it alone.
        assert render_pdf_task(pdf.pk) == "lager"
        assert pdf_sweep() == [] and ko.sendt == [pdf.pk]
    finally:
        os.kill(forste.pid, signal.SIGKILL)
        forste.wait(timeout=10)
    assert forste.returncode == -signal.SIGKILL

    pdf.refresh_from_db()
    assert (pdf.status, pdf.forsok, pdf.krav, pdf.fil.name) == ("lager", 1, krav, "")  # left mid-render
    igjen = list(media.rglob("*.pdf"))
    assert len(igjen) == (1 if punkt == "lagring" else 0), igjen  # a half-written file, or none

    while timezone.now() < pdf.startet + timedelta(seconds=FORELDET - 1):
        assert pdf_sweep() == []  # not stale yet: for all anyone can tell, the run is still rendering
        time.sleep(0.5)
    time.sleep(max(0.0, (pdf.startet + timedelta(seconds=FORELDET + 0.2) - timezone.now()).total_seconds()))
    assert sweep_pdf() == 1 and ko.sendt == [pdf.pk, pdf.pk]  # the beat's sweep puts it back on the queue

    logg = tmp_path / "andre.log"
    andre = _oppgave(pdf.pk, media, logg)
    ut, _ = andre.communicate(timeout=300)
    assert andre.returncode == 0 and "STATUS klar" in ut, logg.read_text()[-3000:]
    pdf.refresh_from_db()
    assert (pdf.status, pdf.forsok, pdf.krav) == ("klar", 2, "")
    filer = list(media.rglob("*.pdf"))
    assert filer == [media / pdf.fil.name]  # exactly one file: the half-written one was replaced
    data = filer[0].read_bytes()
    assert len(data) == pdf.storrelse and len(pypdf.PdfReader(BytesIO(data)).pages) == pdf.sider
    assert list(PdfDokument.history.filter(id=pdf.pk).order_by("history_id").values_list("status", flat=True)) == [
        "venter", "lager", "lager", "klar"]
