"""The letter as a reader sees it: the consolidated current state (the letter with every sent
tillegg worked in and marked) or the letter as originally sent, in a fixed number of queries.

``brev_visning(brev, opprinnelig=...)`` returns a ``Brevvisning`` that the letter page, the
tillegg page and the budget export read; nothing here writes.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.db.models import Prefetch

from kjerne.belop import ENHET_TEKST, desimaler_i_enhet, format_i_enhet
from kjerne.querysets import prefetch_det_som_finnes, prefetch_i_egen_rekkefolge
from styring.maalomraader import plasser_krav, plasser_omraader
from styring.models import Brevavsnitt, Status, Tildelingsbrev, Tillegg

NBSP = "\u00a0"

#: Where the structured parts of a letter belong among its chapters, found by the chapter titles
#: the real letters use. ``gruppe`` places the part after the chapter's numbered subchapters.
PLASSERING = (
    ("maal", ("mål, styringsparametere", "mål og styringsparametere"), False),
    ("fellesforinger", ("fellesføring",), False),
    ("moter", ("styringsdialog",), False),
    ("rapportering", ("års- og halvårsrapport", "rapportering"), False),
    ("budsjett", ("tildeling av midler", "budsjett"), True),
)
DELNAVN = {
    "maal": "Mål, styringsparametere og oppdrag",
    "fellesforinger": "Fellesføringer",
    "moter": "Kalender for styringsdialog",
    "rapportering": "Rapportering",
    "budsjett": "Tildeling av midler",
}


@dataclass
class Oppdragsrad:
    """One oppdrag as the letter lists it, with what a tillegg added or changed."""

    oppdrag: object
    tittel: str
    frister: list
    tillegg: Tillegg | None = None  # the oppdrag was given in this tillegg
    frist_tillegg: list = field(default_factory=list)  # tillegg that changed its frister


@dataclass
class Maalvisning:
    maal: object
    nye: list[Oppdragsrad] = field(default_factory=list)
    tidligere: list[Oppdragsrad] = field(default_factory=list)


@dataclass
class Postvisning:
    post: object
    endringer: list = field(default_factory=list)  # (Budsjettendring, Tillegg)
    videreført: bool = False
    # The chapter table's unit and the decimals its column needs (set by Kapittelvisning).
    enhet: str = "kr"
    desimaler: int = 0

    @property
    def tildelt_kr(self) -> int | None:
        """The table's amount; None when the letter's table gives none ("Se omtale under")."""
        return self.post.tildelt_kr

    @property
    def endring_kr(self) -> int:
        return sum(e.endring_kr for e, _ in self.endringer)

    @property
    def gjeldende_kr(self) -> int | None:
        return None if self.post.tildelt_kr is None else self.post.tildelt_kr + self.endring_kr

    def _vis(self, kr: int | None) -> str:
        return "" if kr is None else format_i_enhet(kr, self.enhet, desimaler=self.desimaler, skille=NBSP)

    @property
    def tildelt_visning(self) -> str:
        """The amount in the table's unit, or what the table says instead ("Se omtale under", else "–")."""
        return self._vis(self.tildelt_kr) if self.tildelt_kr is not None else (self.post.tildelt_tekst or "–")

    @property
    def endring_visning(self) -> str:
        return self._vis(self.endring_kr)

    @property
    def gjeldende_visning(self) -> str:
        return self._vis(self.gjeldende_kr) if self.gjeldende_kr is not None else (self.post.tildelt_tekst or "–")

    @property
    def tillegg(self) -> list:
        seen = []
        for _, t in self.endringer:
            if t not in seen:
                seen.append(t)
        return seen

    @property
    def har_detaljer(self) -> bool:
        p = self.post
        return bool(p.tekst or p.bindinger.all() or p.tilskudd.all() or p.fordelinger.all())

    @property
    def bindinger_sum_kr(self) -> int:
        """What the bindinger with an amount bind at least (a range by its start)."""
        return sum(b.belop_kr for b in self.post.bindinger.all() if b.belop_kr is not None)

    @property
    def bindinger_sum_visning(self) -> str:
        """A range when any binding is one; bindinger without an amount are named, not summed as 0."""
        from budsjett.models import bindingsum_tekst

        return bindingsum_tekst(list(self.post.bindinger.all()), skille=NBSP)

    @property
    def tilskudd_sum_kr(self) -> int:
        return sum(t.belop_kr for t in self.post.tilskudd.all())

    @property
    def fordelt_sum_kr(self) -> int:
        return sum(f.belop_kr for f in self.post.fordelinger.all())

    @property
    def tilskudd_sum_avvik(self) -> bool:
        typed = self.post.typed_tilskudd_sum_kr
        return typed is not None and typed != self.tilskudd_sum_kr


@dataclass
class Kapittelvisning:
    """A chapter's table, shown in the unit the letter's table uses ("i 1000 kroner") with as many
    decimals as its column needs to show every amount exactly. A post without an amount is left out
    of the sums, and the table says so (``poster_uten_belop``) rather than counting it as 0."""

    kapittel: object
    poster: list[Postvisning]

    def __post_init__(self):
        belop = [v for p in self.poster for v in (p.tildelt_kr, p.endring_kr, p.gjeldende_kr)]
        belop += [self.sum_tildelt_kr, self.sum_endring_kr, self.sum_gjeldende_kr]
        self.desimaler = desimaler_i_enhet(belop, self.enhet)
        for p in self.poster:
            p.enhet, p.desimaler = self.enhet, self.desimaler

    @property
    def enhet(self) -> str:
        return self.kapittel.enhet_i_brevet or "kr"

    @property
    def enhet_tekst(self) -> str:
        """"kroner", "i 1000 kroner" or "i mill. kroner", as the table's caption says it."""
        return ENHET_TEKST[self.enhet]

    @property
    def belop_overskrift(self) -> str:
        """The amount column's header: "Beløp", or with the unit when it is not kroner."""
        return "Beløp" if self.enhet == "kr" else f"Beløp {self.enhet_tekst}"

    @property
    def enhet_i_overskrift(self) -> str:
        """" (i 1000 kroner)" after each amount header of a table with tillegg columns; "" in kroner."""
        return "" if self.enhet == "kr" else f" ({self.enhet_tekst})"

    def _vis(self, kr: int) -> str:
        return format_i_enhet(kr, self.enhet, desimaler=self.desimaler, skille=NBSP)

    @property
    def poster_uten_belop(self) -> list[Postvisning]:
        return [p for p in self.poster if p.tildelt_kr is None]

    @property
    def sum_tildelt_kr(self) -> int:
        """The sum of the amounts the table gives (a post without one is not counted)."""
        return sum(p.tildelt_kr for p in self.poster if p.tildelt_kr is not None)

    @property
    def sum_endring_kr(self) -> int:
        return sum(p.endring_kr for p in self.poster)

    @property
    def sum_gjeldende_kr(self) -> int:
        return sum(p.gjeldende_kr for p in self.poster if p.gjeldende_kr is not None)

    @property
    def sum_tildelt_visning(self) -> str:
        return self._vis(self.sum_tildelt_kr) if len(self.poster_uten_belop) < len(self.poster) else "–"

    @property
    def sum_endring_visning(self) -> str:
        return self._vis(self.sum_endring_kr)

    @property
    def sum_gjeldende_visning(self) -> str:
        return self._vis(self.sum_gjeldende_kr) if len(self.poster_uten_belop) < len(self.poster) else "–"

    @property
    def typed_sum_avvik(self) -> bool:
        """The letter's typed total differs from the computed one. Not claimed when a post has no
        amount: the difference may be that post's amount (the consistency check notes it)."""
        typed = self.kapittel.typed_sum_kr
        return typed is not None and typed != self.sum_tildelt_kr and not self.poster_uten_belop


@dataclass
class Avsnittvisning:
    avsnitt: Brevavsnitt
    niva: int
    tillegg: Tillegg | None
    innskudd: list[str] = field(default_factory=list)


@dataclass
class Brevvisning:
    brev: Tildelingsbrev
    opprinnelig: bool
    tillegg: list[Tillegg]
    synlige_tillegg: list[Tillegg]
    avsnitt: list[Avsnittvisning]
    maal: list[Maalvisning]
    budsjett: list[Kapittelvisning]
    uplasserte: list[str]
    har_budsjettendringer: bool
    videreført_fra: int | None
    omraader_etter: list = field(default_factory=list)  # målområder after the last mål (styring/maalomraader.py)
    krav_uten_maal: list = field(default_factory=list)  # rapporteringskrav that name no mål (nor an SP of one)

    @property
    def sum_tildelt_kr(self) -> int:
        return sum(k.sum_tildelt_kr for k in self.budsjett)

    @property
    def sum_gjeldende_kr(self) -> int:
        return sum(k.sum_gjeldende_kr for k in self.budsjett)

    @property
    def poster_uten_belop(self) -> int:
        """How many posts the letter's tables give no amount (not in the sums)."""
        return sum(len(k.poster_uten_belop) for k in self.budsjett)


def brev_queryset(qs):
    """The letter with what it points at; ``last_brevinnhold`` reads its parts once it is fetched."""
    return qs.select_related("virksomhet", "departement", "instruks", "godkjent_av", "kontaktperson")


def last_brevinnhold(brev: Tildelingsbrev) -> Tildelingsbrev:
    """Everything the letter page shows, prefetched: the count of queries does not grow with the letter,
    and the parts the letter does not have cost one query together (kjerne.querysets.prefetch_det_som_finnes)."""
    from budsjett.models import (
        Budsjettbinding,
        Budsjettendring,
        Budsjettkapittel,
        Budsjettpost,
        Fordeling,
        Tilskudd,
    )
    from oppdrag.models import Risikodefinisjon
    from styring.models import (
        Fellesforing,
        Maal,
        Maaleverdi,
        Maalgruppe,
        Moete,
        Plikt,
        Rapporteringskrav,
        Rapporteringspunkt,
        Resultatkrav,
        Signatur,
        Styringsparameter,
        Tallfelt,
        Vedlegg,
    )

    # Each part in its own order within the letter, without joining the letter and its agency to
    # sort by them (kjerne.querysets.i_egen_rekkefolge).
    brevets = "tildelingsbrev"
    prefetch_det_som_finnes(
        brev,
        prefetch_i_egen_rekkefolge("maal", Maal, foran=brevets),
        prefetch_i_egen_rekkefolge("maal__styringsparametere", Styringsparameter, foran="maal"),
        prefetch_i_egen_rekkefolge("maal__styringsparametere__resultatkrav", Resultatkrav, foran="styringsparameter"),
        prefetch_i_egen_rekkefolge("maal__styringsparametere__maaleverdier", Maaleverdi, foran="styringsparameter"),
        prefetch_i_egen_rekkefolge("maalgrupper", Maalgruppe, foran=brevets),
        prefetch_i_egen_rekkefolge("rapporteringskrav", Rapporteringskrav, foran=brevets),
        prefetch_i_egen_rekkefolge("rapporteringspunkter", Rapporteringspunkt, foran=brevets),
        "kopi_til",
        prefetch_i_egen_rekkefolge("moter", Moete, foran=brevets),
        prefetch_i_egen_rekkefolge("fellesforinger", Fellesforing, foran=brevets),
        prefetch_i_egen_rekkefolge("fellesforinger__tallfelt", Tallfelt, foran="fellesforing"),
        prefetch_i_egen_rekkefolge("plikter", Plikt, foran=brevets),
        prefetch_i_egen_rekkefolge("signaturer", Signatur, foran=brevets),
        prefetch_i_egen_rekkefolge("vedlegg", Vedlegg, foran=brevets),
        prefetch_i_egen_rekkefolge("risikodefinisjoner", Risikodefinisjon, foran=brevets),
        Prefetch("tillegg", queryset=Tillegg.objects.order_by("nummer")),
        Prefetch("avsnitt", queryset=Brevavsnitt.objects.order_by("rekkefolge", "id")),
        Prefetch("kapitler", queryset=Budsjettkapittel.objects.order_by("rekkefolge", "nummer").prefetch_related(
            Prefetch("poster", queryset=Budsjettpost.objects.order_by("rekkefolge", "post").prefetch_related(
                prefetch_i_egen_rekkefolge("bindinger", Budsjettbinding, foran="post"),
                prefetch_i_egen_rekkefolge("tilskudd", Tilskudd, foran="post"),
                prefetch_i_egen_rekkefolge("fordelinger", Fordeling, foran="post"),
                Prefetch("endringer", queryset=Budsjettendring.objects.order_by("tillegg__nummer", "id")),
            )),
        )),
    )
    return brev


def _niva(nummer: str) -> int:
    return 3 if "." in (nummer or "") else 2


def _plasser(avsnitt: list[Avsnittvisning], deler: list[str]) -> list[str]:
    """Attach each structured part after the chapter it belongs to; return those with no place."""
    uplasserte = []
    for kind, ord_, gruppe in PLASSERING:
        if kind not in deler:
            continue
        index = None
        for words in ord_:
            index = next((i for i, a in enumerate(avsnitt) if words in a.avsnitt.tittel.lower()), None)
            if index is not None:
                break
        if index is None:
            uplasserte.append(kind)
            continue
        if gruppe:
            prefix = (avsnitt[index].avsnitt.nummer or "") + "."
            while (index + 1 < len(avsnitt) and prefix != "."
                   and (avsnitt[index + 1].avsnitt.nummer or "").startswith(prefix)):
                index += 1
        avsnitt[index].innskudd.append(kind)
    return uplasserte


def _frister(oppdrag, brev, synlige: set[int], tillegg_by_id: dict) -> tuple[list, list]:
    """The oppdrag's frister as of this letter with only visible tillegg counted; a frist a tillegg
    sets replaces the letter's frist for the same part (del/rolle/betegnelse)."""
    from oppdrag.querysets import frister_per_brev

    alle = [f for f in oppdrag.alle_frister if f.tillegg_id is None or f.tillegg_id in synlige]
    frister = frister_per_brev(alle, brev.aar, brev=brev)
    fra_tillegg = [f for f in frister if f.tillegg_id]
    if not fra_tillegg:
        return frister, []

    def slot(f):
        return (f.del_betegnelse, f.rolle, f.etikett)

    latest: dict = {}
    for f in fra_tillegg:
        nr = tillegg_by_id[f.tillegg_id].nummer
        latest[slot(f)] = max(latest.get(slot(f), 0), nr)
    kept = []
    for f in frister:
        nr = tillegg_by_id[f.tillegg_id].nummer if f.tillegg_id else 0
        if slot(f) in latest and nr < latest[slot(f)]:
            continue  # replaced by a later tillegg
        kept.append(f)
    endret_i = []
    for f in kept:
        if f.tillegg_id and tillegg_by_id[f.tillegg_id] not in endret_i:
            endret_i.append(tillegg_by_id[f.tillegg_id])
    return kept, endret_i


def _oppdrag(brev, maal_list: list, synlige: set[int], tillegg_by_id: dict) -> list[Maalvisning]:
    from oppdrag.models import Oppdrag
    from oppdrag.querysets import MaalOppdrag, Oppfoering, lastede_prefetch, oppdrag_i_brev

    grupper = oppdrag_i_brev(brev)
    # Oppdrag given in a tillegg may carry the tillegg only (no tildelingsbrev): add them as new.
    ekstra = list(
        Oppdrag.objects.filter(tildelingsbrev__isnull=True, tillegg__tildelingsbrev=brev)
        .select_related("maal").prefetch_related(*lastede_prefetch())
        .order_by("rekkefolge", "nummer"))
    by_nummer = {g.maal.nummer if g.maal else None: g for g in grupper}
    for o in ekstra:
        key = o.maal.nummer if o.maal_id and o.maal.tildelingsbrev_id == brev.pk else None
        by_nummer.setdefault(key, MaalOppdrag(maal=None)).nye.append(Oppfoering(oppdrag=o, tittel=o.tittel, ny_i_aar=True))

    def rad(e) -> Oppdragsrad | None:
        o = e.oppdrag
        gitt_i = tillegg_by_id.get(o.tillegg_id) if o.tillegg_id else None
        if gitt_i is not None and gitt_i.pk not in synlige:
            return None
        frister, endret_i = _frister(o, brev, synlige, tillegg_by_id)
        return Oppdragsrad(oppdrag=o, tittel=e.tittel, frister=frister, tillegg=gitt_i, frist_tillegg=endret_i)

    result = []
    keys = [m.nummer for m in maal_list] + [k for k in by_nummer if k not in {m.nummer for m in maal_list}]
    maal_by_nummer = {m.nummer: m for m in maal_list}
    for key in keys:
        g = by_nummer.get(key)
        mv = Maalvisning(maal=maal_by_nummer.get(key))
        if g is not None:
            mv.nye = [r for r in map(rad, g.nye) if r is not None]
            mv.tidligere = [r for r in map(rad, g.tidligere) if r is not None]
        if mv.maal is not None or mv.nye or mv.tidligere:
            result.append(mv)
    return result


def brev_visning(brev: Tildelingsbrev, *, opprinnelig: bool = False, med_utkast: bool = False) -> Brevvisning:
    """The letter with its sent tillegg worked in (or, ``opprinnelig``, as first sent).

    Only sent tillegg are worked in. ``med_utkast`` (the sending ministry and administrators) also
    lists the draft tillegg by title, so they can be opened; nobody else learns that one exists."""
    alle_tillegg = list(brev.tillegg.all())
    tillegg_by_id = {t.pk: t for t in alle_tillegg}
    tillegg = alle_tillegg if med_utkast else [t for t in alle_tillegg if t.status == Status.SENDT]
    synlige_tillegg = [] if opprinnelig else [t for t in tillegg if t.status == Status.SENDT]
    synlige = {t.pk for t in synlige_tillegg}

    avsnitt = [Avsnittvisning(avsnitt=a, niva=_niva(a.nummer), tillegg=tillegg_by_id.get(a.tillegg_id))
               for a in brev.avsnitt.all() if a.tillegg_id is None or a.tillegg_id in synlige]
    maal_list = sorted(brev.maal.all(), key=lambda m: (m.sorteringsnokkel, m.nummer))
    omraader_etter = plasser_omraader(maal_list, list(brev.maalgrupper.all()))
    krav_uten_maal = plasser_krav(maal_list, list(brev.rapporteringskrav.all()))
    maal = _oppdrag(brev, maal_list, synlige, tillegg_by_id)

    forrige: dict = {}
    if brev.status != Status.SENDT:
        from budsjett.models import Budsjettpost

        forrige = {(k, p): kr for k, p, kr in Budsjettpost.objects.filter(
            kapittel__tildelingsbrev__virksomhet_id=brev.virksomhet_id, kapittel__tildelingsbrev__aar=brev.aar - 1,
        ).values_list("kapittel__nummer", "post", "tildelt_kr")}
    budsjett = []
    har_endringer = False
    for kap in brev.kapitler.all():
        poster = []
        for p in kap.poster.all():
            endringer = [(e, tillegg_by_id[e.tillegg_id]) for e in p.endringer.all() if e.tillegg_id in synlige]
            har_endringer = har_endringer or bool(endringer)
            poster.append(Postvisning(post=p, endringer=endringer,
                                      videreført=p.tildelt_kr is not None
                                      and forrige.get((kap.nummer, p.post)) == p.tildelt_kr))
        budsjett.append(Kapittelvisning(kapittel=kap, poster=poster))

    deler = ["maal"] if maal or omraader_etter else []
    if brev.fellesforinger.all():
        deler.append("fellesforinger")
    if brev.moter.all():
        deler.append("moter")
    if krav_uten_maal or brev.rapporteringspunkter.all() or brev.plikter.all() or brev.risikodefinisjoner.all():
        deler.append("rapportering")
    if budsjett:
        deler.append("budsjett")
    uplasserte = _plasser(avsnitt, deler)
    return Brevvisning(
        brev=brev, opprinnelig=opprinnelig, tillegg=tillegg, synlige_tillegg=synlige_tillegg, avsnitt=avsnitt,
        maal=maal, budsjett=budsjett, uplasserte=uplasserte, har_budsjettendringer=har_endringer,
        videreført_fra=brev.aar - 1 if any(p.videreført for k in budsjett for p in k.poster) else None,
        omraader_etter=omraader_etter, krav_uten_maal=krav_uten_maal,
    )
