"""The one gate for meetings (``for_user``) and for what hangs off them.

A meeting belongs to a letter (``Mote.tildelingsbrev``): the letter's ministry holds it with the
letter's agency. The ministry's staff see every meeting of their own ministry's letters; the
agency's staff see the meetings of their own agency's *sent* letters (never another ministry's
draft letter's meetings); observers see meetings whose minutes both sides have approved;
administrators see everything. The minutes in draft are the ministry's alone (``Referat``), and
so are the decisions written in them until the minutes go to the agency (``Vedtak``).
"""

from __future__ import annotations

from django.db.models import Q

from kjerne.querysets import TilgangQuerySet


class MoteQuerySet(TilgangQuerySet):
    def for_departement(self, departement_id: int):
        return self.filter(tildelingsbrev__departement_id=departement_id)

    def for_virksomhet(self, virksomhet_id: int):
        return self.filter(tildelingsbrev__virksomhet_id=virksomhet_id, tildelingsbrev__status="sendt")

    def for_observator(self):
        return self.filter(tildelingsbrev__status="sendt", referat__status="godkjent")

    def tomme_fra_kalender(self):
        """Meetings the portal made from the letter's calendar that nobody has planned or held yet:
        no participants, agenda items, documents or minutes (an archive import may replace them)."""
        from django.db.models import Exists, OuterRef

        from .models import Deltaker, Referat, Sak, Vedlegg

        return self.filter(*[~Exists(modell.objects.filter(mote=OuterRef("pk")))
                             for modell in (Deltaker, Sak, Vedlegg, Referat)], kalenderpunkt__isnull=False)


class VedtakQuerySet(TilgangQuerySet):
    """Decisions: visible where their meeting is, and outside the ministry only once the minutes
    have left the ministry's draft (observers: once approved)."""

    def for_departement(self, departement_id: int):
        return self.filter(mote__tildelingsbrev__departement_id=departement_id)

    def for_virksomhet(self, virksomhet_id: int):
        return self.filter(mote__tildelingsbrev__virksomhet_id=virksomhet_id, mote__tildelingsbrev__status="sendt",
                           mote__referat__status__in=["til_kommentar", "godkjent"])

    def for_observator(self):
        return self.filter(mote__tildelingsbrev__status="sendt", mote__referat__status="godkjent")

    def oppfolgingspunkter(self):
        return self.filter(art="oppfolging")

    def i_kraft(self):
        """Decisions of approved minutes of a sent letter: those remind and follow up."""
        return self.filter(mote__referat__status="godkjent", mote__tildelingsbrev__status="sendt")

    def aapne(self):
        return self.exclude(status="lukket")


def aapne_punkter_q(prefix: str = "") -> Q:
    return Q(**{f"{prefix}art": "oppfolging"}) & ~Q(**{f"{prefix}status": "lukket"})
