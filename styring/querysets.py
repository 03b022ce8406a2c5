"""Reads over letters, and the one definition of *in force*.

Something a letter gives (an oppdrag, a frist, a budget change, a chapter) is *in force* once the
letter that gives it is sent and, when a tillegg gives it, that tillegg is sent too. Until then it
is a draft: visible only to the sending ministry's staff and administrators, and it changes
nothing anyone else sees or receives. Every derived list (earlier oppdrag, frister as last
stated, reminders, calendar feeds, Min side, report prefill, exports) starts from ``i_kraft_q``.
"""

from __future__ import annotations

from django.db.models import Q

from kjerne.querysets import TilgangQuerySet


def i_kraft_q(prefix: str = "") -> Q:
    """Rows with a ``tildelingsbrev`` and an optional ``tillegg`` (reached through ``prefix``, e.g.
    ``"oppdrag__"``) that are in force: the letter is sent, and so is the tillegg if there is one."""
    return Q(**{f"{prefix}tildelingsbrev__status": "sendt"}) & (
        Q(**{f"{prefix}tillegg__isnull": True}) | Q(**{f"{prefix}tillegg__status": "sendt"}))


def er_i_kraft(obj) -> bool:
    """``i_kraft_q`` for one loaded row whose ``tildelingsbrev`` and ``tillegg`` are at hand."""
    if obj.tildelingsbrev_id is None or obj.tildelingsbrev.status != "sendt":
        return False
    return obj.tillegg_id is None or obj.tillegg.status == "sendt"


class TildelingsbrevQuerySet(TilgangQuerySet):
    """The one gate for letters (``for_user``): ministry staff see their own ministry's letters;
    agency staff see their own agency's sent letters; observers see sent letters; administrators
    see everything."""

    def for_departement(self, departement_id: int):
        return self.filter(departement_id=departement_id)

    def for_virksomhet(self, virksomhet_id: int):
        return self.filter(virksomhet_id=virksomhet_id, status="sendt")

    def for_observator(self):
        return self.filter(status="sendt")

    def i_kraft(self):
        return self.filter(status="sendt")

    def with_structure(self):
        return self.select_related("virksomhet", "departement", "instruks").prefetch_related(
            "maal__styringsparametere__resultatkrav", "maal__styringsparametere__maaleverdier",
            "rapporteringspunkter", "kopi_til",
        )


class TilleggQuerySet(TilgangQuerySet):
    """Tillegg: the sending ministry sees its drafts; everyone else sees sent tillegg of letters
    they may read."""

    def for_departement(self, departement_id: int):
        return self.filter(tildelingsbrev__departement_id=departement_id)

    def for_virksomhet(self, virksomhet_id: int):
        return self.filter(tildelingsbrev__virksomhet_id=virksomhet_id, tildelingsbrev__status="sendt",
                           status="sendt")

    def for_observator(self):
        return self.filter(tildelingsbrev__status="sendt", status="sendt")
