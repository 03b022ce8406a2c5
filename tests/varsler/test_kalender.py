"""Each user's secret calendar feed: the frister the user may see, revocable at once."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone
from icalendar import Calendar

from tests.factories import FristFactory, OppdragFactory, TildelingsbrevFactory, UserFactory
from varsler.models import Kalendertilgang

pytestmark = pytest.mark.django_db
INNSTILLINGER = reverse("varsler:kalender-innstillinger")


@pytest.fixture
def oppsett(settings):
    settings.SITE_URL = "https://portal.example.no"
    idag = timezone.localdate()
    brev = TildelingsbrevFactory(aar=idag.year, sendt_brev=True)
    egen = OppdragFactory(tildelingsbrev=brev, nummer=f"{idag.year}-04", tittel="Veileder for kommunene")
    frist = FristFactory(oppdrag=egen, tekst="Om to uker", dato=idag + timedelta(days=14))
    annen_brev = TildelingsbrevFactory(aar=idag.year, sendt_brev=True)
    annen = OppdragFactory(tildelingsbrev=annen_brev, nummer="A-1", tittel="Hemmelig for andre")
    FristFactory(oppdrag=annen, tekst="Snart", dato=idag + timedelta(days=10))
    gammel = OppdragFactory(tildelingsbrev=brev, nummer="G-1", tittel="For lenge siden")
    FristFactory(oppdrag=gammel, tekst="Gammel", dato=idag - timedelta(days=60))
    virk = UserFactory(organisasjon=brev.virksomhet, rolle="virk_kontakt")
    return {"brev": brev, "egen": egen, "frist": frist, "virk": virk, "dep": UserFactory(organisasjon=brev.departement)}


def lag_lenke(client, bruker) -> str:
    client.force_login(bruker)
    resp = client.post(INNSTILLINGER, {"handling": "lag"})
    assert resp.status_code == 200
    html = resp.content.decode()
    adresse = html.split('id="kalenderadresse" value="')[1].split('"')[0]
    assert adresse.startswith("https://portal.example.no/oppdrag/kalender/") and adresse.endswith(".ics")
    client.logout()
    return adresse.removeprefix("https://portal.example.no")


def test_feed_holds_the_users_frister_and_not_another_agencys(client, oppsett):
    sti = lag_lenke(client, oppsett["virk"])
    resp = client.get(sti)  # no login: calendar clients cannot log in
    assert resp.status_code == 200 and resp["Content-Type"].startswith("text/calendar")
    cal = Calendar.from_ical(resp.content)
    events = list(cal.walk("VEVENT"))
    sammendrag = [str(e["SUMMARY"]) for e in events]
    aar = timezone.localdate().year
    assert sammendrag == [f"Frist: {aar}-04 Veileder for kommunene"]
    ev = events[0]
    assert ev.decoded("DTSTART") == oppsett["frist"].dato  # all-day
    assert ev.decoded("DTEND") == oppsett["frist"].dato + timedelta(days=1)
    beskrivelse = str(ev["DESCRIPTION"])
    assert "Om to uker" in beskrivelse and f"https://portal.example.no/oppdrag/{oppsett['egen'].pk}/" in beskrivelse
    uid = str(ev["UID"])
    # The same occurrence keeps its UID between fetches, so calendars update instead of duplicating.
    assert [str(e["UID"]) for e in Calendar.from_ical(client.get(sti).content).walk("VEVENT")] == [uid]


def test_ministry_feed_holds_the_frister_of_its_agencies(client, oppsett):
    sti = lag_lenke(client, oppsett["dep"])
    sammendrag = [str(e["SUMMARY"]) for e in Calendar.from_ical(client.get(sti).content).walk("VEVENT")]
    assert len(sammendrag) == 1 and "Veileder for kommunene" in sammendrag[0]


def test_token_is_stored_hashed_and_shown_only_once(client, oppsett):
    sti = lag_lenke(client, oppsett["virk"])
    token = sti.split("/")[-1].removesuffix(".ics")
    tilgang = Kalendertilgang.objects.get(bruker=oppsett["virk"])
    assert token not in tilgang.token_hash and len(tilgang.token_hash) == 64
    client.force_login(oppsett["virk"])
    html = client.get(INNSTILLINGER).content.decode()
    assert token not in html and "Du har en aktiv kalenderlenke" in html


def test_renewed_or_revoked_token_gives_404_at_once(client, oppsett):
    gammel = lag_lenke(client, oppsett["virk"])
    ny = lag_lenke(client, oppsett["virk"])
    assert client.get(gammel).status_code == 404
    assert client.get(ny).status_code == 200
    client.force_login(oppsett["virk"])
    resp = client.post(INNSTILLINGER, {"handling": "slett"})
    assert resp.status_code == 302
    client.logout()
    assert client.get(ny).status_code == 404
    assert not Kalendertilgang.objects.exists()
    assert client.get("/oppdrag/kalender/gjettet-token.ics").status_code == 404


def test_feed_follows_the_owners_current_access(client, oppsett):
    sti = lag_lenke(client, oppsett["virk"])
    bruker = oppsett["virk"]
    bruker.is_active = False
    bruker.save()
    assert client.get(sti).status_code == 404
    bruker.is_active = True
    bruker.organisasjon = TildelingsbrevFactory(aar=2020, sendt_brev=True).virksomhet  # moved to another agency
    bruker.save()
    assert list(Calendar.from_ical(client.get(sti).content).walk("VEVENT")) == []


def test_settings_page_requires_login_and_post_for_changes(client, oppsett):
    assert client.get(INNSTILLINGER).status_code == 302
    client.force_login(oppsett["virk"])
    html = client.get(INNSTILLINGER).content.decode()
    assert "Du har ingen kalenderlenke." in html and "<h1>" in html
    assert not Kalendertilgang.objects.exists()
