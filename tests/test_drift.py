"""Operations: health endpoints, request ids, JSON logs per request and task, the 500 page, Sentry,
and the container health-check script (config/helse.py, config/jsonlogg.py, config/celerylogg.py,
config/sentry.py, deploy/helsesjekk.py)."""

from __future__ import annotations

import importlib.util
import io
import json
import logging
import os
import socket
import subprocess
import sys
import time
from pathlib import Path
from unittest import mock

import pytest
from django.core.files.storage import default_storage
from django.db import OperationalError, connections
from django.test import Client
from django.urls import path, reverse

from config import celerylogg, jsonlogg, sentry
from config.celery import app as celery_app
from config.urls import handler500  # noqa: F401 - used by this module as a URLconf (the real handler)
from config.urls import urlpatterns as _portal_urls
from tests.factories import UserFactory

ROT = Path(__file__).resolve().parent.parent
_spec = importlib.util.spec_from_file_location("helsesjekk", ROT / "deploy" / "helsesjekk.py")
helsesjekk = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(helsesjekk)


# A URLconf for the 500 tests: the portal's URLs and its handler500, plus a view that fails.
def _feiler(request):
    raise RuntimeError("planlagt feil i testen")


urlpatterns = [*_portal_urls, path("test-feil/", _feiler)]
URLCONF = __name__


def _lukket_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture
def klar_miljo(settings, tmp_path):
    """Storage in a temporary folder; the filesystem broker's folders there too (Redis stays Redis)."""
    settings.MEDIA_ROOT = str(tmp_path / "media")
    if settings.CELERY_BROKER_URL.startswith("filesystem://"):
        ut = tmp_path / "celery" / "out"
        ut.mkdir(parents=True)
        settings.CELERY_BROKER_TRANSPORT_OPTIONS = {**settings.CELERY_BROKER_TRANSPORT_OPTIONS,
                                                    "data_folder_in": str(ut), "data_folder_out": str(ut)}
    return settings


# --- Health --------------------------------------------------------------------------------------

def test_liv_svarer_uten_database(db, client, django_assert_num_queries):
    with django_assert_num_queries(0):
        svar = client.get("/helse/")
    assert svar.status_code == 200
    assert svar.json() == {"status": "ok"}
    assert "no-cache" in svar["Cache-Control"]
    assert reverse("helse:liv") == "/helse/"
    assert reverse("helse:klar") == "/helse/klar/"


def test_klar_200_naar_alt_er_oppe(db, client, klar_miljo):
    svar = client.get("/helse/klar/")
    assert svar.status_code == 200, svar.content
    assert svar.json() == {"status": "ok", "deler": {"database": "ok", "meldingsko": "ok", "lagring": "ok"}}
    # The probe file is deleted again.
    assert list((Path(klar_miljo.MEDIA_ROOT) / "helse").iterdir()) == []


def test_klar_503_naar_databasen_er_nede(db, client, klar_miljo):
    feil = OperationalError('connection to server at "db.intern" failed: password=hemmelig')
    with mock.patch.object(connections["default"], "cursor", side_effect=feil):
        svar = client.get("/helse/klar/")
    assert svar.status_code == 503
    data = svar.json()
    assert data["status"] == "feil"
    assert data["deler"]["database"] == "databasen svarer ikke / database unavailable (OperationalError)"
    assert data["deler"]["meldingsko"] == "ok"
    assert data["deler"]["lagring"] == "ok"
    assert b"hemmelig" not in svar.content
    assert b"db.intern" not in svar.content


def test_klar_503_naar_redis_ikke_svarer(db, client, klar_miljo):
    klar_miljo.CELERY_BROKER_URL = f"redis://:hemmelig@127.0.0.1:{_lukket_port()}/0"
    start = time.monotonic()
    svar = client.get("/helse/klar/")
    assert time.monotonic() - start < 10
    assert svar.status_code == 503
    data = svar.json()
    assert data["deler"]["meldingsko"].startswith("meldingskøen (Celery-broker) svarer ikke / broker unavailable (")
    assert data["deler"]["database"] == "ok"
    assert data["deler"]["lagring"] == "ok"
    assert b"hemmelig" not in svar.content
    assert b"127.0.0.1" not in svar.content


def test_klar_503_naar_filsystem_broker_mangler_mappen(db, client, klar_miljo, tmp_path):
    klar_miljo.CELERY_BROKER_URL = "filesystem://"
    klar_miljo.CELERY_BROKER_TRANSPORT_OPTIONS = {"data_folder_in": str(tmp_path / "finnes-ikke"),
                                                  "data_folder_out": str(tmp_path / "finnes-ikke")}
    svar = client.get("/helse/klar/")
    assert svar.status_code == 503
    assert svar.json()["deler"]["meldingsko"] == (
        "meldingskøen (Celery-broker) svarer ikke / broker unavailable (FileNotFoundError)")
    assert str(tmp_path).encode() not in svar.content


def test_klar_503_naar_lagringen_feiler(db, client, klar_miljo):
    with mock.patch.object(default_storage, "save", side_effect=PermissionError("/srv/hemmelig/media")):
        svar = client.get("/helse/klar/")
    assert svar.status_code == 503
    data = svar.json()
    assert data["deler"]["lagring"] == "fillageret tar ikke imot filer / storage unavailable (PermissionError)"
    assert data["deler"]["database"] == "ok"
    assert b"hemmelig" not in svar.content


def test_helse_krever_ikke_innlogging_og_slipper_https_omdirigering(db, client, settings):
    settings.SECURE_SSL_REDIRECT = True
    assert client.get("/helse/").status_code == 200
    assert client.get("/").status_code == 301  # everything else still goes to HTTPS
    assert client.post("/helse/").status_code == 405


# --- Request id and the request log line ---------------------------------------------------------

def _linjer(caplog, logger: str) -> list[dict]:
    return [r.felt for r in caplog.records if r.name == logger]


def test_forespørsel_får_id_og_én_logglinje(db, client, caplog, django_assert_num_queries):
    bruker = UserFactory()
    client.force_login(bruker)
    caplog.set_level(logging.INFO, logger="styringsportalen.foresporsel")
    svar = client.get("/innstillinger/varsler/", REMOTE_ADDR="10.1.2.3")
    assert svar.status_code == 200
    request_id = svar["X-Request-ID"]
    assert len(request_id) == 32 and int(request_id, 16) >= 0
    [linje] = _linjer(caplog, "styringsportalen.foresporsel")
    assert linje["method"] == "GET"
    assert linje["path"] == "/innstillinger/varsler/"
    assert linje["status"] == 200
    assert isinstance(linje["duration_ms"], float) and linje["duration_ms"] >= 0
    assert linje["request_id"] == request_id
    assert linje["user_id"] == bruker.pk
    assert linje["client"] == "10.1.2.3"
    # Logging never loads the user itself: liveness with a session cookie still runs no query.
    with django_assert_num_queries(0):
        svar = client.get("/helse/")
    assert svar["X-Request-ID"] != request_id
    assert _linjer(caplog, "styringsportalen.foresporsel")[-1]["user_id"] is None


def test_request_id_fra_proxy_bare_med_betrodd_proxy(db, client, settings, caplog):
    caplog.set_level(logging.INFO, logger="styringsportalen.foresporsel")
    settings.TRUSTED_PROXIES = 0
    assert client.get("/helse/", HTTP_X_REQUEST_ID="fra-klienten")["X-Request-ID"] != "fra-klienten"
    settings.TRUSTED_PROXIES = 1
    svar = client.get("/helse/", HTTP_X_REQUEST_ID="3f1c9a2e-caddy-uuid", REMOTE_ADDR="172.18.0.5",
                      HTTP_X_FORWARDED_FOR="192.0.2.44")
    assert svar["X-Request-ID"] == "3f1c9a2e-caddy-uuid"
    linje = _linjer(caplog, "styringsportalen.foresporsel")[-1]
    assert linje["request_id"] == "3f1c9a2e-caddy-uuid"
    assert linje["client"] == "192.0.2.44"  # brukere.klientadresse decides it
    # Anything that does not look like an id is replaced (no log injection).
    falsk = client.get("/helse/", HTTP_X_REQUEST_ID='x"\n{"level": "ERROR"}')["X-Request-ID"]
    assert len(falsk) == 32 and "\n" not in falsk


def _konsollhandler() -> logging.StreamHandler:
    """The console handler config/settings.py LOGGING puts on the root logger."""
    [handler] = [h for h in logging.getLogger().handlers
                 if type(h) is logging.StreamHandler and any(isinstance(f, jsonlogg.RequestIdFilter)
                                                             for f in h.filters)]
    return handler


def test_kalenderhemmeligheten_logges_ikke(db, client, caplog):
    caplog.set_level(logging.INFO, logger="styringsportalen.foresporsel")
    hemmelig = "hemmelig-kalendertoken-123"
    handler, strom = _konsollhandler(), io.StringIO()
    gammel = handler.setStream(strom)
    try:
        svar = client.get(f"/oppdrag/kalender/{hemmelig}.ics?x={hemmelig}")
    finally:
        handler.setStream(gammel)
    linje = _linjer(caplog, "styringsportalen.foresporsel")[-1]
    assert linje["status"] == svar.status_code == 404
    assert linje["path"] == "/oppdrag/kalender/***.ics"
    # Django's own "Not Found: <path>" line goes through the same handler, cleaned.
    assert "Not Found: /oppdrag/kalender/***.ics" in strom.getvalue()
    assert hemmelig not in strom.getvalue()


def test_json_formatter_en_linje_med_feltene():
    formatter = jsonlogg.JsonFormatter()
    try:
        raise ValueError("æøå")
    except ValueError:
        record = logging.LogRecord("styringsportalen.foresporsel", logging.ERROR, __file__, 1, "GET %s", ("/x",),
                                   sys.exc_info())
    record.felt = {"method": "GET", "status": 500, "duration_ms": 1.5, "user_id": None}
    record.request_id = "abc"
    record.klientadresse = "192.0.2.1"
    tekst = formatter.format(record)
    assert "\n" not in tekst
    data = json.loads(tekst)
    assert data["message"] == "GET /x"
    assert data["level"] == "ERROR"
    assert data["logger"] == "styringsportalen.foresporsel"
    assert data["request_id"] == "abc"
    assert data["client"] == "192.0.2.1"
    assert data["status"] == 500 and data["user_id"] is None
    assert "ValueError: æøå" in data["exc_info"]
    assert data["time"].endswith("+00:00")


def test_log_format_json_gir_json_linjer_fra_innstillingene(tmp_path):
    """The real settings with LOG_FORMAT=json: every line on stderr is JSON, one per request."""
    kode = (
        "import django, logging; django.setup()\n"
        "from django.test import Client\n"
        "r = Client().get('/helse/', REMOTE_ADDR='198.51.100.7')\n"
        "print(r['X-Request-ID'])\n"
        "logging.getLogger('noe.annet').warning('hei %s', 'verden')\n"
    )
    miljo = {**os.environ, "LOG_FORMAT": "json", "DJANGO_SETTINGS_MODULE": "config.settings",
             "DATABASE_URL": f"sqlite:///{tmp_path / 'db.sqlite3'}"}
    ut = subprocess.run([sys.executable, "-c", kode], cwd=ROT, env=miljo, capture_output=True, text=True,
                        timeout=120, check=True)
    request_id = ut.stdout.strip().splitlines()[-1]
    linjer = [json.loads(linje) for linje in ut.stderr.splitlines() if linje.strip()]
    [forespørsel] = [x for x in linjer if x["logger"] == "styringsportalen.foresporsel"]
    assert forespørsel["request_id"] == request_id
    assert (forespørsel["method"], forespørsel["path"], forespørsel["status"]) == ("GET", "/helse/", 200)
    assert forespørsel["client"] == "198.51.100.7"
    assert forespørsel["user_id"] is None and forespørsel["duration_ms"] >= 0
    assert {"time", "level", "message"} <= forespørsel.keys()
    [annen] = [x for x in linjer if x["logger"] == "noe.annet"]
    assert annen["message"] == "hei verden"


# --- Celery tasks --------------------------------------------------------------------------------

@celery_app.task(name="tests.test_drift.prov_oppgave")
def prov_oppgave(x):
    logging.getLogger("tests.drift").warning("inne i oppgaven")
    if x < 0:
        raise ValueError("negativ")
    return x * 2


def test_oppgave_gir_én_logglinje_med_navn_id_tilstand_og_varighet(caplog):
    caplog.set_level(logging.INFO, logger="styringsportalen.oppgave")
    ok = prov_oppgave.apply(args=(2,))
    feilet = prov_oppgave.apply(args=(-1,))
    linjer = _linjer(caplog, "styringsportalen.oppgave")
    assert [(x["task"], x["task_id"], x["state"]) for x in linjer] == [
        ("tests.test_drift.prov_oppgave", ok.id, "SUCCESS"),
        ("tests.test_drift.prov_oppgave", feilet.id, "FAILURE"),
    ]
    assert all(isinstance(x["duration_ms"], float) and x["duration_ms"] >= 0 for x in linjer)
    assert linjer[0]["request_id"] == ok.id  # no web request behind it: the task id
    assert jsonlogg.gjeldende_request_id() is None  # reset after the task


def test_request_id_foelger_oppgaven_fra_forespørselen(caplog):
    caplog.set_level(logging.INFO, logger="styringsportalen.oppgave")
    token = jsonlogg.sett_request_id("req-123")
    try:
        headers: dict = {}
        celerylogg._send_request_id(headers=headers)
    finally:
        jsonlogg.tilbakestill_request_id(token)
    assert headers == {"request_id": "req-123"}
    # Eager apply: the header under task.request.headers; the task's own log lines carry it too.
    filter_ = jsonlogg.RequestIdFilter()
    fanget = []
    handler = logging.Handler()
    handler.emit = lambda record: fanget.append(record) if filter_.filter(record) else None
    logging.getLogger("tests.drift").addHandler(handler)
    try:
        resultat = prov_oppgave.apply(args=(1,), headers=headers)
    finally:
        logging.getLogger("tests.drift").removeHandler(handler)
    assert _linjer(caplog, "styringsportalen.oppgave")[-1]["request_id"] == "req-123"
    assert [r.request_id for r in fanget] == ["req-123"]
    assert resultat.result == 2
    # In a worker the header is an attribute of task.request.
    oppgave = mock.Mock(request=mock.Mock(request_id="req-456", spec=["request_id"]))
    oppgave.name = "x"
    celerylogg._oppgave_start(task_id="t1", task=oppgave)
    assert jsonlogg.gjeldende_request_id() == "req-456"
    celerylogg._oppgave_slutt(task_id="t1", task=oppgave, state="SUCCESS")
    assert jsonlogg.gjeldende_request_id() is None


# --- The 500 page --------------------------------------------------------------------------------

@pytest.mark.urls(URLCONF)
def test_500_siden_viser_request_id_og_logglinjen_har_den(db, caplog):
    caplog.set_level(logging.INFO, logger="styringsportalen.foresporsel")
    linjer: list[str] = []
    handler = logging.Handler()
    handler.addFilter(jsonlogg.RequestIdFilter())
    handler.setFormatter(jsonlogg.JsonFormatter())
    handler.emit = lambda record: linjer.append(handler.format(record))
    logging.getLogger("django.request").addHandler(handler)
    try:
        svar = Client(raise_request_exception=False).get("/test-feil/")
    finally:
        logging.getLogger("django.request").removeHandler(handler)
    assert svar.status_code == 500
    request_id = svar["X-Request-ID"]
    html = svar.content.decode()
    assert "Noe gikk galt" in html
    assert f'<strong id="feil-id">{request_id}</strong>' in html
    assert '<html lang="nb">' in html
    assert "planlagt feil" not in html
    [feil] = [json.loads(x) for x in linjer]
    assert feil["request_id"] == request_id
    assert feil["level"] == "ERROR"
    assert "RuntimeError: planlagt feil i testen" in feil["exc_info"]
    assert _linjer(caplog, "styringsportalen.foresporsel")[-1]["status"] == 500


def test_500_siden_klarer_seg_uten_kontekstprosessorer(rf):
    request = rf.get("/")
    request.request_id = "abc123"
    svar = jsonlogg.feilside_500(request)
    assert svar.status_code == 500
    assert b'<strong id="feil-id">abc123</strong>' in svar.content


# --- Sentry --------------------------------------------------------------------------------------

def test_sentry_av_uten_dsn():
    with mock.patch("sentry_sdk.init") as init:
        assert sentry.init_sentry("") is False
    init.assert_not_called()


def test_sentry_uten_pakken_gir_advarsel(monkeypatch, caplog):
    monkeypatch.setitem(sys.modules, "sentry_sdk", None)
    assert sentry.init_sentry("https://k@sentry.example/1") is False
    assert "sentry-sdk er ikke installert" in caplog.text


def test_sentry_init_uten_personopplysninger():
    with mock.patch("sentry_sdk.init") as init:
        assert sentry.init_sentry("https://k@sentry.example/1", environment="test") is True
    kwargs = init.call_args.kwargs
    assert kwargs["dsn"] == "https://k@sentry.example/1"
    assert kwargs["send_default_pii"] is False
    assert kwargs["before_send"] is sentry.foer_sending
    assert kwargs["environment"] == "test"


def test_sentry_hendelse_faar_request_id_og_mister_hemmeligheter():
    token = jsonlogg.sett_request_id("req-789")
    try:
        hendelse = sentry.foer_sending({
            "request": {"url": "https://styring.example.no/oppdrag/kalender/hemmelig123.ics",
                        "query_string": "token=hemmelig123"},
            "transaction": "/oppdrag/kalender/hemmelig123.ics",
        })
    finally:
        jsonlogg.tilbakestill_request_id(token)
    assert hendelse["tags"]["request_id"] == "req-789"
    assert hendelse["request"] == {"url": "https://styring.example.no/oppdrag/kalender/***.ics"}
    assert "hemmelig123" not in json.dumps(hendelse)


def test_sentry_fra_miljoet_fanger_500_med_request_id(tmp_path):
    """SENTRY_DSN in the environment switches Sentry on through the settings; a 500 reaches it with
    the request id of the 500 page. A transport that keeps the events stands in for the network."""
    kode = (
        "import json, sentry_sdk\n"
        "from sentry_sdk.transport import Transport\n"
        "hendelser = []\n"
        "class Fang(Transport):\n"
        "    def capture_envelope(self, envelope):\n"
        "        e = envelope.get_event()\n"
        "        if e: hendelser.append(e)\n"
        "ekte_init = sentry_sdk.init\n"
        "sentry_sdk.init = lambda **kw: ekte_init(transport=Fang(), **kw)\n"
        "import django; django.setup()\n"
        "from django.test import Client, override_settings\n"
        "with override_settings(ROOT_URLCONF='tests.test_drift', DEBUG=False):\n"
        "    r = Client(raise_request_exception=False).get('/test-feil/')\n"
        "sentry_sdk.flush()\n"
        "print(json.dumps({'status': r.status_code, 'id': r['X-Request-ID'], 'hendelser': hendelser},"
        " default=str))\n"
    )
    miljo = {**os.environ, "SENTRY_DSN": "https://offentlig@sentry.example.invalid/1",
             "DJANGO_SETTINGS_MODULE": "config.settings", "DATABASE_URL": f"sqlite:///{tmp_path / 'db.sqlite3'}"}
    ut = subprocess.run([sys.executable, "-c", kode], cwd=ROT, env=miljo, capture_output=True, text=True,
                        timeout=120)
    assert ut.returncode == 0, ut.stderr[-3000:]
    data = json.loads(ut.stdout.strip().splitlines()[-1])
    assert data["status"] == 500
    feil = [h for h in data["hendelser"] if h.get("exception")]
    assert feil, data
    assert feil[0]["tags"]["request_id"] == data["id"]
    assert feil[0]["exception"]["values"][-1]["type"] == "RuntimeError"
    assert feil[0].get("user", {}).get("ip_address") is None  # send_default_pii=False


# --- deploy/helsesjekk.py ------------------------------------------------------------------------

def test_helsesjekk_vertsnavn():
    assert helsesjekk.vertsnavn("styring.example.no,localhost") == "styring.example.no"
    assert helsesjekk.vertsnavn(" .example.no") == "example.no"
    assert helsesjekk.vertsnavn("*") == "localhost"
    assert helsesjekk.vertsnavn("") == "localhost"


def test_helsesjekk_web_mot_en_ekte_server(live_server, capsys):
    assert helsesjekk.main(["web", "--url", f"{live_server.url}/helse/", "--timeout", "10"]) == 0
    assert capsys.readouterr().out.startswith("OK: ")
    assert helsesjekk.main(["web", "--url", f"{live_server.url}/helse/finnes-ikke/", "--timeout", "10"]) == 1
    assert helsesjekk.main(["web", "--url", f"http://127.0.0.1:{_lukket_port()}/helse/", "--timeout", "5"]) == 1
    assert "FEIL: " in capsys.readouterr().out


@pytest.mark.parametrize("filer", [["celerybeat-schedule"], ["celerybeat-schedule.dat", "celerybeat-schedule.dir"]])
def test_helsesjekk_beat_ser_paa_planfilens_alder(tmp_path, filer):
    plan = tmp_path / "celerybeat-schedule"
    assert helsesjekk.sjekk_beat(str(plan), 600)[0] is False  # not written yet
    for navn in filer:
        (tmp_path / navn).write_bytes(b"x")
    naa = time.time()
    assert helsesjekk.sjekk_beat(str(plan), 600, naa=naa)[0] is True
    gammel = naa - 700
    for navn in filer:
        os.utime(tmp_path / navn, (gammel, gammel))
    ok, tekst = helsesjekk.sjekk_beat(str(plan), 600, naa=naa)
    assert ok is False and "700 s" in tekst


@pytest.mark.services
def test_ekte_worker_logger_json_og_svarer_paa_helsesjekken(tmp_path):
    """A real worker on Redis with LOG_FORMAT=json: the task line is JSON with the request id of the
    process that enqueued it, and the compose health check (`celery inspect ping -d`) answers."""
    koe, node = f"drift-{os.getpid()}", f"drift{os.getpid()}@{socket.gethostname()}"
    miljo = {**os.environ, "LOG_FORMAT": "json", "DJANGO_SETTINGS_MODULE": "config.settings",
             "DATABASE_URL": f"sqlite:///{tmp_path / 'db.sqlite3'}"}
    logg = tmp_path / "worker.log"
    with open(logg, "w") as ut:
        worker = subprocess.Popen(
            [sys.executable, "-m", "celery", "-A", "config", "worker", "--pool=solo", "-Q", koe, "-n", node,
             "-I", "tests.test_drift", "--loglevel=INFO", "--without-mingle", "--without-gossip"],
            cwd=ROT, env=miljo, stdout=ut, stderr=subprocess.STDOUT)
    try:
        send = (
            "import django; django.setup()\n"
            "from config.jsonlogg import sett_request_id\n"
            "from tests.test_drift import prov_oppgave\n"
            "sett_request_id('req-til-worker')\n"
            f"print(prov_oppgave.apply_async((3,), queue={koe!r}).id)\n"
        )
        task_id = subprocess.run([sys.executable, "-c", send], cwd=ROT, env=miljo, capture_output=True, text=True,
                                 timeout=120, check=True).stdout.strip().splitlines()[-1]
        linje = None
        frist = time.monotonic() + 90
        while linje is None and time.monotonic() < frist:
            for tekst in logg.read_text().splitlines():
                if tekst.startswith("{") and '"styringsportalen.oppgave"' in tekst and task_id in tekst:
                    linje = json.loads(tekst)
            time.sleep(0.5)
        assert linje is not None, logg.read_text()[-3000:]
        assert (linje["task"], linje["state"], linje["request_id"]) == ("tests.test_drift.prov_oppgave", "SUCCESS",
                                                                         "req-til-worker")
        inne = [json.loads(x) for x in logg.read_text().splitlines() if '"tests.drift"' in x]
        assert [x["request_id"] for x in inne] == ["req-til-worker"]  # the task's own log lines carry it
        ping = subprocess.run([sys.executable, "-m", "celery", "-A", "config", "inspect", "ping", "-d", node,
                               "--timeout", "10"], cwd=ROT, env=miljo, capture_output=True, text=True, timeout=120)
        assert ping.returncode == 0, ping.stdout + ping.stderr
        annen = subprocess.run([sys.executable, "-m", "celery", "-A", "config", "inspect", "ping", "-d",
                                f"finnes-ikke@{socket.gethostname()}", "--timeout", "2"], cwd=ROT, env=miljo,
                               capture_output=True, text=True, timeout=120)
        assert annen.returncode != 0  # the health check fails when that worker does not answer
    finally:
        worker.terminate()
        worker.wait(timeout=30)
