"""Every write on a report: prefill, the agency's edits, submission, receipt and the ministry's comments.

Each service checks who may do it and that the report is still a draft (re-read under a row lock,
never trusted from the caller's object), runs in one transaction and records the acting user in
the history.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal

from django.db import IntegrityError, transaction
from django.db.models import Q, Sum
from django.utils import timezone
from django.utils.html import format_html, format_html_join
from django.utils.safestring import mark_safe

from brukere.models import Rolle
from budsjett.models import Budsjettendring, Budsjettpost, Forbruk
from kjerne import hendelser, konflikt
from kjerne.historikk import acting_user
from oppdrag.models import Status as OppdragStatus
from oppdrag.models import Statusoppdatering
from oppdrag.querysets import oppdrag_i_brev
from revisjon.services import aapne_merknader
from styring.models import Rapporteringspunkt, Styringsparameter, Tildelingsbrev

from . import fellesforinger, krav, rik_tekst
from .models import (
    DELER,
    Kommentar,
    Oppdragsstatus,
    Parameterresultat,
    Postrapport,
    Rapport,
    Rapportdel,
    RapportStatus,
    Tallsvar,
    Type,
)


class RapportFeil(Exception):
    """A refused action on a report; the message is Norwegian and shown to the user."""


LAAST_MELDING = "Rapporten er sendt til departementet og kan ikke lenger endres."


class RapportKonflikt(RapportFeil):
    """Someone else saved some of the same rows after the page was opened; nothing was saved.

    ``konflikter`` holds, per row key (part kode or row id), what they changed, who and when."""

    def __init__(self, konflikter: Mapping):
        self.konflikter = dict(konflikter)
        forste = next(iter(self.konflikter.values()))
        super().__init__(forste.melding)


#: What the agency writes in each kind of row; a version carries these fields (styring.konflikt).
DEL_FELTER = ("tekst",)
RESULTAT_FELTER = ("resultat_tall", "resultat_tekst", "vurdering", "risiko", "ingenting_aa_rapportere")
OPPDRAG_FELTER = ("kommentar",)
POST_FELTER = ("forbruk_kr", "prognose_kr", "kommentar")
FELLESFORING_FELTER = ("tekst",)
TALL_FELTER = ("verdi",)


# --- who may do what -------------------------------------------------------------------------

def kan_skrive(user, rapport: Rapport) -> bool:
    """Agency staff of the report's own agency, while the report is a draft."""
    return (user.is_authenticated and user.er_virksomhet and user.organisasjon_id == rapport.virksomhet_id
            and not rapport.er_laast)


def kan_sende(user, rapport: Rapport) -> bool:
    return kan_skrive(user, rapport) and user.rolle == Rolle.VIRKSOMHET_LEDER


def kan_kommentere(user, rapport: Rapport) -> bool:
    """Staff of the ministry the report is sent to, once it is sent."""
    return (user.is_authenticated and user.er_departement and user.organisasjon_id == rapport.departement_id
            and rapport.status in (RapportStatus.SENDT, RapportStatus.MOTTATT))


def kan_motta(user, rapport: Rapport) -> bool:
    return kan_kommentere(user, rapport) and rapport.status == RapportStatus.SENDT


def kan_opprette(user, punkt: Rapporteringspunkt) -> bool:
    return (user.is_authenticated and user.er_virksomhet
            and user.organisasjon_id == punkt.tildelingsbrev.virksomhet_id
            and punkt.type in (Type.AARSRAPPORT, Type.HALVAARSRAPPORT))


def _laas(rapport: Rapport) -> Rapport:
    """The report as stored now, locked for this transaction."""
    return Rapport.objects.select_for_update().get(pk=rapport.pk)


def _krev_skriver(user, rapport: Rapport) -> Rapport:
    fersk = _laas(rapport)
    if fersk.er_laast:
        raise RapportFeil(LAAST_MELDING)
    if not kan_skrive(user, fersk):
        raise RapportFeil("Bare virksomhetens egne medarbeidere kan skrive i rapporten.")
    return fersk


# --- prefill ---------------------------------------------------------------------------------

def innholdsbrev(punkt: Rapporteringspunkt) -> Tildelingsbrev:
    """The letter whose goals, oppdrag and budget the report accounts for: the agency's letter for
    the report's year (the 2024 letter's table also lists the årsrapport for 2023, which reports
    on the 2023 letter), else the letter holding the reporting table."""
    brev = punkt.tildelingsbrev
    if brev.aar == punkt.rapport_aar:
        return brev
    # Only a sent letter: a draft (perhaps another ministry's) is nobody's to report on.
    return (Tildelingsbrev.objects.i_kraft().filter(virksomhet_id=brev.virksomhet_id, aar=punkt.rapport_aar).first()
            or brev)


def _valgte(rader: list, flagg: str) -> list:
    """The rows the letter marks for this report; when it marks none, all of them (the 2023 and
    2024 letters mark none, yet the reports must account for every parameter and oppdrag)."""
    merket = [r for r in rader if getattr(r, flagg)]
    return merket or rader


def _er_numerisk(sp: Styringsparameter) -> bool:
    # One number answers one numeric target; several targets, or targets in words, ask for text.
    krav = list(sp.resultatkrav.all())
    return len(krav) == 1 and krav[0].verdi is not None


def status_per(oppdrag_ids: list[int], telletidspunkt: date) -> dict[int, Statusoppdatering]:
    """The follow-up as of the telletidspunkt: per oppdrag the latest update with gjelder_dato on or
    before it (a later update, even if registered earlier, is not taken)."""
    latest: dict[int, Statusoppdatering] = {}
    qs = (Statusoppdatering.objects.filter(oppdrag_id__in=oppdrag_ids, gjelder_dato__lte=telletidspunkt)
          .order_by("oppdrag_id", "-gjelder_dato", "-opprettet", "-pk"))
    for s in qs:
        latest.setdefault(s.oppdrag_id, s)
    return latest


def tildelt_per(poster: list[Budsjettpost], telletidspunkt: date) -> dict[int, int]:
    """The allocation per post as of the telletidspunkt: the letter's amount plus the changes in
    tillegg sent up to then (dated on or before it; an undated tillegg counts from when it was sent)."""
    sendt = Q(tillegg__status="sendt") & (
        Q(tillegg__dato__lte=telletidspunkt) | Q(tillegg__dato__isnull=True, tillegg__sendt__date__lte=telletidspunkt)
    )
    endringer = dict(
        Budsjettendring.objects.filter(sendt, post__in=poster).values_list("post_id").annotate(s=Sum("endring_kr"))
    )
    # A post the letter's table gives no amount ("Se omtale under") counts with what its text puts at
    # the agency's disposal (share, else appropriation); 0 only when the letter states no amount at
    # all, since the report's column cannot be empty.
    return {p.pk: (p.tildelt_kr if p.tildelt_kr is not None else (p.disponibelt_kr or p.bevilget_kr or 0))
            + (endringer.get(p.pk) or 0) for p in poster}


def _fyll(rapport: Rapport, brev: Tildelingsbrev) -> None:
    halvaar = rapport.type == Type.HALVAARSRAPPORT
    flagg = "i_halvaarsrapport" if halvaar else "i_aarsrapport"

    forhaandstekst = {"IV": revisjonstekst(rapport)} if rapport.type == Type.AARSRAPPORT else {}
    for i, d in enumerate(DELER[rapport.type]):
        Rapportdel.objects.create(rapport=rapport, kode=d.kode, tittel=d.tittel, rekkefolge=i,
                                  tekst=forhaandstekst.get(d.kode, ""))
    # The letter's rapporteringskrav for this report type: parts to answer, after the fixed ones.
    for j, k in enumerate(krav.krav_til_rapport(brev, rapport.type)):
        Rapportdel.objects.create(rapport=rapport, kode=krav.kode(k), tittel=krav.tittel(k),
                                  rekkefolge=len(DELER[rapport.type]) + j)

    sps = list(Styringsparameter.objects.filter(maal__tildelingsbrev=brev).select_related("maal")
               .prefetch_related("resultatkrav").order_by("maal__sorteringsnokkel", "maal__nummer", "rekkefolge", "kode"))
    for i, sp in enumerate(_valgte(sps, flagg)):
        Parameterresultat.objects.create(rapport=rapport, styringsparameter=sp, numerisk=_er_numerisk(sp),
                                         rekkefolge=i)

    oppdrag = [e.oppdrag for g in oppdrag_i_brev(brev) for e in g.nye + g.tidligere]
    oppdrag = _valgte(oppdrag, flagg)
    statuser = status_per([o.pk for o in oppdrag], rapport.telletidspunkt)
    for i, o in enumerate(oppdrag):
        s = statuser.get(o.pk)
        Oppdragsstatus.objects.create(
            rapport=rapport, oppdrag=o, kilde=s, rekkefolge=i,
            status=s.status if s else OppdragStatus.IKKE_STARTET, risiko=s.risiko if s else "",
            vurdering=s.risiko_tekst if s else "", tiltak=s.tiltak if s else "",
        )

    # The årsrapport answers each of the letter's fellesføringer, with its numbers.
    fellesforinger.suppler(rapport)

    poster = list(Budsjettpost.objects.filter(kapittel__tildelingsbrev=brev).select_related("kapittel")
                  .order_by("kapittel__rekkefolge", "kapittel__nummer", "post"))
    tildelt = tildelt_per(poster, rapport.telletidspunkt)
    # Spending already registered for exactly this date (budsjett.Forbruk) is carried in.
    forbruk = {f.post_id: f for f in Forbruk.objects.filter(post__in=poster, per_dato=rapport.telletidspunkt)}
    for i, p in enumerate(poster):
        f = forbruk.get(p.pk)
        Postrapport.objects.create(rapport=rapport, post=p, tildelt_kr=tildelt[p.pk], rekkefolge=i,
                                   forbruk_kr=f.forbruk_kr if f else None, prognose_kr=f.prognose_kr if f else None)


def revisjonstekst(rapport: Rapport) -> str:
    """Part IV's opening (rich text): the follow-up plan for Riksrevisjonen's open remarks, as the
    instruks asks the årsrapport to describe it; empty when there are none. The agency edits it."""
    if rapport.opprettet_av is None:
        return ""
    merknader = aapne_merknader(rapport.virksomhet_id, bruker=rapport.opprettet_av)
    if not merknader:
        return ""
    punkter = []
    for m in merknader:
        tiltak = format_html_join("", "<li>{} – {}, {}: {}</li>", (
            (t.tekst, t.ansvarlig or "ingen ansvarlig", f"frist {t.frist:%d.%m.%Y}" if t.frist else "uten frist",
             t.get_status_display().lower()) for t in m.tiltak.all()))
        punkter.append(format_html(
            "<li><p><strong>{}</strong> ({}, {}; {}). Status: {}.</p>{}</li>", m.tittel,
            m.get_kilde_display().lower(), f"{m.dato:%d.%m.%Y}", m.get_alvorlighet_display().lower(),
            m.get_status_display().lower(),
            format_html("<ul>{}</ul>", tiltak) if tiltak else format_html("<p>Planen har ingen tiltak ennå.</p>")))
    return str(format_html(
        "<h3>Oppfølging av Riksrevisjonens merknader</h3><p>Åpne merknader og oppfølgingsplanen per {}:</p>"
        "<ul>{}</ul>", f"{timezone.localdate():%d.%m.%Y}", mark_safe("".join(punkter))))


def _ny_rapport(punkt: Rapporteringspunkt, user) -> Rapport:
    brev = innholdsbrev(punkt)
    # Sent to the ministry that asks for it in its letter.
    rapport = Rapport(virksomhet_id=punkt.tildelingsbrev.virksomhet_id,
                      departement_id=punkt.tildelingsbrev.departement_id, tildelingsbrev=brev, punkt=punkt,
                      type=punkt.type, rapport_aar=punkt.rapport_aar, telletidspunkt=punkt.telletidspunkt,
                      frist=punkt.frist, opprettet_av=user)
    rapport.full_clean()
    rapport.save()
    _fyll(rapport, brev)
    return rapport


@transaction.atomic
def rapport_opprett(*, punkt: Rapporteringspunkt, user) -> Rapport:
    """Create the report for a row of the reporting table, prefilled from the letter and the follow-up."""
    if punkt.type not in (Type.AARSRAPPORT, Type.HALVAARSRAPPORT):
        raise RapportFeil(f"«{punkt.betegnelse}» er verken halvårsrapport eller årsrapport og skrives ikke her.")
    if not kan_opprette(user, punkt):
        raise RapportFeil("Bare virksomhetens egne medarbeidere kan opprette rapporten.")
    if Rapport.objects.filter(virksomhet_id=punkt.tildelingsbrev.virksomhet_id, type=punkt.type,
                              rapport_aar=punkt.rapport_aar).exists():
        raise RapportFeil(f"{punkt.get_type_display()} for {punkt.rapport_aar} finnes allerede.")
    try:
        with transaction.atomic(), acting_user(user):
            return _ny_rapport(punkt, user)
    except IntegrityError as exc:  # created by someone else a moment ago
        raise RapportFeil(f"{punkt.get_type_display()} for {punkt.rapport_aar} finnes allerede.") from exc


def rapport_forhaandsvis(*, punkt: Rapporteringspunkt) -> Rapport:
    """A prefilled report that is not kept: call inside a transaction that is rolled back."""
    return _ny_rapport(punkt, None)


# --- the agency's edits ----------------------------------------------------------------------
#
# Each save takes, per row, the version the page was opened with (``versjoner``, signed by
# styring.konflikt.signer over the *_FELTER above). With the report row locked, a row is
#   - skipped when the person changed nothing in it (so a change someone else saved stands),
#   - refused when someone else has changed it since the page was opened (RapportKonflikt, with
#     who changed what; nothing at all is saved),
#   - else written.
# ``versjoner=None`` is for callers without an opened page (tests, commands): values are written as given.
# Concurrent saves serialise on the report's row lock, so of two saves at once one sees the other.


def _skriv(rader: Mapping, verdier: Mapping[object, dict], versjoner: Mapping | None, felter) -> list:
    """The rows to write, with the new values set; RapportKonflikt if any row changed since opened."""
    konflikter, endret = {}, []
    for key, nye in verdier.items():
        rad = rader[key]
        if versjoner is not None:
            opprinnelig = konflikt.les_versjon(versjoner.get(key))
            if opprinnelig is None:
                raise RapportFeil(konflikt.MANGLER_VERSJON)
            if konflikt.uendret(rad, opprinnelig, nye):
                continue
            if (k := konflikt.finn_konflikt(rad, opprinnelig, felter)) is not None:
                konflikter[key] = k
                continue
        elif all(getattr(rad, navn) == verdi for navn, verdi in nye.items()):
            continue
        for navn, verdi in nye.items():
            setattr(rad, navn, verdi)
        endret.append(rad)
    if konflikter:
        raise RapportKonflikt(konflikter)
    return endret


def _renset(deler: Mapping[str, Rapportdel], tekster: Mapping[str, str]) -> dict[str, dict]:
    """The parts' new text as sanitised HTML (rapportering.rik_tekst). A part written before the
    editor, sent back as the same paragraphs, keeps its stored text: nothing changed there."""
    if ukjent := set(tekster) - set(deler):
        raise RapportFeil(f"Ukjent del av rapporten: {', '.join(sorted(ukjent))}.")
    verdier = {}
    for kode, tekst in tekster.items():
        ny = rik_tekst.rens(rik_tekst.som_html(tekst))
        lagret = deler[kode].tekst
        verdier[kode] = {"tekst": lagret if ny == rik_tekst.rens(rik_tekst.som_html(lagret)) else ny}
    return verdier


@transaction.atomic
def rapport_lagre_deler(*, rapport: Rapport, tekster: Mapping[str, str], user,
                        versjoner: Mapping[str, str] | None = None) -> None:
    """Save the text parts, by kode; ``versjoner`` by kode too. The text is HTML from the editor
    (or plain text from a browser without JavaScript), sanitised here."""
    fersk = _krev_skriver(user, rapport)
    deler = {d.kode: d for d in fersk.deler.select_for_update()}
    with acting_user(user):
        for d in _skriv(deler, _renset(deler, tekster), versjoner, DEL_FELTER):
            d.full_clean()
            d.save()


#: The history reason of a draft saved while the person writes (rapport_autolagre_del).
AUTOLAGRET = "Autolagret"
#: Saves by the same person within this window are one entry in the part's history.
AUTOLAGRING_VINDU = timedelta(minutes=30)


@transaction.atomic
def rapport_autolagre_del(*, rapport: Rapport, kode: str, tekst: str, versjon: str, user) -> Rapportdel:
    """Save one part as the person writes, with the version the page holds (RapportKonflikt when
    someone else saved the part since). One writing session is one entry in the history: a save
    following the same person's autosave within AUTOLAGRING_VINDU updates that entry."""
    fersk = _krev_skriver(user, rapport)
    deler = {d.kode: d for d in fersk.deler.select_for_update()}
    endret = _skriv(deler, _renset(deler, {kode: tekst}), {kode: versjon}, DEL_FELTER)
    if not endret:
        return deler[kode]
    d = endret[0]
    d.full_clean()
    siste = d.history.first()
    naa = timezone.now()
    if (siste is not None and siste.history_user_id == user.pk and siste.history_change_reason == AUTOLAGRET
            and naa - siste.history_date < AUTOLAGRING_VINDU):
        d.skip_history_when_saving = True
        try:
            d.save()
        finally:
            del d.skip_history_when_saving
        siste.tekst, siste.history_date = d.tekst, naa
        siste.save(update_fields=["tekst", "history_date"])
    else:
        with acting_user(user):
            d._change_reason = AUTOLAGRET
            d.save()
    return d


@dataclass
class Resultat:
    resultat_tall: Decimal | None = None
    resultat_tekst: str = ""
    vurdering: str = ""
    risiko: str = ""
    ingenting_aa_rapportere: bool = False


@transaction.atomic
def rapport_lagre_parametere(*, rapport: Rapport, resultater: Mapping[int, Resultat], user,
                             versjoner: Mapping[int, str] | None = None) -> None:
    """Save the results per styringsparameter, keyed by Parameterresultat id; all or nothing."""
    fersk = _krev_skriver(user, rapport)
    rader = {r.pk: r for r in fersk.parameterresultater.filter(pk__in=list(resultater)).select_for_update()}
    if len(rader) != len(resultater):
        raise RapportFeil("Et av resultatene hører ikke til denne rapporten.")
    verdier = {pk: {f: getattr(v, f) for f in RESULTAT_FELTER} for pk, v in resultater.items()}
    with acting_user(user):
        for r in _skriv(rader, verdier, versjoner, RESULTAT_FELTER):
            r.full_clean()
            r.save()


@transaction.atomic
def rapport_lagre_oppdrag(*, rapport: Rapport, kommentarer: Mapping[int, str], user,
                          versjoner: Mapping[int, str] | None = None) -> None:
    """Save the agency's comments per oppdrag, keyed by Oppdragsstatus id."""
    fersk = _krev_skriver(user, rapport)
    rader = {r.pk: r for r in fersk.oppdragsstatuser.filter(pk__in=list(kommentarer)).select_for_update()}
    if len(rader) != len(kommentarer):
        raise RapportFeil("Et av oppdragene hører ikke til denne rapporten.")
    verdier = {pk: {"kommentar": tekst} for pk, tekst in kommentarer.items()}
    with acting_user(user):
        for r in _skriv(rader, verdier, versjoner, OPPDRAG_FELTER):
            r.full_clean()
            r.save()


@dataclass
class Postverdier:
    forbruk_kr: int | None = None
    prognose_kr: int | None = None
    kommentar: str = ""


@transaction.atomic
def rapport_lagre_poster(*, rapport: Rapport, verdier: Mapping[int, Postverdier], user,
                         versjoner: Mapping[int, str] | None = None) -> None:
    """Save spent to date and forecast per post, keyed by Postrapport id; negatives are refused."""
    fersk = _krev_skriver(user, rapport)
    rader = {r.pk: r for r in fersk.postrapporter.filter(pk__in=list(verdier)).select_for_update()}
    if len(rader) != len(verdier):
        raise RapportFeil("En av postene hører ikke til denne rapporten.")
    for v in verdier.values():
        for navn, belop in (("forbruk", v.forbruk_kr), ("prognose", v.prognose_kr)):
            if belop is not None and belop < 0:
                raise RapportFeil(f"Beløpet for {navn} kan ikke være negativt.")
    nye = {pk: {f: getattr(v, f) for f in POST_FELTER} for pk, v in verdier.items()}
    with acting_user(user):
        for r in _skriv(rader, nye, versjoner, POST_FELTER):
            r.full_clean()
            r.save()


@dataclass
class Fellesforingsverdier:
    """The agency's answer to one fellesføring: text, and a number per Tallsvar id (None: not stated)."""

    tekst: str = ""
    tall: Mapping[int, Decimal | None] = field(default_factory=dict)


def svarnokkel(svar_id: int) -> str:
    """The key of an answer's text in ``versjoner`` and in a RapportKonflikt."""
    return f"f{svar_id}"


def tallnokkel(tall_id: int) -> str:
    """The key of one number in ``versjoner`` and in a RapportKonflikt."""
    return f"t{tall_id}"


@transaction.atomic
def rapport_lagre_fellesforinger(*, rapport: Rapport, svar: Mapping[int, Fellesforingsverdier], user,
                                 versjoner: Mapping[str, str] | None = None) -> None:
    """Save the answers to the letter's fellesføringer, keyed by Fellesforingssvar id, with their
    numbers keyed by Tallsvar id; ``versjoner`` by ``svarnokkel``/``tallnokkel``. All or nothing:
    a number that is negative, not of this answer, or changed by someone else since the page was
    opened refuses the whole save."""
    fersk = _krev_skriver(user, rapport)
    svarrader = {svarnokkel(r.pk): r for r in fersk.fellesforingssvar.filter(pk__in=list(svar)).select_for_update()}
    if len(svarrader) != len(svar):
        raise RapportFeil("En av fellesføringene hører ikke til denne rapporten.")
    tallrader = {}
    for r in Tallsvar.objects.filter(svar__in=[r.pk for r in svarrader.values()]).select_related("tallfelt") \
            .select_for_update(of=("self",)):
        tallrader[tallnokkel(r.pk)] = r
    svarverdier, tallverdier = {}, {}
    for pk, v in svar.items():
        svarverdier[svarnokkel(pk)] = {"tekst": v.tekst.strip()}
        for tall_id, verdi in v.tall.items():
            rad = tallrader.get(tallnokkel(tall_id))
            if rad is None or rad.svar_id != pk:
                raise RapportFeil("Et av tallene hører ikke til denne fellesføringen.")
            if verdi is not None and verdi < 0:
                raise RapportFeil(f"«{rad.tallfelt.navn}» kan ikke være negativt.")
            tallverdier[tallnokkel(tall_id)] = {"verdi": verdi}
    konflikter, endret = {}, []
    for rader, verdier, felter in ((svarrader, svarverdier, FELLESFORING_FELTER),
                                   (tallrader, tallverdier, TALL_FELTER)):
        try:
            endret += _skriv(rader, verdier, versjoner, felter)
        except RapportKonflikt as exc:
            konflikter.update(exc.konflikter)
    if konflikter:
        raise RapportKonflikt(konflikter)
    with acting_user(user):
        for r in endret:
            r.full_clean()
            r.save()


@transaction.atomic
def rapport_suppler_fellesforinger(*, rapport: Rapport, user) -> int:
    """Add to an årsrapport draft the fellesføringer and numbers of its letter that it lacks (a
    draft created before they were in the letter); what the agency wrote stays. Returns rows added."""
    fersk = _krev_skriver(user, rapport)
    with acting_user(user):
        return fellesforinger.suppler(fersk)


# --- workflow --------------------------------------------------------------------------------

@transaction.atomic
def rapport_send(*, rapport: Rapport, user) -> Rapport:
    """The agency's leader sends the report to the ministry; from then on it is locked."""
    fersk = _laas(rapport)
    if fersk.er_laast:
        raise RapportFeil("Rapporten er allerede sendt.")
    if not kan_sende(user, fersk):
        raise RapportFeil("Bare virksomhetens leder kan sende rapporten til departementet.")
    fersk.status, fersk.sendt, fersk.sendt_av = RapportStatus.SENDT, timezone.now(), user
    with acting_user(user):
        fersk.full_clean()
        fersk.save()
    hendelser.meld(hendelser.RAPPORT_SENDT, fersk, user)
    return fersk


@transaction.atomic
def rapport_motta(*, rapport: Rapport, user) -> Rapport:
    """The ministry confirms it has received the sent report."""
    fersk = _laas(rapport)
    if fersk.status != RapportStatus.SENDT:
        raise RapportFeil("Bare en sendt rapport kan markeres som mottatt.")
    if not kan_motta(user, fersk):
        raise RapportFeil("Bare departementet som rapporten er sendt til, kan markere den som mottatt.")
    fersk.status, fersk.mottatt, fersk.mottatt_av = RapportStatus.MOTTATT, timezone.now(), user
    with acting_user(user):
        fersk.full_clean()
        fersk.save()
    hendelser.meld(hendelser.RAPPORT_MOTTATT, fersk, user)
    return fersk


ELEMENTTYPER = {
    "del": ("rapportdel", "deler"),
    "parameter": ("parameterresultat", "parameterresultater"),
    "oppdrag": ("oppdragsstatus", "oppdragsstatuser"),
    "post": ("postrapport", "postrapporter"),
}


def finn_element(rapport: Rapport, art: str | None, element_id: int | None):
    """The item of ``rapport`` a comment is on (None: the report as a whole)."""
    if art is None:
        return None
    if art not in ELEMENTTYPER:
        raise RapportFeil("Ukjent type element i rapporten.")
    element = getattr(rapport, ELEMENTTYPER[art][1]).filter(pk=element_id).first()
    if element is None:
        raise RapportFeil("Elementet hører ikke til denne rapporten.")
    return element


@transaction.atomic
def rapport_kommenter(*, rapport: Rapport, tekst: str, user, art: str | None = None,
                      element_id: int | None = None) -> Kommentar:
    """The ministry's comment on a sent report, on the whole or on one part, result, oppdrag or post.

    Comments are append-only: each is a new row and none is ever edited here (the admin shows them
    read-only), so two comments written at the same time both stand and nothing can be overwritten."""
    fersk = _laas(rapport)
    if not kan_kommentere(user, fersk):
        raise RapportFeil("Bare departementet som rapporten er sendt til, kan kommentere den.")
    if not tekst.strip():
        raise RapportFeil("Kommentaren kan ikke være tom.")
    element = finn_element(fersk, art, element_id)
    kommentar = Kommentar(rapport=fersk, tekst=tekst.strip(), opprettet_av=user)
    if element is not None:
        setattr(kommentar, ELEMENTTYPER[art][0], element)
    with acting_user(user):
        kommentar.full_clean()
        kommentar.save()
    hendelser.meld(hendelser.RAPPORT_KOMMENTERT, fersk, user, tekst=kommentar.tekst)
    return kommentar
