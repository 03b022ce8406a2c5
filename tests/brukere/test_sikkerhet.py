"""Login protection, the Content-Security-Policy, and the single sign-on backend."""

from __future__ import annotations

import pytest
from axes.models import AccessAttempt
from axes.utils import reset

from brukere.models import Rolle
from brukere.oidc import PortalOIDCBackend
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def test_innlogging_sperres_etter_for_mange_feil(client, settings):
    bruker = UserFactory(username="kari", rolle=Rolle.VIRKSOMHET_KONTAKT)
    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        r = client.post("/logg-inn/", {"username": "kari", "password": "feil-passord"})
        assert "Feil brukernavn eller passord" in r.content.decode()
    r = client.post("/logg-inn/", {"username": "kari", "password": "feil-passord"})
    assert r.status_code == 429  # the attempt that reaches the limit locks
    # Now even the right password is refused, with a Norwegian explanation.
    r = client.post("/logg-inn/", {"username": "kari", "password": "et-langt-testpassord"})
    assert r.status_code == 429
    assert "midlertidig sperret" in r.content.decode()
    assert "_auth_user_id" not in client.session
    # The right password during the lock was counted as one more failure, not let through.
    assert AccessAttempt.objects.get(username="kari").failures_since_start == settings.AXES_FAILURE_LIMIT + 1
    # The lock is on the attempts, not the account: lifted (as the cool-off does), the password works.
    bruker.refresh_from_db()
    assert bruker.is_active
    reset(username="kari")
    r = client.post("/logg-inn/", {"username": "kari", "password": "et-langt-testpassord"})
    assert r.status_code == 302 and client.session["_auth_user_id"] == str(bruker.pk)


def test_riktig_passord_logger_inn(client):
    UserFactory(username="ola", rolle=Rolle.VIRKSOMHET_KONTAKT)
    r = client.post("/logg-inn/", {"username": "ola", "password": "et-langt-testpassord"})
    assert r.status_code == 302 and r["Location"] == "/"


def test_streng_csp_uten_inline_skript_eller_stil(client):
    r = client.get("/logg-inn/")
    csp = r["Content-Security-Policy"]
    assert "script-src 'self'" in csp and "style-src 'self'" in csp and "frame-ancestors 'none'" in csp
    assert "unsafe-inline" not in csp
    html = r.content.decode()
    assert "<style" not in html and " style=" not in html and "<script>" not in html


def test_oidc_finner_eksisterende_bruker_paa_epost_og_oppretter_ingen():
    kari = UserFactory(username="kari.n", email="Kari.Nordmann@imdi.no", rolle=Rolle.VIRKSOMHET_KONTAKT)
    backend = PortalOIDCBackend.__new__(PortalOIDCBackend)
    backend.UserModel = type(kari)
    assert list(backend.filter_users_by_claims({"email": "kari.nordmann@IMDI.no"})) == [kari]
    assert list(backend.filter_users_by_claims({"email": "ukjent@imdi.no"})) == []
    assert not backend.verify_claims({"sub": "123"})  # no e-mail: refused
    kari.is_active = False
    kari.save()
    assert list(backend.filter_users_by_claims({"email": "kari.nordmann@imdi.no"})) == []
