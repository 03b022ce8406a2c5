"""A user's frister as an iCalendar feed (all-day events), for Outlook, Google and Apple calendars."""

from __future__ import annotations

import hashlib
import secrets
from datetime import date, timedelta
from urllib.parse import urlsplit

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from icalendar import Calendar, Event

from oppdrag.models import Oppdrag

from .models import Kalendertilgang


def _synlige(bruker) -> tuple[set[int], set[int]]:
    """The agencies and the oppdrag the user may see."""
    rader = Oppdrag.objects.for_user(bruker).values_list("pk", "virksomhet_id")
    oppdrag_ids, virksomhet_ids = set(), set()
    for pk, virksomhet_id in rader:
        oppdrag_ids.add(pk)
        virksomhet_ids.add(virksomhet_id)
    return oppdrag_ids, virksomhet_ids


def kalender_ics(bruker, *, fra: date, til: date) -> bytes:
    # rapportering builds on oppdrag; import at call time so oppdrag stays importable on its own.
    from varsler.models import Paaminnelse
    from varsler.paaminnelser import forekomster

    oppdrag_ids, virksomhet_ids = _synlige(bruker)
    site = settings.SITE_URL.rstrip("/")
    vert = urlsplit(site).hostname or "styringsportalen"
    cal = Calendar()
    cal.add("prodid", "-//Styringsportalen//Frister//NB")
    cal.add("version", "2.0")
    cal.add("calscale", "GREGORIAN")
    cal.add("method", "PUBLISH")
    cal.add("x-wr-calname", "Frister i Styringsportalen")
    cal.add("x-wr-timezone", settings.TIME_ZONE)
    naa = timezone.now()
    for f in forekomster(fra, til, virksomhet_ids=virksomhet_ids, bruker=bruker):
        if f.oppdrag is not None and f.oppdrag.pk not in oppdrag_ids:
            continue  # e.g. an oppdrag of a letter the user's ministry did not send
        if f.oppdrag is not None and f.kilde == Paaminnelse.Kilde.OPPDRAGSFRIST:
            sammendrag = f"Frist: {f.oppdrag.nummer} {f.oppdrag.tittel}"
        else:
            sammendrag = f"Frist: {f.hva}"
        url = site + f.sti
        ev = Event()
        ev.add("uid", f"{f.kilde}-{f.kilde_id}-{f.dato:%Y%m%d}@{vert}")
        ev.add("dtstamp", naa)
        ev.add("dtstart", f.dato)
        ev.add("dtend", f.dato + timedelta(days=1))
        ev.add("summary", sammendrag if len(sammendrag) <= 200 else sammendrag[:199] + "…")
        ev.add("description", f"Frist i brevet: {f.tekst}\n{f.hva}\n{url}")
        ev.add("url", url)
        ev.add("transp", "TRANSPARENT")
        cal.add_component(ev)
    _moter(cal, bruker, fra=fra, til=til, site=site, vert=vert, naa=naa)
    return cal.to_ical()


def _moter(cal, bruker, *, fra: date, til: date, site: str, vert: str, naa) -> None:
    """The person's meetings (moter.Mote) as events: with the clock when it is set, else all day."""
    from datetime import datetime

    from django.utils.timezone import make_aware

    from moter.oversikt import synlige_moter

    for m in synlige_moter(bruker).filter(dato__gte=fra, dato__lte=til):
        brev = m.tildelingsbrev
        url = f"{site}/moter/{m.pk}/"
        ev = Event()
        ev.add("uid", f"mote-{m.pk}@{vert}")
        ev.add("dtstamp", naa)
        if m.klokkeslett:
            start = make_aware(datetime.combine(m.dato, m.klokkeslett))
            ev.add("dtstart", start)
            ev.add("dtend", start + timedelta(hours=2))
        else:
            ev.add("dtstart", m.dato)
            ev.add("dtend", m.dato + timedelta(days=1))
        ev.add("summary", f"Møte: {m.tittel} ({brev.departement.kortnavn}–{brev.virksomhet.kortnavn})"[:200])
        if m.sted:
            ev.add("location", m.sted)
        ev.add("description", f"{m.get_type_display()} etter tildelingsbrevet for {brev.aar}.\n{url}")
        ev.add("url", url)
        cal.add_component(ev)


# --- the secret address -------------------------------------------------------------------------

def kalender_token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


@transaction.atomic
def kalendertilgang_lag(*, bruker) -> str:
    """Make (or renew) the user's secret calendar address; returns the token, shown only now.
    Renewing replaces the stored hash, so the old address stops working at once."""
    token = secrets.token_urlsafe(32)
    Kalendertilgang.objects.update_or_create(bruker=bruker, defaults={
        "token_hash": kalender_token_hash(token), "opprettet": timezone.now(), "sist_hentet": None})
    return token


@transaction.atomic
def kalendertilgang_slett(*, bruker) -> None:
    Kalendertilgang.objects.filter(bruker=bruker).delete()
