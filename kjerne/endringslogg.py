"""History you can read: who changed what and when, with old → new values, for any model that
keeps django-simple-history records. Used by the pages (the admin has its own view).

``endringer(qs_of_history_records)`` takes the history rows of one or more objects (newest
first, as simple-history orders them) and pairs each row with the previous row of the same
object, in one query for the rows, one for the users and one or two per referenced model.

History never breaks on deleted records: an object is described from the history row's own
fields, and a reference to a deleted object is described from that object's last history row
("Oppdrag 2025-03 «Tittel» slettet"); a ``__str__`` that still reaches a missing row falls back
to the record's own number and title.

Many-to-many fields whose state simple-history keeps with each row (``m2m_fields``: an oppdrag's
*delt med* and *jf. oppdrag*, a letter's *kopi til*) are compared like the other fields, as the
list before → the list after. A target in a permission-aware model (one whose queryset has
``for_user``) is named only when the reader may see it: another ministry's oppdrag or one in a
draft never shows, not even as a removal. The rows one save writes for one object (the save, then
one per ``add``/``remove`` of its many-to-many fields) are one entry, against the state before the save.

``grupper(poster)`` makes one entry per user action: the rows one save writes (one request, one
command) follow each other within milliseconds (10–40 ms measured for an oppdrag with frister),
while a person's next save comes a page load later (over a second even when a browser test
clicks), so rows by the same person with no more than ``GRUPPE_SEKUNDER`` between neighbours form
one entry. That needs no change-set column, and so no migration on some forty history tables.

``Historikkfilter`` and ``historikkside()`` give every history page the same filters by part,
person and period, and pagination.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta

from django import forms
from django.core.exceptions import ObjectDoesNotExist
from django.core.paginator import Paginator
from django.db import models
from django.db.models import Value

from kjerne.tid import format_dato, format_tidspunkt, oslo

HANDLING = {"+": "opprettet", "~": "endret", "-": "slettet"}
# Bookkeeping a person never reads: ids, ordering, version counters, history columns, secrets.
SKJULTE = {"id", "history_id", "history_date", "history_change_reason", "history_type", "history_user",
           "history_relation", "password", "last_login", "rekkefolge", "versjon", "token_hash"}
GRUPPE_SEKUNDER = 0.5
PER_SIDE = 25
# A description is cut where a page would wrap it into a paragraph.
MAKS_TEKST = 80


@dataclass
class Feltendring:
    felt: str
    fra: str
    til: str


@dataclass
class Endringspost:
    """One record written: created, changed (with what changed) or deleted."""

    tid: datetime
    bruker: object
    handling: str
    objekt: str
    objekt_type: str
    endringer: list[Feltendring] = field(default_factory=list)
    del_: str = ""
    bruker_id: int | None = None
    history_id: int = 0
    endringssett: str | None = None

    @property
    def overskrift(self) -> str:
        """«Oppdrag 2025-03 «Tittel» slettet»."""
        return f"{self.objekt_type.capitalize()} {self.objekt} {self.handling}".strip()


@dataclass
class Handling:
    """One user action: every record one person wrote in one save."""

    tid: datetime
    bruker: object
    bruker_id: int | None
    poster: list[Endringspost] = field(default_factory=list)

    @property
    def deler(self) -> list[str]:
        return sorted({p.del_ for p in self.poster if p.del_})

    @property
    def oppsummering(self) -> str:
        """"endret oppdrag 2025-03 «…»", or "3 endringer" for a save that touched several records."""
        if len(self.poster) == 1:
            p = self.poster[0]
            return f"{p.handling} {p.objekt_type} {p.objekt}".strip()
        return f"{len(self.poster)} endringer"


def _skjult(f: models.Field) -> bool:
    return (f.name in SKJULTE or f.name.startswith("history_") or getattr(f, "auto_now", False)
            or getattr(f, "auto_now_add", False))


def _fields(model) -> list[models.Field]:
    return [f for f in model._meta.concrete_fields if not _skjult(f)]


def _egen_tekst(obj) -> str:
    """The record described by its own fields only (no relation is read)."""
    deler = [str(getattr(obj, navn)) for navn in ("nummer", "kode", "tittel", "navn", "betegnelse", "tekst")
             if getattr(obj, navn, None) not in (None, "")]
    return " ".join(deler[:2])[:MAKS_TEKST] or f"nr. {obj.pk}"


def tekst(obj) -> str:
    """``str(obj)``, or its own number and title when ``__str__`` reaches a deleted record."""
    try:
        return str(obj)
    except (ObjectDoesNotExist, AttributeError):
        return _egen_tekst(obj)


def etikett(obj) -> str:
    """How a record is named in a history entry: «2025-03 «Tittel»» for numbered records with a
    title (mål, oppdrag, vedlegg), otherwise «…» around its description."""
    nummer, tittel = getattr(obj, "nummer", None), getattr(obj, "tittel", None)
    if nummer not in (None, "") and isinstance(tittel, str) and tittel:
        return f"{nummer} «{_kort(tittel)}»"
    return f"«{_kort(tekst(obj))}»"


def _kort(s: str) -> str:
    s = " ".join(s.split())
    return s if len(s) <= MAKS_TEKST else s[: MAKS_TEKST - 1].rstrip() + "…"


def _display(f: models.Field, value, related: dict, slettede: set) -> str:
    if value is None or value == "":
        return "–"
    if f.is_relation:
        obj = related.get((f.related_model, value))
        if obj is None:
            return "(slettet)"
        return f"{_kort(tekst(obj))} (slettet)" if (f.related_model, value) in slettede else _kort(tekst(obj))
    if f.flatchoices:
        return str(dict(f.flatchoices).get(value, value))
    if isinstance(value, bool):
        return "Ja" if value else "Nei"
    if isinstance(value, datetime):
        return format_tidspunkt(value)
    if isinstance(value, date):
        return format_dato(value)
    return str(value)


@dataclass
class Oppslag:
    """The referenced records of one page, looked up once for all its history sources (the letter
    is referenced by some twenty tables; a deleted oppdrag by its frister, milepæler and bindinger)."""

    objekter: dict = field(default_factory=dict)
    slettede: set = field(default_factory=set)
    sett: set = field(default_factory=set)

    def kjenn(self, *objekter) -> Oppslag:
        """Records the page has loaded already (live, with what their names read): not looked up again."""
        for obj in objekter:
            if obj is not None and obj.pk is not None:
                key = (obj._meta.model, obj.pk)
                self.objekter[key] = obj
                self.sett.add(key)
        return self


def _relaterte(wanted: dict, fast_antall_sporringer: bool, oppslag: Oppslag) -> tuple[dict, set]:
    """The referenced objects, live where they exist and rebuilt from their last history row where
    they were deleted, in one query per model (two when some are deleted) not yet looked up."""
    related, slettede = oppslag.objekter, oppslag.slettede
    for rel_model, alle in wanted.items():
        ids = [pk for pk in alle if (rel_model, pk) not in oppslag.sett]
        if not ids:
            continue
        oppslag.sett.update((rel_model, pk) for pk in ids)
        manager = rel_model._default_manager
        qs = manager.select_related() if fast_antall_sporringer else manager
        for pk, obj in qs.in_bulk(ids).items():
            related[(rel_model, pk)] = obj
        borte = [pk for pk in ids if (rel_model, pk) not in related]
        hist = getattr(rel_model, "history", None)
        if borte and hist is not None and hasattr(hist, "model"):
            pk_name = rel_model._meta.pk.attname
            for r in hist.filter(**{f"{pk_name}__in": borte}).order_by("history_date", "history_id"):
                related[(rel_model, getattr(r, pk_name))] = r.instance  # the last row wins
                slettede.add((rel_model, getattr(r, pk_name)))
    return related, slettede


def _m2m_felter(hist_model) -> list[tuple[models.ManyToManyField, type, str]]:
    """The many-to-many fields whose state each history row keeps: the field, simple-history's
    model of that state (a row per target, pointing at the history row) and its target column."""
    felter = []
    for f in getattr(hist_model, "_history_m2m_fields", ()):
        tilstand = vars(hist_model)[f.name].model  # simple-history's HistoryDescriptor for the field
        felter.append((f, tilstand, tilstand._meta.get_field(f.m2m_reverse_field_name()).attname))
    return felter


def _m2m_tilstand(felter: list, history_ids: list[int]) -> dict[str, dict[int, frozenset]]:
    """Per field, each history row's targets: one query for all the fields (a UNION; in chunks
    of history rows for very long pages)."""
    per_felt: list[dict[int, set]] = [defaultdict(set) for _ in felter]
    for start in range(0, len(history_ids), 2000):
        ids = history_ids[start:start + 2000]
        deler = [modell.objects.filter(history_id__in=ids).annotate(felt=Value(n)).order_by()
                 .values_list("felt", "history_id", kolonne) for n, (_, modell, kolonne) in enumerate(felter)]
        for n, history_id, maal in deler[0].union(*deler[1:], all=True):
            per_felt[n][history_id].add(maal)
    return {f.name: {history_id: frozenset(maal) for history_id, maal in rader.items()}
            for (f, _, _), rader in zip(felter, per_felt, strict=True)}


def _synlige(felter: list, tilstand: dict, bruker) -> dict[str, set | None]:
    """Per field, the targets ``bruker`` may see (``None``: all of them): one query per field whose
    target model is permission-aware; without a reader, none of those."""
    synlige: dict[str, set | None] = {}
    for f, _, _ in felter:
        qs = f.related_model._default_manager.all()
        if not hasattr(qs, "for_user"):
            synlige[f.name] = None
            continue
        alle = set().union(*tilstand[f.name].values())
        synlige[f.name] = set() if bruker is None or not alle else set(
            qs.for_user(bruker).filter(pk__in=alle).values_list("pk", flat=True))
    return synlige


def _m2m_tekst(f, ids, related: dict, slettede: set) -> str:
    navn = sorted(_display(f, pk, related, slettede) for pk in ids)
    return ", ".join(navn) or "–"


def _samme_lagring(a, b) -> bool:
    """Two history rows of one object written by one save (one change set)."""
    sett = getattr(a, "history_change_reason", None)
    return bool(sett) and sett == getattr(b, "history_change_reason", None)


def endringer(historikk_qs, *, grense: int | None = 50, fast_antall_sporringer: bool = False,
              del_: str = "", oppslag: Oppslag | None = None, bruker=None) -> list[Endringspost]:
    """The latest ``grense`` history rows (all with ``None``) as readable entries, each against its
    predecessor, newest first. ``del_`` names the part of the whole the rows belong to (for filters);
    ``oppslag`` shares the referenced records between the sources of one page. ``bruker`` is the
    reader: many-to-many targets of permission-aware models are named only where they may see them.

    Every row's instance gets its references from the loaded objects (deleted ones rebuilt from
    their history), so models whose ``__str__`` reads a relation (Budsjettpost, Frist, Tillegg …)
    cost no query per row and never fail on a deleted record. With ``fast_antall_sporringer`` the
    referenced objects also come with their own non-null foreign keys joined.
    """
    qs = historikk_qs.select_related("history_user").order_by("-history_date", "-history_id")
    rows = list(qs if grense is None else qs[: grense + 1])
    if not rows:
        return []
    model = rows[0].instance_type
    fields = _fields(model)
    pk_name = model._meta.pk.attname
    # Predecessors of the oldest rows may fall outside the window (or outside what a reader may
    # see, for a change made after sending): fetch them in one query, to tell what changed.
    by_obj: dict = defaultdict(list)
    for r in rows:
        by_obj[getattr(r, pk_name)].append(r)
    hist_model = type(rows[0])
    oldest = {key: objs[-1] for key, objs in by_obj.items()}
    earlier = {}
    # Only a change needs its predecessor; an object whose oldest row here is its creation has none.
    mangler = [key for key, r in oldest.items() if r.history_type != "+"]
    if mangler:
        siste = max(oldest[key].history_date for key in mangler)
        for r in (hist_model.objects.filter(**{f"{pk_name}__in": mangler}, history_date__lte=siste)
                  .order_by("-history_date", "-history_id")):
            key = getattr(r, pk_name)
            first = oldest[key]
            if key not in earlier and (r.history_date, r.history_id) < (first.history_date, first.history_id):
                earlier[key] = r
    wanted: dict = defaultdict(set)
    for r in list(rows) + list(earlier.values()):
        for f in model._meta.concrete_fields:
            if f.many_to_one and getattr(r, f.attname) is not None:
                wanted[f.related_model].add(getattr(r, f.attname))
    m2m = _m2m_felter(hist_model)
    tilstand = _m2m_tilstand(m2m, [r.history_id for r in [*rows, *earlier.values()]]) if m2m else {}
    synlige = _synlige(m2m, tilstand, bruker)
    for f, _, _ in m2m:
        for ids in tilstand[f.name].values():
            wanted[f.related_model].update(ids if synlige[f.name] is None else ids & synlige[f.name])
    related, slettede = _relaterte(wanted, fast_antall_sporringer, oppslag or Oppslag())

    def m2m_av(f, r) -> frozenset:
        ids = tilstand[f.name].get(r.history_id, frozenset())
        return ids if synlige[f.name] is None else ids & synlige[f.name]

    relasjoner = [f for f in model._meta.concrete_fields if f.many_to_one]
    type_navn = str(model._meta.verbose_name)
    result = []
    for key, objs in by_obj.items():
        chain = objs + ([earlier[key]] if key in earlier else [])
        i = 0
        while i < len(objs):
            r = objs[i]
            # The older rows of the same save (its many-to-many adds and removes, or the creation
            # they followed) make one entry with it; it is told against the state before the save.
            j = i
            while r.history_type == "~" and j + 1 < len(objs) and objs[j + 1].history_type in ("~", "+") \
                    and _samme_lagring(r, objs[j + 1]):
                j += 1
                if objs[j].history_type == "+":
                    break
            type_ = objs[j].history_type
            prev = chain[j + 1] if j + 1 < len(chain) else None
            i = j + 1
            changes = []
            if type_ == "~" and prev is not None:
                for f in fields:
                    a, b = getattr(prev, f.attname), getattr(r, f.attname)
                    if a != b:
                        changes.append(Feltendring(str(f.verbose_name).capitalize(),
                                                   _display(f, a, related, slettede),
                                                   _display(f, b, related, slettede)))
                for f, _, _ in m2m:
                    a, b = m2m_av(f, prev), m2m_av(f, r)
                    if a != b:
                        changes.append(Feltendring(str(f.verbose_name).capitalize(),
                                                   _m2m_tekst(f, a, related, slettede),
                                                   _m2m_tekst(f, b, related, slettede)))
            elif type_ == "+":
                changes = [Feltendring(str(f.verbose_name).capitalize(), "",
                                       _display(f, getattr(r, f.attname), related, slettede))
                           for f in fields if getattr(r, f.attname) not in (None, "", False)]
                changes += [Feltendring(str(f.verbose_name).capitalize(), "",
                                        _m2m_tekst(f, m2m_av(f, r), related, slettede))
                            for f, _, _ in m2m if m2m_av(f, r)]
            if type_ == "~" and prev is not None and not changes:
                continue  # a save that changed nothing a person can see (ordering, timestamps)
            instance = r.instance
            for f in relasjoner:
                obj = related.get((f.related_model, getattr(r, f.attname)))
                if obj is not None:
                    f.set_cached_value(instance, obj)
            result.append(Endringspost(r.history_date, r.history_user, HANDLING.get(type_, type_),
                                       etikett(instance), type_navn, changes, del_=del_,
                                       bruker_id=r.history_user_id, history_id=r.history_id,
                                       endringssett=getattr(r, "history_change_reason", None)))
    result.sort(key=lambda e: (e.tid, e.history_id), reverse=True)
    return result if grense is None else result[:grense]


def _samme_handling(a: Endringspost, b: Endringspost, grense: timedelta) -> bool:
    """Rows of one change set (kjerne/historikk.py) belong together; rows written without one
    (before change sets, or outside any request and acting_user block) by closeness in time."""
    if a.endringssett or b.endringssett:
        return a.endringssett == b.endringssett
    return abs(a.tid - b.tid) <= grense


def grupper(poster: list[Endringspost], *, sekunder: float = GRUPPE_SEKUNDER) -> list[Handling]:
    """One entry per user action, newest first; inside an entry the records in the order written."""
    poster = sorted(poster, key=lambda e: (e.tid, e.history_id), reverse=True)
    grense = timedelta(seconds=sekunder)
    handlinger: list[Handling] = []
    for p in poster:
        h = handlinger[-1] if handlinger else None
        if h is not None and h.bruker_id == p.bruker_id and _samme_handling(h.poster[-1], p, grense):
            h.poster.append(p)
        else:
            handlinger.append(Handling(p.tid, p.bruker, p.bruker_id, [p]))
    for h in handlinger:
        h.poster.reverse()
    return handlinger


class Historikkfilter(forms.Form):
    """Filters of a history page: part, person and period (days in Oslo, both included)."""

    del_ = forms.ChoiceField(label="Del", required=False)
    person = forms.ChoiceField(label="Person", required=False)
    fra = forms.DateField(label="Fra dato", required=False, input_formats=["%d.%m.%Y", "%Y-%m-%d"],
                          widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
                          help_text="Med denne dagen.")
    til = forms.DateField(label="Til dato", required=False, input_formats=["%d.%m.%Y", "%Y-%m-%d"],
                          widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
                          help_text="Med denne dagen.")

    def __init__(self, data, *, deler: list[tuple[str, str]], personer: list[tuple[str, str]]):
        super().__init__(data)
        self.fields["del_"].choices = [("", "Alle deler"), *deler]
        self.fields["person"].choices = [("", "Alle personer"), *personer]

    def clean(self):
        data = super().clean()
        if data.get("fra") and data.get("til") and data["fra"] > data["til"]:
            raise forms.ValidationError("Fra-datoen er etter til-datoen. Velg en periode der fra kommer før til.")
        return data


def _personer(poster: list[Endringspost]) -> list[tuple[str, str]]:
    navn = {}
    for p in poster:
        key = "system" if p.bruker_id is None else str(p.bruker_id)
        navn.setdefault(key, str(p.bruker) if p.bruker is not None else "System")
    return sorted(navn.items(), key=lambda kv: kv[1].lower())


def historikkside(request, poster: list[Endringspost], *, deler: list[tuple[str, str]],
                  per_side: int = PER_SIDE) -> dict:
    """Context for ``historikk/_historikk.html``: the filter form, one page of user actions and the
    paginator. Filters apply to the records; an action shows the records that matched."""
    skjema = Historikkfilter(request.GET or None, deler=[d for d in deler if any(p.del_ == d[0] for p in poster)],
                             personer=_personer(poster))
    if skjema.is_bound and skjema.is_valid():
        d = skjema.cleaned_data
        if d.get("del_"):
            poster = [p for p in poster if p.del_ == d["del_"]]
        if d.get("person"):
            bruker_id = None if d["person"] == "system" else int(d["person"])
            poster = [p for p in poster if p.bruker_id == bruker_id]
        if d.get("fra"):
            start = datetime.combine(d["fra"], time.min, tzinfo=oslo())
            poster = [p for p in poster if p.tid >= start]
        if d.get("til"):
            slutt = datetime.combine(d["til"] + timedelta(days=1), time.min, tzinfo=oslo())
            poster = [p for p in poster if p.tid < slutt]
    handlinger = grupper(poster)
    side = Paginator(handlinger, per_side).get_page(request.GET.get("side"))
    sidetall = list(side.paginator.get_elided_page_range(side.number, on_each_side=2, on_ends=1))
    valgte = sum(1 for n in skjema.fields if request.GET.get(n))
    return {"historikkfilter": skjema, "handlinger": side, "filtrert": bool(valgte), "valgte_filtre": valgte,
            "antall_handlinger": len(handlinger), "sidetall": sidetall}
