"""Which reminders are due on a date: every dated frist the portal knows, who should hear of it,
and the single most relevant reminder per frist occurrence and recipient.

Reads only; ``services`` writes the ledger and sends. The number of queries does not depend on
the number of frister: one query per kind of frist, one for the users' choices, one for the ledger.

Rules (see docs/paaminnelser.md):
- Lead times (``PAAMINNELSE_DAGER``, default 14, 7, 1 days) per user's choice; a notice after a
  frist has passed without delivery (oppdrag, milepæler, and halvårs-/årsrapporter not yet sent),
  at most ``PAAMINNELSE_FORFALT_DAGER``
  days late, so the first run on old data is not a burst.
- On a run, the reminder due for an occurrence is the one with the smallest lead time already
  reached: after an outage the next run sends that one reminder, never the missed ones too.
- Fridays look over the weekend: a reminder that falls on Saturday or Sunday goes out on Friday.
- A milepæl falling on the same date as a frist of the same oppdrag is one reminder, not two: it
  rides on the frist's occurrence (``ogsaa_milepaeler``), whose e-mail names both.
- Løpende and text-only frister (and milepæler without a frist) have no date and never remind. Delivered, closed or dropped
  oppdrag get no more reminders. Only sent letters remind.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta

from django.conf import settings
from django.db import connection
from django.db.models import Exists, OuterRef, Q

from oppdrag.frister import occurrences
from oppdrag.models import FERDIGE_STATUSER, Frist, Milepael
from oppdrag.querysets import OppdragQuerySet
from styring.models import Plikt, Rapporteringspunkt
from styring.querysets import i_kraft_q
from varsler.epost import en_linje
from varsler.models import Paaminnelse, Varselinnstilling

Kilde = Paaminnelse.Kilde


def standard_dager() -> list[int]:
    return sorted({int(d) for d in settings.PAAMINNELSE_DAGER if int(d) >= 0}, reverse=True)


@dataclass
class Forekomst:
    """One occurrence of a dated frist, with what a reminder must say about it."""

    kilde: str
    kilde_id: int
    dato: date
    tekst: str  # the frist as written in the letter
    hva: str  # "Oppdrag 2024-05 Opprette informasjonsside …", "Halvårsrapport 2024"; always one line
    sti: str  # path of the page to link to
    virksomhet_id: int
    mottakere: list = field(default_factory=list)
    oppdrag: object | None = None
    # For a report deadline: whether the report has been sent (None: a kind of report the portal
    # does not hold, so it cannot tell, and sends no overdue notice).
    rapport_levert: bool | None = None
    # Milepæler of the same oppdrag on the same date, reminded of together with this frist.
    ogsaa_milepaeler: list = field(default_factory=list)

    def __post_init__(self):
        # Titles come from textareas: a line break here would break the e-mail subject (and the
        # calendar summary), so the label is folded to one line wherever it is shown.
        self.hva = en_linje(self.hva)

    @property
    def nokkel(self) -> tuple:
        return (self.kilde, self.kilde_id, self.dato)

    @property
    def ogsaa_nokler(self) -> list[tuple]:
        """Ledger keys of the milepæler folded into this occurrence (reminders sent for them count)."""
        return [(Kilde.MILEPAEL, m.pk, self.dato) for m in self.ogsaa_milepaeler]

    def ta_med_milepael(self, m: Forekomst, milepael) -> None:
        """Fold a milepæl on this frist's date into this reminder: named in it, its people told."""
        self.ogsaa_milepaeler.append(milepael)
        self.hva = en_linje(f"{self.hva} og milepæl «{milepael.tittel}»")
        self.mottakere = _uniq([*self.mottakere, *m.mottakere])


@dataclass
class Planlagt:
    forekomst: Forekomst
    mottaker: object
    dager: int  # lead time in days, or Paaminnelse.FORFALT
    dato: date  # the run date

    @property
    def dager_igjen(self) -> int:
        return (self.forekomst.dato - self.dato).days

    @property
    def emne(self) -> str:
        """One line (a header), short enough to read in an inbox: long titles are cut."""
        f = self.forekomst
        hva = en_linje(f.hva)
        hva = hva if len(hva) <= 80 else hva[:79].rstrip() + "…"
        if self.dager == Paaminnelse.FORFALT:
            return f"Frist passert {f.dato:%d.%m.%Y}: {hva}"
        igjen = self.dager_igjen
        naar = "i dag" if igjen == 0 else "i morgen" if igjen == 1 else f"om {igjen} dager"
        return f"Påminnelse: frist {naar} ({f.dato:%d.%m.%Y}) – {hva}"


def _uniq(users) -> list:
    seen, out = set(), []
    for u in users:
        if u is not None and u.pk not in seen and u.is_active and u.email:
            seen.add(u.pk)
            out.append(u)
    return out


def _oppdrag_sti(oppdrag) -> str:
    return f"/oppdrag/{oppdrag.pk}/"


def _window(qs, fra: date, til: date):
    recurring = Q(form="gjentakende", intervall_mnd__isnull=False, dato__lte=til) & (
        Q(gjentas_til__isnull=True) | Q(gjentas_til__gte=fra))
    return qs.filter(Q(dato__gte=fra, dato__lte=til) | recurring)


#: What ``occurrences`` reads of a frist, and what a person is shown as (``User.__str__``).
_FRISTFELTER = ("dato", "form", "intervall_mnd", "gjentas_til", "ny_rytme_fra", "ny_rytme_intervall_mnd")
_NAVNEFELTER = ("first_name", "last_name", "username")


def _gjeldende_frister():
    """Frister as last stated in force: a later *sent* letter that restates an oppdrag's frister
    replaces them; a draft restating them changes nothing until it is sent.

    ``Frist.objects.i_kraft().gjeldende()`` says it as "the letter year is the latest among the
    oppdrag's frister in force": a subquery PostgreSQL runs once per frist in the window (2,040
    times, 90 ms, for a ministry's Min side at 200 agencies). On PostgreSQL it is said as "no frist
    in force of the same oppdrag stands in a later letter", which it runs as one anti-join; the
    oppdrag's own state (its letter and tillegg sent) is the same for all its frister, so it is
    checked once, outside. SQLite runs both forms row by row, the first 8 % faster (the reminder
    run over 10,000 frister: 1.45 vs 1.59 s), so it keeps that one. The same rows either way."""
    if connection.vendor != "postgresql":
        return Frist.objects.i_kraft().gjeldende()
    i_kraft = Frist.objects.filter(i_kraft_q())
    senere = i_kraft.filter(oppdrag=OuterRef("oppdrag"), tildelingsbrev__aar__gt=OuterRef("tildelingsbrev__aar"))
    return i_kraft.filter(OppdragQuerySet.i_kraft_q("oppdrag__")).filter(~Exists(senere))


def _i_modellens_rekkefolge(modell, navn: tuple[str, ...]) -> tuple[str, ...]:
    """``navn`` (attnames) in the order of the model's concrete fields: the order ``Model.from_db``
    takes the values of a partial row in."""
    orden = {f.attname: i for i, f in enumerate(modell._meta.concrete_fields)}
    return tuple(sorted(navn, key=orden.__getitem__))


@dataclass(slots=True)
class _Fristrad:
    """A frist as a reading needs it: what ``occurrences`` reads, its wording, its oppdrag, and (for
    a reading with recipients) the contact person of its letter."""

    pk: int
    tekst: str
    dato: date | None
    form: str
    intervall_mnd: int | None
    gjentas_til: date | None
    ny_rytme_fra: date | None
    ny_rytme_intervall_mnd: int | None
    oppdrag: object
    brevkontakt: object = None


def _lette_frister(frister, *, mottakere: bool = False) -> list[_Fristrad]:
    """The frister of a reading as plain rows, each oppdrag, agency and person built once.

    A ministry's Min side reads about 1,000 frister at national size. Read as model instances with
    their oppdrag and its responsible person joined, that was some 3,000 instances, an oppdrag
    built again for each of its frister: a fifth of the page. Here the same single query returns
    plain values; each oppdrag and each person is built once and shared by their frister, with
    the person set on the oppdrag as select_related would. Without ``mottakere`` the oppdrag has
    only the fields the page shows.

    With ``mottakere`` (the reminder run, the digest, the calendar) the rows carry whole oppdrag,
    their responsible person, their agency with its contact person, and the letter's contact
    person: what ``select_related`` joined before, when a run over 10,000 frister built 70,000
    instances, seven per frist, of which some 12,000 were different (py-spy: model instances
    were half of the run's reading). Every person and agency is a whole instance, as before.
    """
    from brukere.models import User
    from oppdrag.models import Oppdrag
    from styring.models import Organisasjon

    if mottakere:
        oppdragsfelter = tuple(f.attname for f in Oppdrag._meta.concrete_fields)
        orgfelter = tuple(f.attname for f in Organisasjon._meta.concrete_fields)
        personfelter = tuple(f.attname for f in User._meta.concrete_fields)
    else:
        oppdragsfelter = _i_modellens_rekkefolge(Oppdrag, ("id", "virksomhet_id", "nummer", "tittel", "ansvarlig_id",
                                                           "status", "risiko"))
        orgfelter = ()
        personfelter = _i_modellens_rekkefolge(User, ("id", *_NAVNEFELTER))
    kolonner = ["pk", "tekst", *_FRISTFELTER, *(f"oppdrag__{n}" for n in oppdragsfelter),
                *(f"oppdrag__ansvarlig__{n}" for n in personfelter)]
    if mottakere:
        kolonner += [*(f"oppdrag__virksomhet__{n}" for n in orgfelter),
                     *(f"oppdrag__virksomhet__kontaktperson__{n}" for n in personfelter),
                     *(f"tildelingsbrev__kontaktperson__{n}" for n in personfelter)]
    ansvarlig = Oppdrag._meta.get_field("ansvarlig")
    virksomhet = Oppdrag._meta.get_field("virksomhet")
    kontaktperson = Organisasjon._meta.get_field("kontaktperson")
    oppdrag: dict[int, Oppdrag] = {}
    personer: dict[int, User] = {}
    organisasjoner: dict[int, Organisasjon] = {}

    def person(verdier):
        """The person of these columns (None where the join found none), built once per id."""
        pk = verdier[0]
        if pk is None:
            return None
        p = personer.get(pk)
        if p is None:
            p = personer[pk] = User.from_db(None, personfelter, verdier)
        return p

    n_frist, n_oppdrag, n_person, n_org = 2 + len(_FRISTFELTER), len(oppdragsfelter), len(personfelter), len(orgfelter)
    a = n_frist + n_oppdrag  # where the responsible person's columns start
    v = a + n_person  # the agency's
    k = v + n_org  # its contact person's
    b = k + n_person  # the letter's contact person's
    rader = []
    for rad in frister.values_list(*kolonner):
        o = oppdrag.get(rad[n_frist])  # the oppdrag's id, the first of its fields
        if o is None:
            o = oppdrag[rad[n_frist]] = Oppdrag.from_db(None, oppdragsfelter, rad[n_frist:a])
            ansvarlig.set_cached_value(o, person(rad[a:v]))
            if mottakere:
                org = organisasjoner.get(rad[v])
                if org is None:
                    org = organisasjoner[rad[v]] = Organisasjon.from_db(None, orgfelter, rad[v:k])
                    kontaktperson.set_cached_value(org, person(rad[k:b]))
                virksomhet.set_cached_value(o, org)
        rader.append(_Fristrad(rad[0], rad[1], *rad[2:n_frist], o, person(rad[b:]) if mottakere else None))
    return rader


def moduler_i_bruk(bruker) -> frozenset[str]:
    """Which of the dialog's modules beside the letter hold anything the person may see: "moter"
    (meetings, and so their agenda deadlines and oppfølgingspunkter), "risiko" (risk assessments)
    and "revisjon" (Riksrevisjonen's remarks). One query.

    A page reading skips the frister of a module with nothing in it: each was two queries built and
    compiled by the ORM to find nothing (a ministry's Min side: 14 of the 65 ms of minside.oversikt
    where no meeting, risk assessment or remark has been entered yet). Every frist such a module
    reminds of hangs off a row the person may see (a meeting of ``Mote.objects.for_user``, a measure
    of a risk assessment or remark of the module's ``for_user``), so a module without such rows has
    no frister for them."""
    from kjerne.querysets import finnes_hver
    from moter.models import Mote
    from revisjon.models import Merknad
    from risiko.models import Risikovurdering

    return finnes_hver(moter=Mote.objects.for_user(bruker), risiko=Risikovurdering.objects.for_user(bruker),
                       revisjon=Merknad.objects.for_user(bruker))


def forekomster(fra: date, til: date, *, virksomhet_ids=None, kun: tuple | None = None,
                bruker=None, mottakere: bool = True, moduler: frozenset[str] | None = None) -> list[Forekomst]:
    """Every occurrence of a dated frist between ``fra`` and ``til`` (inclusive); ``kun`` =
    (kilde, id) limits it to one frist; ``bruker`` to what that person may see (the letters and
    oppdrag of their ``for_user`` querysets — pages and feeds always pass it). ``mottakere=False``:
    a page that shows the occurrences and not who is reminded; their recipients are left empty and
    the contact persons are not read (a ministry's Min side reads 1,000 frister: half its model
    instances were those people). With ``bruker``, the modules beside the letter the person has
    nothing in are not read (``moduler_i_bruk``; ``moduler`` passes it when the page has it already)."""
    found: list[Forekomst] = []

    def kontakter(*relasjoner: str) -> tuple[str, ...]:
        return relasjoner if mottakere else ()

    frister = (_window(_gjeldende_frister(), fra, til)
               .filter(tildelingsbrev__status="sendt")
               # Nothing from a tillegg that is still a draft: neither its new frister nor its oppdrag.
               .filter(Q(tillegg__isnull=True) | Q(tillegg__status="sendt"))
               .filter(Q(oppdrag__tillegg__isnull=True) | Q(oppdrag__tillegg__status="sendt"))
               .exclude(oppdrag__status__in=FERDIGE_STATUSER))  # read by _lette_frister
    milepaeler = (_window(Milepael.objects.all(), fra, til)
                  .filter(Q(oppdrag__tildelingsbrev__isnull=True) | Q(oppdrag__tildelingsbrev__status="sendt"))
                  .filter(Q(oppdrag__tillegg__isnull=True) | Q(oppdrag__tillegg__status="sendt"))
                  .exclude(oppdrag__status__in=FERDIGE_STATUSER)
                  .select_related("oppdrag__ansvarlig", *kontakter("oppdrag__virksomhet__kontaktperson",
                                                                   "oppdrag__tildelingsbrev__kontaktperson")))
    rapporter = (Rapporteringspunkt.objects.filter(frist__gte=fra, frist__lte=til, tildelingsbrev__status="sendt")
                 .select_related("tildelingsbrev__virksomhet",
                                 *kontakter("tildelingsbrev__virksomhet__kontaktperson", "tildelingsbrev__kontaktperson")))
    plikter = (_window(Plikt.objects.all(), fra, til).filter(tildelingsbrev__status="sendt")
               .select_related("tildelingsbrev",
                               *kontakter("tildelingsbrev__virksomhet__kontaktperson", "tildelingsbrev__kontaktperson")))
    # The occurrences are sorted by (date, kind, id) at the end, and no two share that key, so the
    # order the rows are read in matters only where a milepæl rides on a frist of its oppdrag on the
    # same day: which frist (the first of the oppdrag's, in Frist's order) and in which order its
    # milepæler are named (Milepael's order within the oppdrag). Everything else is read unordered:
    # the models' own orderings joined the letter, the oppdrag and their agency only to sort.
    milepaeler = milepaeler.order_by("oppdrag_id", *Milepael._meta.ordering[1:])
    rapporter, plikter = rapporter.order_by(), plikter.order_by()
    if not mottakere:
        # The occurrences are sorted by date below; the order read matters only among one oppdrag's
        # frister (which one a milepæl on the same day rides on), and that is the same as by
        # Frist's own ordering. Without the oppdrag's ordering (agency type and name) the query
        # joins the agencies no more.
        frister = frister.order_by("oppdrag_id", "tildelingsbrev__aar", "rekkefolge")
        # The same for milepæler (which have no change of rhythm: the first four of _FRISTFELTER).
        milepaeler = milepaeler.only(*_FRISTFELTER[:4], "tittel", "tekst", "oppdrag__nummer",
                                     "oppdrag__tittel", "oppdrag__virksomhet", "oppdrag__status",
                                     "oppdrag__risiko", *(f"oppdrag__ansvarlig__{n}" for n in _NAVNEFELTER))
    if kun is not None:
        kinds = {Kilde.OPPDRAGSFRIST: "frister", Kilde.MILEPAEL: "milepaeler", Kilde.RAPPORT: "rapporter",
                 Kilde.PLIKT: "plikter"}
        qs = {"frister": frister, "milepaeler": milepaeler, "rapporter": rapporter, "plikter": plikter}
        for kind, name in kinds.items():
            qs[name] = qs[name].filter(pk=kun[1]) if kind == kun[0] else qs[name].none()
        # A milepæl and the frister of its oppdrag are read together: a milepæl on a frist's date
        # is part of that frist's reminder (and has none of its own).
        if kun[0] == Kilde.OPPDRAGSFRIST:
            qs["milepaeler"] = milepaeler.filter(oppdrag__frister__pk=kun[1])
        elif kun[0] == Kilde.MILEPAEL:
            qs["frister"] = frister.filter(oppdrag__milepaeler__pk=kun[1])
        frister, milepaeler, rapporter, plikter = qs["frister"], qs["milepaeler"], qs["rapporter"], qs["plikter"]
    if bruker is not None:
        from oppdrag.models import Oppdrag
        from styring.models import Tildelingsbrev

        brev = Tildelingsbrev.objects.for_user(bruker).values("pk")
        oppdrag = Oppdrag.objects.for_user(bruker).values("pk")
        frister = frister.filter(tildelingsbrev__in=brev, oppdrag__in=oppdrag)
        milepaeler = milepaeler.filter(oppdrag__in=oppdrag)
        rapporter = rapporter.filter(tildelingsbrev__in=brev)
        plikter = plikter.filter(tildelingsbrev__in=brev)
    if virksomhet_ids is not None:
        frister = frister.filter(oppdrag__virksomhet_id__in=virksomhet_ids)
        milepaeler = milepaeler.filter(oppdrag__virksomhet_id__in=virksomhet_ids)
        rapporter = rapporter.filter(tildelingsbrev__virksomhet_id__in=virksomhet_ids)
        plikter = plikter.filter(tildelingsbrev__virksomhet_id__in=virksomhet_ids)

    for f in _lette_frister(frister, mottakere=mottakere):
        o = f.oppdrag
        hva = f"Oppdrag {o.nummer} {o.tittel}"
        for dag in occurrences(f, fra=fra, til=til):
            found.append(Forekomst(Kilde.OPPDRAGSFRIST, f.pk, dag, f.tekst, hva, _oppdrag_sti(o), o.virksomhet_id,
                                   _uniq([o.ansvarlig or o.virksomhet.kontaktperson, f.brevkontakt])
                                   if mottakere else [], oppdrag=o))
    # A milepæl on the date of a frist of the same oppdrag rides on that frist's reminder.
    frist_paa_dag = {(f.oppdrag.pk, f.dato): f for f in reversed(found)}
    for m in milepaeler:
        o = m.oppdrag
        brev_kontakt = o.tildelingsbrev.kontaktperson if mottakere and o.tildelingsbrev else None
        for dag in occurrences(m, fra=fra, til=til):
            mf = Forekomst(Kilde.MILEPAEL, m.pk, dag, m.tekst, f"Milepæl «{m.tittel}» i oppdrag {o.nummer}",
                           _oppdrag_sti(o), o.virksomhet_id,
                           _uniq([o.ansvarlig or o.virksomhet.kontaktperson, brev_kontakt]) if mottakere else [],
                           oppdrag=o)
            frist = frist_paa_dag.get((o.pk, dag))
            if frist is not None:
                frist.ta_med_milepael(mf, m)
            else:
                found.append(mf)
    rapporter = list(rapporter)
    levert = _sendte_rapporter(rapporter)
    for r in rapporter:
        brev = r.tildelingsbrev
        if r.type == "annet":
            er_levert = None
        else:
            er_levert = (brev.virksomhet_id, r.type, r.rapport_aar) in levert
        found.append(Forekomst(Kilde.RAPPORT, r.pk, r.frist, f"{r.frist:%d.%m.%Y}",
                               f"{r.betegnelse} fra {brev.virksomhet.kortnavn}", "/rapporter/", brev.virksomhet_id,
                               _uniq([brev.virksomhet.kontaktperson, brev.kontaktperson]) if mottakere else [],
                               rapport_levert=er_levert))
    for p in plikter:
        brev = p.tildelingsbrev
        for dag in occurrences(p, fra=fra, til=til):
            found.append(Forekomst(Kilde.PLIKT, p.pk, dag, p.tekst, p.beskrivelse, "/", brev.virksomhet_id,
                                   _uniq([brev.virksomhet.kontaktperson, brev.kontaktperson]) if mottakere else []))
    from .motefrister import moteforekomster  # agenda deadlines and oppfølgingspunkter (moter)
    from .tiltaksfrister import tiltaksforekomster  # risk and Riksrevisjonen measures

    omfang = {"kun": kun, "bruker": bruker, "virksomhet_ids": virksomhet_ids, "mottakere": mottakere}
    if bruker is not None and moduler is None:
        moduler = moduler_i_bruk(bruker)
    if moduler is None or "moter" in moduler:
        found += moteforekomster(fra, til, **omfang)
    if moduler is None or moduler & {"risiko", "revisjon"}:
        found += tiltaksforekomster(fra, til, **omfang, risiko=moduler is None or "risiko" in moduler,
                                    revisjon=moduler is None or "revisjon" in moduler)
    if kun is not None:
        found = [f for f in found if (f.kilde, f.kilde_id) == (kun[0], kun[1])]
    found.sort(key=lambda f: (f.dato, f.kilde, f.kilde_id))
    return found


def _sendte_rapporter(punkter) -> set[tuple]:
    """(virksomhet, type, år) of the reports among ``punkter`` that the agency has sent. One query."""
    from django.apps import apps

    if not punkter:
        return set()
    Rapport = apps.get_model("rapportering", "Rapport")
    return set(Rapport.objects.filter(
        virksomhet_id__in={p.tildelingsbrev.virksomhet_id for p in punkter},
        rapport_aar__in={p.rapport_aar for p in punkter}, status__in=["sendt", "mottatt"],
    ).order_by().values_list("virksomhet_id", "type", "rapport_aar"))  # a set: no order


def horisont(dato: date) -> date:
    """The last day a run on ``dato`` covers: Fridays cover the weekend."""
    return dato + timedelta(days=2) if dato.weekday() == 4 else dato


def mest_relevante(*, dager_igjen: int, dager_til_horisont: int, valgte: list[int]) -> int | None:
    """The lead time due for an occurrence: the smallest one already reached, else None."""
    if dager_igjen < 0:
        return None
    reached = [d for d in valgte if d >= max(dager_til_horisont, 0)]
    return min(reached) if reached else None


def planlegg(dato: date, *, forekomster_fn=forekomster) -> list[Planlagt]:
    """What should be sent on ``dato``, given what the ledger says was sent before."""
    alle_dager = standard_dager()
    forfalt_vindu = settings.PAAMINNELSE_FORFALT_DAGER
    siste = horisont(dato)
    fra, til = dato - timedelta(days=forfalt_vindu), siste + timedelta(days=max(alle_dager, default=0))
    occ = forekomster_fn(fra, til)
    if not occ:
        return []

    bruker_ids = {u.pk for f in occ for u in f.mottakere}
    valg = {v.bruker_id: v for v in Varselinnstilling.objects.filter(bruker_id__in=bruker_ids)}
    # The most urgent reminder already in the ledger per (occurrence, recipient); FORFALT counts as done.
    sendt: dict[tuple, int] = {}
    # Of a milepæl folded into a frist's reminder, only what really went out counts: its own row
    # planned earlier is dropped at sending (its occurrence is gone), and the frist's takes over.
    milepael_sendt: dict[tuple, int] = {}
    for kilde, kilde_id, dag, dager, mottaker, status in Paaminnelse.objects.filter(
            forfallsdato__gte=fra, forfallsdato__lte=til).values_list(
            "kilde", "kilde_id", "forfallsdato", "dager", "mottaker_id", "status"):
        key = (kilde, kilde_id, dag, mottaker)
        sendt[key] = min(sendt.get(key, dager), dager)
        if kilde == Kilde.MILEPAEL and status in (Paaminnelse.Status.SENDT, Paaminnelse.Status.SENDER):
            milepael_sendt[key] = min(milepael_sendt.get(key, dager), dager)

    planned: list[Planlagt] = []
    for f in occ:
        if f.rapport_levert:
            continue  # the report is in: nothing to remind of
        for u in f.mottakere:
            v = valg.get(u.pk)
            if v is not None and not v.paaminnelser:
                continue
            valgte = [d for d in (v.dager if v and v.dager else alle_dager) if d in alle_dager]
            igjen = (f.dato - dato).days
            key = (f.kilde, f.kilde_id, f.dato, u.pk)
            for ogsaa in f.ogsaa_nokler:
                if (*ogsaa, u.pk) in milepael_sendt:
                    tidligere = milepael_sendt[(*ogsaa, u.pk)]
                    sendt[key] = min(sendt.get(key, tidligere), tidligere)
            if igjen >= 0:
                dager = mest_relevante(dager_igjen=igjen, dager_til_horisont=(f.dato - siste).days, valgte=valgte)
                if dager is None or (key in sendt and 0 <= sendt[key] <= dager):
                    continue
            else:
                ferdig = f.oppdrag is not None and f.oppdrag.status in FERDIGE_STATUSER
                kan_forfalle = (f.kilde in (Kilde.OPPDRAGSFRIST, Kilde.MILEPAEL, Kilde.OPPFOLGINGSPUNKT,
                                            Kilde.RISIKOTILTAK, Kilde.REVISJONSTILTAK)
                                or f.rapport_levert is False)
                if (not kan_forfalle or ferdig or (v is not None and not v.forfalt)
                        or -igjen > forfalt_vindu or key in sendt and sendt[key] == Paaminnelse.FORFALT):
                    continue
                dager = Paaminnelse.FORFALT
            planned.append(Planlagt(f, u, dager, dato))
    return planned


def forekomst_for(p: Paaminnelse) -> Forekomst | None:
    """The occurrence a ledger row is about, loaded fresh when the e-mail is written."""
    dag = p.forfallsdato
    found = forekomster(dag, dag, kun=(p.kilde, p.kilde_id))
    return found[0] if found else None
