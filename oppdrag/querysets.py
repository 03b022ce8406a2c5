"""Reads over many oppdrag, and the one permission gate every view starts from."""

from __future__ import annotations

from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass, field
from datetime import date

from django.db import models
from django.db.models import Exists, F, OuterRef, Prefetch, Q, Subquery

from kjerne.querysets import TilgangQuerySet, prefetch_i_egen_rekkefolge
from kjerne.sortering import naturlig_nokkel
from styring.querysets import er_i_kraft, i_kraft_q


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


def _egne_frister_q() -> Q:
    """A frist stated by the very letter (or tillegg) that gave its oppdrag: an oppdrag still in a
    draft has only these, and its owner must see them while drafting."""
    return Q(tildelingsbrev_id=F("oppdrag__tildelingsbrev_id")) & (
        Q(tillegg__isnull=True, oppdrag__tillegg__isnull=True) | Q(tillegg_id=F("oppdrag__tillegg_id")))


class FristQuerySet(models.QuerySet):
    def upcoming(self, fra: date, til: date):
        return self.filter(dato__gte=fra, dato__lte=til)

    def i_kraft(self):
        """Frister stated in a sent letter (or sent tillegg) for an oppdrag that is itself in force."""
        return self.filter(i_kraft_q()).filter(OppdragQuerySet.i_kraft_q("oppdrag__"))

    def relevante(self):
        """What pages that show an oppdrag count as its frister: those in force, and for an oppdrag
        still in a draft its own draft frister. A draft that restates an oppdrag in force never
        counts: it changes nothing until it is sent. (The oppdrag's own gate decides who sees it.)"""
        return self.filter(Q(i_kraft_q()) | _egne_frister_q())

    def gjeldende(self):
        """Frister as last stated: per oppdrag, those of the latest letter year among ``self``."""
        siste = (self.filter(oppdrag=OuterRef("oppdrag")).order_by("-tildelingsbrev__aar")
                 .values("tildelingsbrev__aar")[:1])
        return self.filter(tildelingsbrev__aar=Subquery(siste))


class OppdragQuerySet(TilgangQuerySet):
    """The one gate for oppdrag (``for_user``). Ministry staff: the oppdrag their ministry gave
    (``departement``, drafts included). Agency staff: their own agency's oppdrag once in force (the
    letter and, for an oppdrag given in a tillegg, the tillegg are sent). Observers: oppdrag in force."""

    @staticmethod
    def i_kraft_q(prefix: str = "") -> Q:
        # An oppdrag without a letter in the portal (imported history) was given outside it: in force.
        return i_kraft_q(prefix) | Q(**{f"{prefix}tildelingsbrev__isnull": True, f"{prefix}tillegg__isnull": True})

    def i_kraft(self):
        return self.filter(self.i_kraft_q())

    def kan_nevnes_i(self, brev):
        """The oppdrag a document of ``brev`` (its print document and PDF, its archive export) may
        name, e.g. as «jf. oppdrag»: those in force, and the letter's own. Never one in a draft
        letter or an unsent tillegg, which the document's readers may not see."""
        return self.filter(self.i_kraft_q() | Q(tildelingsbrev=brev, tillegg__isnull=True))

    def for_departement(self, departement_id: int):
        return self.filter(departement_id=departement_id)

    def for_virksomhet(self, virksomhet_id: int):
        return self.i_kraft().filter(virksomhet_id=virksomhet_id)

    def for_observator(self):
        return self.i_kraft()

    def with_list_data(self):
        return self.select_related("virksomhet", "maal", "tildelingsbrev", "ansvarlig").prefetch_related(
            Prefetch("frister", queryset=_frister_qs())
        )

    def aapne(self):
        from .models import FERDIGE_STATUSER

        return self.exclude(status__in=FERDIGE_STATUSER)

    def open_in(self, aar: int, *, brev=None, virksomhet_id: int | None = None):
        """Oppdrag in force given before ``aar`` whose frister, as last stated in a letter up to ``aar``,
        fall in ``aar`` or later: the letter's "oppdrag gitt tidligere med leveringsfrist i år eller
        senere". Only frister in force count, and those ``brev`` itself states (its own ministry
        drafting it sees its proposals; nobody else sees a draft).

        ``virksomhet_id``: the oppdrag are one agency's. Said here, it bounds the frister looked at
        too: PostgreSQL turns the EXISTS below into a hash join over every open frist in the country
        (36,200 rows at 200 agencies, half a second) unless they are limited to the agency's."""
        from .models import Frist

        telles = Q(i_kraft_q())
        if brev is not None:
            telles |= Q(tildelingsbrev=brev, tillegg__isnull=True)
        frister = Frist.objects.filter(telles)
        qs = self
        if virksomhet_id is not None:
            qs = self.filter(virksomhet_id=virksomhet_id)
            frister = frister.filter(oppdrag__virksomhet_id=virksomhet_id)
        latest_aar = (
            frister.filter(oppdrag=OuterRef("pk"), tildelingsbrev__aar__lte=aar)
            .order_by("-tildelingsbrev__aar")
            .values("tildelingsbrev__aar")[:1]
        )
        open_frister = frister.filter(oppdrag=OuterRef("pk"), tildelingsbrev__aar=OuterRef("_frist_aar")).filter(
            _open_frist_q(aar)
        )
        return (
            qs.i_kraft()
            .filter(aar__lt=aar)
            .aapne()
            .annotate(_frist_aar=Subquery(latest_aar))
            .filter(Exists(open_frister))
        )


def _frister_qs():
    from .models import Frist

    return Frist.objects.select_related("tildelingsbrev", "tillegg").order_by("tildelingsbrev__aar", "rekkefolge", "id")


def lastede_prefetch() -> list[Prefetch]:
    """The frister and collaborators of many oppdrag as plain lists, read through ``Oppdrag.alle_frister``
    and ``Oppdrag.alle_samarbeidspartnere`` (see ``Oppdrag.LASTEDE``)."""
    from .models import Oppdrag, Samarbeidspartner

    return [Prefetch("frister", queryset=_frister_qs(), to_attr=Oppdrag.LASTEDE["frister"]),
            prefetch_i_egen_rekkefolge("samarbeidspartnere", Samarbeidspartner, foran="oppdrag",
                                       to_attr=Oppdrag.LASTEDE["samarbeidspartnere"])]


@dataclass
class Oppfoering:
    """One oppdrag as it appears in one letter: its wording and frister as of that letter."""

    oppdrag: object
    tittel: str
    ny_i_aar: bool
    frister: list = field(default_factory=list)
    plassering: tuple = ()
    #: Given earlier, with frister as last stated in the letter's year or later (``open_in``): the
    #: reason it is listed, unless the letter restates its frister. The oppdrag check reads it.
    aapen: bool = False


@dataclass
class MaalOppdrag:
    maal: object
    nye: list[Oppfoering] = field(default_factory=list)
    tidligere: list[Oppfoering] = field(default_factory=list)


def frister_per_brev(frister, aar: int, *, brev=None) -> list:
    """The frister as of the letter for ``aar``: those stated by the latest letter up to that year.

    Only frister in force count, and those ``brev`` itself states outside a tillegg (a draft letter
    seen by the ministry drafting it). The frister need ``tildelingsbrev`` and ``tillegg`` loaded."""
    stated = [f for f in frister if f.tildelingsbrev.aar <= aar and (
        er_i_kraft(f) or (brev is not None and f.tildelingsbrev_id == brev.pk and f.tillegg_id is None))]
    if not stated:
        return []
    latest = max(f.tildelingsbrev.aar for f in stated)
    return [f for f in stated if f.tildelingsbrev.aar == latest]


_gjenbruk: ContextVar[dict | None] = ContextVar("oppdrag_i_brev_gjenbruk", default=None)


@contextmanager
def oppdrag_i_brev_gjenbrukt():
    """Inside this block ``oppdrag_i_brev`` is worked out once per letter and then reused.

    For a page that only reads: the letter page asks three times (the letter itself, the oppdrag
    check and the budget check), which was half its time. Each caller gets lists of its own (the
    letter view appends oppdrag given in a tillegg to them); the entries are shared, and read only.
    """
    token = _gjenbruk.set({})
    try:
        yield
    finally:
        _gjenbruk.reset(token)


def oppdrag_i_brev(brev) -> list[MaalOppdrag]:
    """Every oppdrag a letter lists, per mål: the new ones it gives, then the earlier ones.

    The earlier list is derived, not typed: an earlier oppdrag of the agency appears when its
    frister as of this letter fall in the letter's year or later (``open_in``), or when this letter
    itself states frister for it (the ministry restated or changed them).
    """
    gjenbruk = _gjenbruk.get()
    if gjenbruk is None:
        return _oppdrag_i_brev(brev)
    if brev.pk not in gjenbruk:
        gjenbruk[brev.pk] = _oppdrag_i_brev(brev)
    return [MaalOppdrag(maal=g.maal, nye=list(g.nye), tidligere=list(g.tidligere)) for g in gjenbruk[brev.pk]]


def _oppdrag_i_brev(brev) -> list[MaalOppdrag]:
    from .models import Frist, Oppdrag

    maal_list = list(brev.maal.all())
    by_nummer = {m.nummer: MaalOppdrag(maal=m) for m in maal_list}
    # What this letter states: its own parts, and those of its tillegg once sent.
    i_brevet = Q(tildelingsbrev=brev) & (Q(tillegg__isnull=True) | Q(tillegg__status="sendt"))
    restated = (Oppdrag.objects.i_kraft().filter(frister__in=Frist.objects.filter(i_brevet)).values("pk"))
    # The derived ones are read first, on their own: the oppdrag check needs to know which they are,
    # and as a subquery beside the other two the database ran it twice.
    aapne = set(Oppdrag.objects.open_in(brev.aar, brev=brev, virksomhet_id=brev.virksomhet_id)
                .order_by().values_list("pk", flat=True))
    qs = (
        Oppdrag.objects.filter(virksomhet_id=brev.virksomhet_id)
        .filter(i_brevet | Q(pk__in=restated) | Q(pk__in=aapne))
        .select_related("maal")
        .prefetch_related(*lastede_prefetch(), Prefetch("tittelvarianter", to_attr="lastede_tittelvarianter"))
    )
    for o in qs:
        ny = o.tildelingsbrev_id == brev.pk
        frister = frister_per_brev(o.alle_frister, brev.aar, brev=brev)
        variant = next((v.tittel for v in o.lastede_tittelvarianter if v.tildelingsbrev_id == brev.pk), None)
        maal_nr = o.maal.nummer if o.maal_id else None
        gruppe = by_nummer.get(maal_nr)
        if gruppe is None:
            gruppe = by_nummer.setdefault(maal_nr, MaalOppdrag(maal=None))
        own = [f.rekkefolge for f in frister if f.tildelingsbrev_id == brev.pk]
        plassering = (0, o.rekkefolge, o.nummer) if ny else (
            (0, min(own), o.nummer) if own else (1, -o.aar, o.nummer)
        )
        entry = Oppfoering(oppdrag=o, tittel=variant or o.tittel, ny_i_aar=ny, frister=frister, plassering=plassering,
                           aapen=o.pk in aapne)
        (gruppe.nye if ny else gruppe.tidligere).append(entry)
    result = []
    for key in sorted(by_nummer, key=lambda n: (n is None, naturlig_nokkel(n))):
        g = by_nummer[key]
        g.nye.sort(key=lambda e: e.plassering)
        g.tidligere.sort(key=lambda e: e.plassering)
        result.append(g)
    return result
