"""Error pages in Norwegian with the portal's header, menu and a way back (#12 item 6)."""

from __future__ import annotations

import logging

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import path, reverse

from brukere.models import Rolle
from config import jsonlogg
from config.urls import handler400, handler403, handler404, handler500  # noqa: F401 - this module is a URLconf
from config.urls import urlpatterns as _portal_urls
from tests.factories import TildelingsbrevFactory, UserFactory

pytestmark = pytest.mark.django_db


def _feiler(request):
    raise RuntimeError("planlagt feil i testen")


urlpatterns = [*_portal_urls, path("test-feil/", _feiler)]


def _innlogget(user) -> Client:
    c = Client(raise_request_exception=False)
    c.force_login(user)
    return c


def _har_meny_og_vei_tilbake(html: str) -> None:
    assert 'aria-label="Hovedmeny"' in html
    assert f'href="{reverse("min-side")}"' in html
    assert '<html lang="nb"' in html


def test_403_sier_hvorfor_med_meny():
    brev = TildelingsbrevFactory(status="til_godkjenning")
    redaktor = UserFactory(organisasjon=brev.departement, rolle=Rolle.DEPARTEMENT_REDAKTOR)
    r = _innlogget(redaktor).post(reverse("brev:brev-send", args=[brev.pk]))
    assert r.status_code == 403
    html = r.content.decode()
    assert "Ingen tilgang" in html
    assert "Bare en godkjenner i departementet kan godkjenne og sende tildelingsbrevet." in html
    _har_meny_og_vei_tilbake(html)
    brev.refresh_from_db()
    assert brev.status == "til_godkjenning"


def test_403_for_virksomheten_gir_grunnen():
    brev = TildelingsbrevFactory(sendt_brev=True)
    kontakt = UserFactory(organisasjon=brev.virksomhet, rolle=Rolle.VIRKSOMHET_KONTAKT)  # sees the sent letter
    r = _innlogget(kontakt).post(reverse("brev:tillegg-opprett", args=[brev.pk]))
    assert r.status_code == 403
    assert "Bare departementet som sendte brevet, kan lage tillegg til det." in r.content.decode()
    assert not brev.tillegg.exists()


def test_404_paa_norsk_med_meny():
    r = _innlogget(UserFactory()).get("/brev/999999/")
    assert r.status_code == 404
    html = r.content.decode()
    assert "Fant ikke siden (404)" in html
    assert "No Tildelingsbrev" not in html and "Page not found" not in html
    _har_meny_og_vei_tilbake(html)


def test_404_uten_innlogging_viser_veien_til_innlogging():
    r = Client().get("/finnes-ikke/")
    assert r.status_code == 404
    assert f'href="{reverse("logg-inn")}"' in r.content.decode()


def test_400_ved_ukjent_vertsnavn():
    r = Client().get("/logg-inn/", HTTP_HOST="angriper.example")
    assert r.status_code == 400
    html = r.content.decode()
    assert "Ugyldig forespørsel (400)" in html and "Bad Request" not in html


def test_csrf_feil_forklart_paa_norsk():
    brev = TildelingsbrevFactory(status="til_godkjenning")
    godkjenner = UserFactory(organisasjon=brev.departement, godkjenner=True)
    c = Client(enforce_csrf_checks=True)
    c.force_login(godkjenner)
    r = c.post(reverse("brev:brev-send", args=[brev.pk]))
    assert r.status_code == 403
    assert "sikkerhetskoden (CSRF)" in r.content.decode()
    brev.refresh_from_db()
    assert brev.status == "til_godkjenning"


def test_429_sperret_innlogging_har_vei_tilbake(settings):
    settings.AXES_FAILURE_LIMIT = 2
    UserFactory(username="sperres")
    c = Client()
    for _ in range(2):
        r = c.post(reverse("logg-inn"), {"username": "sperres", "password": "feil-passord-her"})
    assert r.status_code == 429
    html = r.content.decode()
    assert "midlertidig sperret (429)" in html
    assert f'href="{reverse("logg-inn")}"' in html


@pytest.mark.urls(__name__)
def test_500_har_meny_og_feil_id_som_staar_i_tekstloggen(caplog):
    caplog.set_level(logging.ERROR, logger="django.request")
    with CaptureQueriesContext(connection) as sporringer:
        r = Client(raise_request_exception=False).get("/test-feil/")
    assert r.status_code == 500
    html = r.content.decode()
    request_id = r["X-Request-ID"]
    assert f'<strong id="feil-id">{request_id}</strong>' in html
    assert 'aria-label="Hovedmeny"' in html and "Noe gikk galt (500)" in html
    assert len(sporringer) == 0  # neither the view nor the page touched the database
    # The text log line (the default format) carries the same id as the page, with the traceback.
    fmt = logging.Formatter(_tekstformat())
    [post] = [p for p in caplog.records if p.name == "django.request"]
    jsonlogg.RequestIdFilter().filter(post)
    post.klientadresse = "-"
    linje = fmt.format(post)
    assert f"[{request_id}]" in linje and "RuntimeError: planlagt feil i testen" in linje


def _tekstformat() -> str:
    from django.conf import settings
    return settings.LOGGING["formatters"]["standard"]["format"]


def test_500_siden_lages_naar_databasen_er_nede(rf, monkeypatch):
    def nede(*args, **kwargs):
        raise RuntimeError("databasen er nede")

    monkeypatch.setattr(connection, "cursor", nede)
    request = rf.get("/")
    request.request_id = "nede-1"
    r = jsonlogg.feilside_500(request)
    assert r.status_code == 500
    assert b"Noe gikk galt (500)" in r.content and b'id="feil-id">nede-1<' in r.content
