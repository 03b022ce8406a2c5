"""Who may open the edit pages: role × URL × letter state, CSRF, and the overview's query count."""

from __future__ import annotations

from datetime import date

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from brukere.models import Rolle
from styring.models import Brevavsnitt, Maal, Tillegg
from tests.factories import (
    BudsjettbindingFactory,
    BudsjettkapittelFactory,
    BudsjettpostFactory,
    DepartementFactory,
    FristFactory,
    MaalFactory,
    ObservatorFactory,
    OppdragFactory,
    StyringsparameterFactory,
    TildelingsbrevFactory,
    TilskuddFactory,
    UserFactory,
    VirksomhetFactory,
)

pytestmark = pytest.mark.django_db


class Verden:
    def __init__(self):
        self.dep, self.dep2 = DepartementFactory(), DepartementFactory()
        self.virk = VirksomhetFactory()
        self.fjor = TildelingsbrevFactory(virksomhet=self.virk, departement=self.dep, aar=2024, sendt_brev=True)
        self.utkast = TildelingsbrevFactory(virksomhet=self.virk, departement=self.dep, aar=2025)
        self.tidligere = OppdragFactory(tildelingsbrev=self.fjor, nummer="2024-01")
        FristFactory(oppdrag=self.tidligere, tildelingsbrev=self.fjor, dato=date(2025, 6, 1), tekst="01.06.2025")
        self.tillegg = Tillegg.objects.create(tildelingsbrev=self.fjor, nummer=1)
        self.users = {
            "redaktor": UserFactory(organisasjon=self.dep, rolle=Rolle.DEPARTEMENT_REDAKTOR),
            "godkjenner": UserFactory(organisasjon=self.dep, rolle=Rolle.DEPARTEMENT_GODKJENNER),
            "annet_dep": UserFactory(organisasjon=self.dep2, rolle=Rolle.DEPARTEMENT_REDAKTOR),
            "virksomhet": UserFactory(organisasjon=self.virk, rolle=Rolle.VIRKSOMHET_KONTAKT),
            "observator": UserFactory(organisasjon=ObservatorFactory(), rolle=Rolle.OBSERVATOR),
            "admin": UserFactory(organisasjon=None, rolle=Rolle.ADMINISTRATOR, is_superuser=True, is_staff=True),
        }

    def objekter(self, brev, tillegg=None):
        maal = MaalFactory(tildelingsbrev=brev, nummer=Maal.objects.filter(tildelingsbrev=brev).count() + 1)
        kap = BudsjettkapittelFactory(tildelingsbrev=brev)
        return {
            "maal": maal, "sp": StyringsparameterFactory(maal=maal),
            "avsnitt": Brevavsnitt.objects.create(tildelingsbrev=brev, tillegg=tillegg, tittel="Kapittel"),
            "oppdrag": OppdragFactory(tildelingsbrev=brev, maal=maal, tillegg=tillegg),
            "kapittel": kap, "post": BudsjettpostFactory(kapittel=kap),
        }


BREV_URLER = [
    ("rediger-brev", lambda o: {}), ("rediger-oversikt", lambda o: {}),
    ("rediger-avsnitt-ny", lambda o: {}), ("rediger-avsnitt", lambda o: {"avsnitt_pk": o["avsnitt"].pk}),
    ("rediger-avsnitt-slett", lambda o: {"avsnitt_pk": o["avsnitt"].pk}),
    ("rediger-maal-ny", lambda o: {}), ("rediger-maal", lambda o: {"maal_pk": o["maal"].pk}),
    ("rediger-maal-slett", lambda o: {"maal_pk": o["maal"].pk}),
    ("rediger-sp-ny", lambda o: {"maal_pk": o["maal"].pk}), ("rediger-sp", lambda o: {"sp_pk": o["sp"].pk}),
    ("rediger-sp-slett", lambda o: {"sp_pk": o["sp"].pk}),
    ("rediger-oppdrag-ny", lambda o: {}), ("rediger-oppdrag", lambda o: {"oppdrag_pk": o["oppdrag"].pk}),
    ("rediger-oppdrag-slett", lambda o: {"oppdrag_pk": o["oppdrag"].pk}),
    ("rediger-tidligere", lambda o: {"oppdrag_pk": o["tidligere"].pk}),
    ("rediger-kapittel-ny", lambda o: {}), ("rediger-kapittel", lambda o: {"kapittel_pk": o["kapittel"].pk}),
    ("rediger-kapittel-slett", lambda o: {"kapittel_pk": o["kapittel"].pk}),
    ("rediger-post-ny", lambda o: {"kapittel_pk": o["kapittel"].pk}),
    ("rediger-post", lambda o: {"post_pk": o["post"].pk}), ("rediger-post-slett", lambda o: {"post_pk": o["post"].pk}),
]
TILLEGG_URLER = [
    ("rediger-tillegg", lambda o: {}), ("rediger-tillegg-budsjett", lambda o: {}),
    ("rediger-tillegg-avsnitt-ny", lambda o: {}),
    ("rediger-tillegg-avsnitt", lambda o: {"avsnitt_pk": o["avsnitt"].pk}),
    ("rediger-tillegg-avsnitt-slett", lambda o: {"avsnitt_pk": o["avsnitt"].pk}),
    ("rediger-tillegg-oppdrag-ny", lambda o: {}),
    ("rediger-tillegg-oppdrag", lambda o: {"oppdrag_pk": o["oppdrag"].pk}),
    ("rediger-tillegg-oppdrag-slett", lambda o: {"oppdrag_pk": o["oppdrag"].pk}),
    ("rediger-tillegg-tidligere", lambda o: {"oppdrag_pk": o["tidligere"].pk}),
]

# Expected status per role. Drafts are invisible outside the ministry (404); what a user can see
# but not change is 403; the ministry's own sent letter is locked (403 with the way to a tillegg).
UTKAST = {"redaktor": 200, "godkjenner": 200, "annet_dep": 404, "virksomhet": 404, "observator": 404, "admin": 403}
SENDT = {"redaktor": 403, "godkjenner": 403, "annet_dep": 404, "virksomhet": 403, "observator": 403, "admin": 403}
TILLEGG_UTKAST = {"redaktor": 200, "godkjenner": 200, "annet_dep": 404, "virksomhet": 404, "observator": 404,
                  "admin": 403}


@pytest.fixture
def verden():
    return Verden()


def _status(user, url):
    c = Client()
    c.force_login(user)
    return c.get(url).status_code


@pytest.mark.parametrize("rolle", list(UTKAST))
def test_utkast_kan_bare_redigeres_av_departementet(verden, rolle):
    obj = {**verden.objekter(verden.utkast), "tidligere": verden.tidligere}
    for navn, kw in BREV_URLER:
        url = reverse(f"brev:{navn}", kwargs={"pk": verden.utkast.pk, **kw(obj)})
        assert _status(verden.users[rolle], url) == UTKAST[rolle], (rolle, navn)


@pytest.mark.parametrize("rolle", list(SENDT))
def test_sendt_brev_er_laast_for_alle(verden, rolle):
    obj = {**verden.objekter(verden.fjor), "tidligere": verden.tidligere}
    for navn, kw in BREV_URLER:
        if navn in ("rediger-oversikt", "rediger-tidligere"):
            continue  # the overview of a sent letter leads to its tillegg; checked below
        url = reverse(f"brev:{navn}", kwargs={"pk": verden.fjor.pk, **kw(obj)})
        assert _status(verden.users[rolle], url) == SENDT[rolle], (rolle, navn)


def test_oversikten_over_sendt_brev_viser_tilleggene(verden):
    c = Client()
    c.force_login(verden.users["redaktor"])
    side = c.get(reverse("brev:rediger-oversikt", args=[verden.fjor.pk])).content.decode()
    assert "Brevet er sendt og kan ikke endres. Endringer gjøres i et tillegg." in side
    assert reverse("brev:rediger-tillegg", args=[verden.fjor.pk, 1]) in side
    assert _status(verden.users["virksomhet"], reverse("brev:rediger-oversikt", args=[verden.fjor.pk])) == 403


@pytest.mark.parametrize("rolle", list(TILLEGG_UTKAST))
def test_tillegg_til_sendt_brev_redigeres_av_departementet(verden, rolle):
    eldre = TildelingsbrevFactory(virksomhet=verden.virk, departement=verden.dep, aar=2023, sendt_brev=True)
    obj = {**verden.objekter(verden.fjor, verden.tillegg), "tidligere": OppdragFactory(tildelingsbrev=eldre)}
    for navn, kw in TILLEGG_URLER:
        url = reverse(f"brev:{navn}", kwargs={"pk": verden.fjor.pk, "nr": 1, **kw(obj)})
        assert _status(verden.users[rolle], url) == TILLEGG_UTKAST[rolle], (rolle, navn)


def test_anonym_sendes_til_innlogging(verden):
    r = Client().get(reverse("brev:rediger-brev", args=[verden.utkast.pk]))
    assert r.status_code == 302 and "logg-inn" in r.url


def test_forfalsket_id_fra_annet_brev_gir_404(verden):
    annet = TildelingsbrevFactory(virksomhet=verden.virk, departement=verden.dep, aar=2026)
    fremmed_maal = MaalFactory(tildelingsbrev=annet, nummer=1)
    url = reverse("brev:rediger-maal", args=[verden.utkast.pk, fremmed_maal.pk])
    assert _status(verden.users["redaktor"], url) == 404


def test_post_uten_csrf_token_avvises(verden):
    c = Client(enforce_csrf_checks=True)
    c.force_login(verden.users["redaktor"])
    r = c.post(reverse("brev:rediger-maal-ny", args=[verden.utkast.pk]), {"nummer": "7", "tittel": "Uten token"})
    assert r.status_code == 403
    assert not Maal.objects.filter(tittel="Uten token").exists()
    side = c.get(reverse("brev:rediger-maal-ny", args=[verden.utkast.pk])).content.decode()
    assert 'name="csrfmiddlewaretoken"' in side


def test_flytting_krever_post(verden):
    a = Brevavsnitt.objects.create(tildelingsbrev=verden.utkast, tittel="A")
    c = Client()
    c.force_login(verden.users["redaktor"])
    assert c.get(reverse("brev:rediger-avsnitt-flytt", args=[verden.utkast.pk, a.pk])).status_code == 405


def _fyll(brev, n):
    start = Maal.objects.filter(tildelingsbrev=brev).count()
    for i in range(n):
        maal = MaalFactory(tildelingsbrev=brev, nummer=start + i + 1)
        StyringsparameterFactory(maal=maal)
        o = OppdragFactory(tildelingsbrev=brev, maal=maal)
        FristFactory(oppdrag=o, tildelingsbrev=brev)
        Brevavsnitt.objects.create(tildelingsbrev=brev, tittel=f"Kapittel {start + i}", rekkefolge=start + i)
        post = BudsjettpostFactory(kapittel=BudsjettkapittelFactory(tildelingsbrev=brev))
        BudsjettbindingFactory(post=post)
        TilskuddFactory(post=post)


def test_oversikten_har_fast_antall_sporringer(verden, django_assert_num_queries):
    c = Client()
    c.force_login(verden.users["redaktor"])
    url = reverse("brev:rediger-oversikt", args=[verden.utkast.pk])
    _fyll(verden.utkast, 2)
    c.get(url)  # warm the session and the user
    with CaptureQueriesContext(connection) as ctx:
        assert c.get(url).status_code == 200
    antall = len(ctx.captured_queries)
    assert antall <= 22  # 16 before målområder, rapporteringskrav, risk definitions and samarbeidspartnere
    _fyll(verden.utkast, 40)
    with django_assert_num_queries(antall):
        side = c.get(url).content.decode()
    assert side.count("Flytt opp<span") == 41
