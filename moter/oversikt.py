"""What the meeting list and Min side show of meetings: coming and past meetings, calendar entries
not yet planned, and the open oppfølgingspunkter, all within what the person may see, in a fixed
number of queries."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from django.db.models import Max

from styring.models import Moete, Tildelingsbrev

from .models import Mote, Vedtak


@dataclass
class Moteoversikt:
    kommende: list
    tidligere: list
    aapne_punkter: list
    kalender_uten_mote: list = field(default_factory=list)
    brev_aa_planlegge: list = field(default_factory=list)

    @property
    def mine_punkter(self) -> list:
        return [v for v in self.aapne_punkter if getattr(v, "er_mitt", False)]


def synlige_moter(user):
    return Mote.objects.for_user(user).select_related(
        "tildelingsbrev__virksomhet", "tildelingsbrev__departement", "referat", "grunnlag")


def aapne_punkter(user) -> list:
    """Open oppfølgingspunkter of approved minutes the person may see, earliest frist first."""
    punkter = list(Vedtak.objects.for_user(user).i_kraft().oppfolgingspunkter().aapne()
                   .select_related("mote__tildelingsbrev__virksomhet", "ansvarlig").order_by("frist", "pk"))
    for v in punkter:
        v.er_mitt = v.ansvarlig_id == user.pk
    return punkter


def kommende_moter(user, idag: date, *, dager: int = 60) -> list:
    """Meetings from today and ``dager`` ahead (Min side)."""
    from datetime import timedelta

    return list(synlige_moter(user).filter(dato__gte=idag, dato__lte=idag + timedelta(days=dager))
                .order_by("dato", "klokkeslett", "pk"))


def moteoversikt(user, idag: date) -> Moteoversikt:
    moter = list(synlige_moter(user).order_by("dato", "klokkeslett", "pk"))
    o = Moteoversikt(kommende=[m for m in moter if m.dato >= idag],
                     tidligere=[m for m in reversed(moter) if m.dato < idag],
                     aapne_punkter=aapne_punkter(user))
    if user.is_authenticated and user.er_departement:
        # The letters of the ministry's two latest years (not today's: a portal holding earlier
        # years plans their meetings too).
        siste = Tildelingsbrev.objects.for_user(user).aggregate(m=Max("aar"))["m"] or idag.year
        brev = Tildelingsbrev.objects.for_user(user).filter(aar__gte=siste - 1).select_related("virksomhet")
        o.brev_aa_planlegge = list(brev.order_by("-aar", "virksomhet__kortnavn"))
        o.kalender_uten_mote = list(Moete.objects.filter(tildelingsbrev__in=brev, portalmote__isnull=True)
                                    .select_related("tildelingsbrev__virksomhet").order_by("dato", "pk"))
    return o
