"""The client address behind (and without) a reverse proxy, and login lockout on username + address.

The lockout must hit the address the guesses come from and nobody else: a stranger cannot lock the
owner out from elsewhere, a forged X-Forwarded-For neither dodges the lock nor moves it onto
someone else's address, and behind a trusted proxy the lock is on the real client, not the proxy.
"""

from __future__ import annotations

import logging
import runpy
from pathlib import Path

import pytest
from axes.models import AccessAttempt
from django.test import RequestFactory

from brukere.klientadresse import KlientadresseFilter, KlientadresseMiddleware, klientadresse
from brukere.models import Rolle
from tests.factories import UserFactory

PASSORD = "et-langt-testpassord"
PROXY = "172.18.0.5"  # the Caddy container as gunicorn sees it
ANGRIPER = "203.0.113.7"
EIER = "198.51.100.20"


def _forespoersel(remote: str, xff: str | None = None, **meta):
    if xff is not None:
        meta["HTTP_X_FORWARDED_FOR"] = xff
    return RequestFactory().get("/", REMOTE_ADDR=remote, **meta)


# --- the address itself ---------------------------------------------------------------------------


def test_uten_betrodd_proxy_ignoreres_x_forwarded_for(settings):
    settings.TRUSTED_PROXIES = 0
    assert klientadresse(_forespoersel(ANGRIPER, xff=EIER)) == ANGRIPER
    assert klientadresse(_forespoersel(ANGRIPER)) == ANGRIPER


@pytest.mark.parametrize(
    ("antall", "xff", "forventet"),
    [
        (1, EIER, EIER),  # Caddy appended the client it saw
        (1, f"{ANGRIPER}, {EIER}", EIER),  # client forged the leftmost entry; the proxy's entry wins
        (1, f" {ANGRIPER} ,{EIER} ", EIER),
        (2, f"{ANGRIPER}, {EIER}, 10.0.0.2", EIER),  # load balancer -> Caddy -> gunicorn
        (2, EIER, EIER),  # fewer entries than proxies: the leftmost is all we know
        (1, "", PROXY),  # no header at all: the peer
        (1, "2001:db8::1", "2001:db8::1"),
        (1, f"{EIER}, ikke-en-adresse", PROXY),  # not an IP where the proxy should have put one
    ],
)
def test_med_betrodde_proxyer_gjelder_hoeyre_ikke_betrodde_ledd(settings, antall, xff, forventet):
    settings.TRUSTED_PROXIES = antall
    assert klientadresse(_forespoersel(PROXY, xff=xff)) == forventet


def test_x_forwarded_proto_troes_bare_med_betrodd_proxy(monkeypatch):
    settings_fil = Path(__file__).resolve().parents[2] / "config" / "settings.py"
    monkeypatch.setenv("DJANGO_DEBUG", "0")
    monkeypatch.setenv("SECRET_KEY", "test")
    monkeypatch.delenv("TRUSTED_PROXIES", raising=False)
    uten = runpy.run_path(str(settings_fil))
    assert uten["TRUSTED_PROXIES"] == 0 and "SECURE_PROXY_SSL_HEADER" not in uten
    monkeypatch.setenv("TRUSTED_PROXIES", "1")
    med = runpy.run_path(str(settings_fil))
    assert med["SECURE_PROXY_SSL_HEADER"] == ("HTTP_X_FORWARDED_PROTO", "https")


def test_forfalsket_x_forwarded_proto_gjor_ikke_forespoerselen_sikker(settings, client):
    settings.SECURE_PROXY_SSL_HEADER = None  # TRUSTED_PROXIES=0
    assert not _forespoersel(ANGRIPER, HTTP_X_FORWARDED_PROTO="https").is_secure()
    settings.SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")  # TRUSTED_PROXIES=1
    assert _forespoersel(PROXY, HTTP_X_FORWARDED_PROTO="https").is_secure()


def test_loggposter_under_en_forespoersel_har_klientadressen(settings):
    settings.TRUSTED_PROXIES = 1
    filter_ = KlientadresseFilter()
    sett: list[str] = []

    def visning(request):
        post = logging.LogRecord("styring", logging.WARNING, __file__, 1, "noe skjedde", None, None)
        filter_.filter(post)
        sett.append(post.klientadresse)
        return "svar"

    request = _forespoersel(PROXY, xff=f"{ANGRIPER}, {EIER}")
    assert KlientadresseMiddleware(visning)(request) == "svar"
    assert sett == [EIER] and request.klientadresse == EIER
    # Outside a request (tasks, commands) the field is "-"; django.request's own records carry
    # the request and are logged after the middleware has returned.
    utenfor = logging.LogRecord("x", logging.INFO, __file__, 1, "m", None, None)
    filter_.filter(utenfor)
    assert utenfor.klientadresse == "-"
    django_request = logging.LogRecord("django.request", logging.WARNING, __file__, 1, "m", None, None)
    django_request.request = request
    filter_.filter(django_request)
    assert django_request.klientadresse == EIER


# --- lockout on username + address ----------------------------------------------------------------


def _logg_inn(client, passord: str, **meta):
    return client.post("/logg-inn/", {"username": "imdi.leder", "password": passord}, **meta)


def _sperr(client, settings, **meta) -> None:
    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        assert _logg_inn(client, "feil-passord", **meta).status_code == 200
    assert _logg_inn(client, "feil-passord", **meta).status_code == 429


@pytest.mark.django_db
def test_fremmed_uten_proxy_sperrer_bare_seg_selv(client, settings):
    settings.TRUSTED_PROXIES = 0
    UserFactory(username="imdi.leder", rolle=Rolle.VIRKSOMHET_LEDER)
    _sperr(client, settings, REMOTE_ADDR=ANGRIPER)

    r = _logg_inn(client, PASSORD, REMOTE_ADDR=ANGRIPER)
    assert r.status_code == 429 and "midlertidig sperret" in r.content.decode()
    # A forged X-Forwarded-For does not get the stranger out of the lock ...
    r = _logg_inn(client, PASSORD, REMOTE_ADDR=ANGRIPER, HTTP_X_FORWARDED_FOR=EIER)
    assert r.status_code == 429 and "_auth_user_id" not in client.session
    # ... and the owner, from another address, logs in.
    r = _logg_inn(client, PASSORD, REMOTE_ADDR=EIER)
    assert r.status_code == 302 and client.session["_auth_user_id"]


@pytest.mark.django_db
def test_forfalsket_x_forwarded_for_uten_proxy_flytter_ikke_sperren(client, settings):
    settings.TRUSTED_PROXIES = 0
    UserFactory(username="imdi.leder", rolle=Rolle.VIRKSOMHET_LEDER)
    # Every guess claims to come from the owner's address (and a different one each time).
    for i in range(settings.AXES_FAILURE_LIMIT):
        _logg_inn(client, "feil-passord", REMOTE_ADDR=ANGRIPER, HTTP_X_FORWARDED_FOR=f"{EIER}, 10.9.9.{i}")
    assert set(AccessAttempt.objects.values_list("ip_address", flat=True)) == {ANGRIPER}
    assert _logg_inn(client, PASSORD, REMOTE_ADDR=ANGRIPER).status_code == 429
    assert _logg_inn(client, PASSORD, REMOTE_ADDR=EIER).status_code == 302


@pytest.mark.django_db
def test_bak_betrodd_proxy_sperres_den_egentlige_klienten(client, settings):
    settings.TRUSTED_PROXIES = 1
    UserFactory(username="imdi.leder", rolle=Rolle.VIRKSOMHET_LEDER)
    # Every request reaches gunicorn from the proxy; the guesser also forges an entry.
    _sperr(client, settings, REMOTE_ADDR=PROXY, HTTP_X_FORWARDED_FOR=f"{EIER}, {ANGRIPER}")
    assert set(AccessAttempt.objects.values_list("ip_address", flat=True)) == {ANGRIPER}

    r = _logg_inn(client, PASSORD, REMOTE_ADDR=PROXY, HTTP_X_FORWARDED_FOR=ANGRIPER)
    assert r.status_code == 429 and "midlertidig sperret" in r.content.decode()
    r = _logg_inn(client, PASSORD, REMOTE_ADDR=PROXY, HTTP_X_FORWARDED_FOR=EIER)
    assert r.status_code == 302 and client.session["_auth_user_id"]


@pytest.mark.django_db
def test_uten_proxyinnstilling_bak_proxy_deler_alle_proxyens_adresse(client, settings):
    """Why the setting matters: behind a proxy with TRUSTED_PROXIES=0, everyone is the proxy."""
    settings.TRUSTED_PROXIES = 0
    UserFactory(username="imdi.leder", rolle=Rolle.VIRKSOMHET_LEDER)
    _sperr(client, settings, REMOTE_ADDR=PROXY, HTTP_X_FORWARDED_FOR=ANGRIPER)
    assert _logg_inn(client, PASSORD, REMOTE_ADDR=PROXY, HTTP_X_FORWARDED_FOR=EIER).status_code == 429
