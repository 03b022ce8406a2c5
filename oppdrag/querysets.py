"""Reads over many oppdrag, and the one permission gate every view starts from."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from django.db import models
from django.db.models import Exists, OuterRef, Prefetch, Q, Subquery

from brukere.querysets import TilgangQuerySet


def _open_frist_q(aar: int) -> Q:
    """A frist keeps its oppdrag open in year ``aar`` when it falls in that year or later, recurs
    without an end, is ongoing, or has no derivable date (a person must then decide)."""
    start = date(aar, 1, 1)
    return (
        Q(dato__gte=start)
        | Q(gjentas_til__gte=start)
        | Q(form="gjentakende", gjentas_til__isnull=True)
        | Q(form__in=["lopende", "tekst"])
    )


class FristQuerySet(models.QuerySet):
    def upcoming(self, fra: date, til: date):
        return self.filter(dato__gte=fra, dato__lte=til)


class OppdragQuerySet(TilgangQuerySet):
    """The one gate for oppdrag (``for_user``). Ministry staff: oppdrag their ministry gave.
    Agency staff: their own agency's oppdrag once the letter and, for an oppdrag given in a
    tillegg, the tillegg are sent. Observers: oppdrag of sent letters and tillegg."""

    @staticmethod
    def _sendt() -> Q:
        # An oppdrag given in a tillegg always carries the tillegg's letter (Oppdrag.clean).
        return (Q(tildelingsbrev__status="sendt") & (Q(tillegg__isnull=True) | Q(tillegg__status="sendt"))) | Q(
            tildelingsbrev__isnull=True, tillegg__isnull=True)

    def for_departement(self, departement_id: int):
        # Oppdrag the ministry gave (in its own letters or their tillegg, drafts included), and
        # letter-less oppdrag of agencies it steers. Another ministry's drafts stay hidden.
        from styring.models import Tildelingsbrev

        styrte = Tildelingsbrev.objects.filter(departement_id=departement_id).values("virksomhet_id")
        return self.filter(Q(tildelingsbrev__departement_id=departement_id)
                           | Q(tildelingsbrev__isnull=True, virksomhet_id__in=styrte))

    def for_virksomhet(self, virksomhet_id: int):
        return self.filter(self._sendt(), virksomhet_id=virksomhet_id)

    def for_observator(self):
        return self.filter(self._sendt())

    def with_list_data(self):
        return self.select_related("virksomhet", "maal", "tildelingsbrev", "ansvarlig").prefetch_related(
            Prefetch("frister", queryset=_frister_qs())
        )

    def aapne(self):
        from .models import FERDIGE_STATUSER

        return self.exclude(status__in=FERDIGE_STATUSER)

    def open_in(self, aar: int):
        """Oppdrag given before ``aar`` whose frister, as last stated in a letter up to ``aar``, fall
        in ``aar`` or later: the letter's "oppdrag gitt tidligere med leveringsfrist i år eller senere"."""
        from .models import Frist

        latest_aar = (
            Frist.objects.filter(oppdrag=OuterRef("pk"), tildelingsbrev__aar__lte=aar)
            .order_by("-tildelingsbrev__aar")
            .values("tildelingsbrev__aar")[:1]
        )
        open_frister = Frist.objects.filter(oppdrag=OuterRef("pk"), tildelingsbrev__aar=OuterRef("_frist_aar")).filter(
            _open_frist_q(aar)
        )
        return (
            self.filter(aar__lt=aar)
            .aapne()
            .annotate(_frist_aar=Subquery(latest_aar))
            .filter(Exists(open_frister))
        )


def _frister_qs():
    from .models import Frist

    return Frist.objects.select_related("tildelingsbrev").order_by("tildelingsbrev__aar", "rekkefolge", "id")


@dataclass
class Oppfoering:
    """One oppdrag as it appears in one letter: its wording and frister as of that letter."""

    oppdrag: object
    tittel: str
    ny_i_aar: bool
    frister: list = field(default_factory=list)
    plassering: tuple = ()


@dataclass
class MaalOppdrag:
    maal: object
    nye: list[Oppfoering] = field(default_factory=list)
    tidligere: list[Oppfoering] = field(default_factory=list)


def frister_per_brev(frister, aar: int) -> list:
    """The frister as of the letter for ``aar``: those stated by the latest letter up to that year."""
    stated = [f for f in frister if f.tildelingsbrev.aar <= aar]
    if not stated:
        return []
    latest = max(f.tildelingsbrev.aar for f in stated)
    return [f for f in stated if f.tildelingsbrev.aar == latest]


def oppdrag_i_brev(brev) -> list[MaalOppdrag]:
    """Every oppdrag a letter lists, per mål: the new ones it gives, then the earlier ones.

    The earlier list is derived, not typed: an earlier oppdrag of the agency appears when its
    frister as of this letter fall in the letter's year or later (``open_in``), or when this letter
    itself states frister for it (the ministry restated or changed them).
    """
    from .models import Oppdrag

    maal_list = list(brev.maal.all().order_by("nummer"))
    by_nummer = {m.nummer: MaalOppdrag(maal=m) for m in maal_list}
    restated = Oppdrag.objects.filter(frister__tildelingsbrev=brev).values("pk")
    derived = Oppdrag.objects.filter(virksomhet_id=brev.virksomhet_id).open_in(brev.aar).values("pk")
    qs = (
        Oppdrag.objects.filter(virksomhet_id=brev.virksomhet_id)
        .filter(Q(tildelingsbrev=brev) | Q(pk__in=restated) | Q(pk__in=derived))
        .select_related("maal")
        .prefetch_related(Prefetch("frister", queryset=_frister_qs()), "tittelvarianter")
        .distinct()
    )
    for o in qs:
        ny = o.tildelingsbrev_id == brev.pk
        frister = frister_per_brev(list(o.frister.all()), brev.aar)
        variant = next((v.tittel for v in o.tittelvarianter.all() if v.tildelingsbrev_id == brev.pk), None)
        maal_nr = o.maal.nummer if o.maal_id else None
        gruppe = by_nummer.get(maal_nr)
        if gruppe is None:
            gruppe = by_nummer.setdefault(maal_nr, MaalOppdrag(maal=None))
        own = [f.rekkefolge for f in frister if f.tildelingsbrev_id == brev.pk]
        plassering = (0, o.rekkefolge, o.nummer) if ny else (
            (0, min(own), o.nummer) if own else (1, -o.aar, o.nummer)
        )
        entry = Oppfoering(oppdrag=o, tittel=variant or o.tittel, ny_i_aar=ny, frister=frister, plassering=plassering)
        (gruppe.nye if ny else gruppe.tidligere).append(entry)
    result = []
    for key in sorted(by_nummer, key=lambda n: (n is None, n or 0)):
        g = by_nummer[key]
        g.nye.sort(key=lambda e: e.plassering)
        g.tidligere.sort(key=lambda e: e.plassering)
        result.append(g)
    return result
