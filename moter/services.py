"""Writes for meetings: planning, the agenda, documents, the minutes' workflow and decisions.

Every function runs in a transaction, records the acting user in the history, refuses what the
workflow does not allow with a Norwegian ``ValidationError`` and who may not act at all with
``PermissionDenied`` (``moter.tilgang``).
"""

from __future__ import annotations

import os
import re
from datetime import date

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Max
from django.utils import timezone

from brev.services import tillegg_opprett
from kjerne import hendelser
from kjerne.historikk import acting_user as _acting_user
from oppdrag.models import Frist, Oppdrag
from oppdrag.opplasting import kontroller_fil
from oppdrag.services import apply_frist_text

from . import dagsorden, tilgang
from .models import (
    FRA_KALENDER,
    Merknad,
    Mote,
    Motetype,
    Punktoppdatering,
    Referat,
    Referatstatus,
    Sak,
    Side,
    Vedlegg,
    Vedtak,
)

LAAST_MELDING = "Referatet er godkjent av begge parter og kan ikke endres."


def _lagre(obj, user, grunn: str = "") -> None:
    if grunn:
        obj._change_reason = grunn
    with _acting_user(user):
        obj.full_clean()
        obj.save()


def _side(user, mote) -> str:
    return Side.DEPARTEMENT if tilgang.er_departementet(user, mote) else Side.VIRKSOMHET


# --- planning -------------------------------------------------------------------------------------

def _fra_punktet(kalenderpunkt) -> dict:
    """What a meeting takes from its entry in the letter's calendar."""
    return {"type": FRA_KALENDER.get(kalenderpunkt.type, Motetype.SAERMOTE), "tittel": kalenderpunkt.tittel,
            "dato": kalenderpunkt.dato}


def _endret_siden(kalenderpunkt, tidspunkt) -> bool:
    """Whether the entry was changed after ``tidspunkt`` (the previous time the letter or a tillegg was sent)."""
    if tidspunkt is None:
        return True
    return kalenderpunkt.history.filter(history_date__gt=tidspunkt).exists()


@transaction.atomic
def moter_fra_kalender(*, brev, acting_user, tillegg=None) -> list[Mote]:
    """Every dated entry in a sent letter's calendar is a meeting in the portal.

    Called when the letter or one of its tillegg is sent (``kjerne.hendelser``) and when a sent letter
    is read in from the archive. Safe to run again: an entry that has its meeting gets no second one,
    and a meeting planned by hand for the same letter, type and date is linked to the entry instead
    of duplicated. An entry changed since the letter (or the tillegg before ``tillegg``) was sent,
    and since the meeting itself was last changed, moves its meeting when ``tillegg`` is sent, unless
    the meeting is held (its minutes are started). A draft makes nothing.
    An entry without a date ("våren 2024") is left for the ministry to plan (Møter, "Fra brevets kalender").
    Returns the meetings created or changed."""
    if brev.status != "sendt":
        return []
    forrige_sending = None
    if tillegg is not None:
        tider = [brev.sendt, *brev.tillegg.filter(status="sendt").exclude(pk=tillegg.pk).values_list("sendt", flat=True)]
        forrige_sending = max((t for t in tider if t is not None), default=None)
    punkter = list(brev.moter.filter(dato__isnull=False).order_by("dato", "pk"))
    koblet = {m.kalenderpunkt_id: m for m in Mote.objects.filter(kalenderpunkt__in=punkter)
              .select_related("referat")}
    for_haand = list(Mote.objects.filter(tildelingsbrev=brev, kalenderpunkt__isnull=True).order_by("pk"))
    endret = []
    for punkt in punkter:
        verdier = _fra_punktet(punkt)
        mote = koblet.get(punkt.pk)
        if mote is None:
            mote = next((m for m in for_haand if m.type == verdier["type"] and m.dato == punkt.dato), None)
            if mote is not None:
                for_haand.remove(mote)
                mote.kalenderpunkt = punkt
                _lagre(mote, acting_user, "Koblet til møtet i brevets kalender")
                continue
            mote = Mote(tildelingsbrev=brev, kalenderpunkt=punkt, opprettet_av=acting_user, **verdier)
            _lagre(mote, acting_user, "Fra brevets kalender")
            endret.append(mote)
            continue
        if mote.har_referat or all(getattr(mote, f) == v for f, v in verdier.items()):
            continue
        # The latest word wins: the entry moves the meeting only if changed after the previous sending
        # and after the ministry last changed the meeting itself.
        sist_endret = mote.history.values_list("history_date", flat=True).first()
        if tillegg is not None and _endret_siden(punkt, max(filter(None, [forrige_sending, sist_endret]),
                                                            default=None)):
            for f, v in verdier.items():
                setattr(mote, f, v)
            if mote.dagsorden_frist and mote.dagsorden_frist > mote.dato:
                mote.dagsorden_frist = None
            _lagre(mote, acting_user, f"Endret i brevets kalender (tillegg nr. {tillegg.nummer})")
            endret.append(mote)
    return endret


@transaction.atomic
def deltaker_legg_til(*, mote: Mote, acting_user, side: str, bruker=None, navn: str = "", stilling: str = ""):
    if not tilgang.kan_endre_mote(acting_user, mote):
        raise PermissionDenied("Bare departementet kan endre deltakerlisten, og bare før referatet er godkjent.")
    from .models import Deltaker

    if bruker is not None:
        org = mote.tildelingsbrev.departement_id if side == Side.DEPARTEMENT else mote.tildelingsbrev.virksomhet_id
        if bruker.organisasjon_id != org:
            raise ValidationError({"bruker": "Brukeren hører ikke til den siden du valgte."})
        if mote.deltakere.filter(bruker=bruker).exists():
            raise ValidationError({"bruker": f"{bruker.get_full_name() or bruker.username} er allerede med."})
    deltaker = Deltaker(mote=mote, side=side, bruker=bruker, navn=navn.strip(), stilling=stilling.strip())
    _lagre(deltaker, acting_user)
    return deltaker


@transaction.atomic
def deltaker_fjern(*, mote: Mote, deltaker, acting_user) -> None:
    if not tilgang.kan_endre_mote(acting_user, mote):
        raise PermissionDenied("Bare departementet kan endre deltakerlisten, og bare før referatet er godkjent.")
    with _acting_user(acting_user):
        deltaker.delete()


# --- agenda and documents -------------------------------------------------------------------------

def sak_nektet_grunn(user, mote: Mote) -> str:
    """Why a party may not propose an item now (the meeting is held, or the deadline passed)."""
    if mote.har_referat:
        return "Møtet er holdt og referatet er påbegynt. Nye saker tas opp i neste møte."
    if tilgang.er_virksomheten(user, mote) and mote.dagsorden_frist:
        return (f"Fristen for å foreslå saker til dagsorden var {mote.dagsorden_frist:%d.%m.%Y}. "
                "Ta kontakt med departementet hvis saken haster.")
    return "Bare departementet og virksomheten kan foreslå saker til møtet."


@transaction.atomic
def sak_foreslaa(*, mote: Mote, acting_user, tittel: str, beskrivelse: str = "", idag: date | None = None) -> Sak:
    idag = idag or timezone.localdate()
    mote = Mote.objects.select_for_update().select_related("tildelingsbrev").get(pk=mote.pk)
    if not tilgang.kan_foreslaa_sak(acting_user, mote, idag):
        if not tilgang.er_part(acting_user, mote):
            raise PermissionDenied("Bare departementet og virksomheten kan foreslå saker til møtet.")
        raise ValidationError(sak_nektet_grunn(acting_user, mote))
    rekkefolge = (mote.saker.aggregate(m=Max("rekkefolge"))["m"] or 0) + 1
    sak = Sak(mote=mote, kilde=Sak.Kilde.FORSLAG, tittel=tittel.strip(), beskrivelse=beskrivelse.strip(),
              foreslatt_av=acting_user, side=_side(acting_user, mote), rekkefolge=rekkefolge)
    _lagre(sak, acting_user)
    return sak


@transaction.atomic
def sak_trekk(*, sak: Sak, acting_user) -> None:
    """A proposal is withdrawn by the person who made it, or by the ministry, before the minutes start."""
    mote = sak.mote
    if mote.har_referat:
        raise ValidationError("Møtet er holdt, og dagsordenen kan ikke lenger endres.")
    if not (tilgang.er_departementet(acting_user, mote) or sak.foreslatt_av_id == acting_user.pk):
        raise PermissionDenied("Bare den som foreslo saken, eller departementet, kan trekke den.")
    with _acting_user(acting_user):
        sak.delete()


@transaction.atomic
def vedlegg_last_opp(*, mote: Mote, tittel: str, fil, acting_user) -> Vedlegg:
    """Stored through the storage API after the same checks as an oppdrag's delivery (type, size,
    content, ZIP limits), so a refused upload leaves nothing."""
    if not tilgang.kan_laste_opp(acting_user, mote):
        raise PermissionDenied("Bare departementet og virksomheten kan legge ved dokumenter, og bare før "
                               "referatet er godkjent.")
    kontroller_fil(fil)
    vedlegg = Vedlegg(mote=mote, tittel=tittel.strip(), storrelse=fil.size, lastet_opp_av=acting_user)
    vedlegg.full_clean(exclude=["fil"])
    vedlegg.fil.save(os.path.basename(fil.name), fil, save=False)
    try:
        _lagre(vedlegg, acting_user)
    except ValidationError:
        vedlegg.fil.delete(save=False)
        raise
    return vedlegg


# --- the minutes ---------------------------------------------------------------------------------

def _referat_utkast_tekst(punkter) -> str:
    linjer = []
    for i, p in enumerate(punkter, start=1):
        linjer.append(f"Sak {i}: {p.tittel}\n")
    return "\n".join(linjer)


@transaction.atomic
def referat_start(*, mote: Mote, acting_user) -> Referat:
    """The meeting is held: the agenda as drafted is stored, and the ministry's draft minutes start
    with one heading per item."""
    mote = Mote.objects.select_for_update().select_related("tildelingsbrev").get(pk=mote.pk)
    if not tilgang.er_departementet(acting_user, mote):
        raise PermissionDenied("Bare departementet skriver referatet.")
    if mote.har_referat:
        raise ValidationError("Referatet er allerede påbegynt.")
    punkter = dagsorden.dagsorden(mote, acting_user)
    with _acting_user(acting_user):
        for i, p in enumerate(punkter, start=1):
            if p.sak is not None:
                p.sak.rekkefolge = i
                p.sak.save(update_fields=["rekkefolge"])
            else:
                Sak.objects.create(mote=mote, kilde=p.kilde, tittel=p.tittel, beskrivelse=p.beskrivelse,
                                   oppdrag=p.oppdrag, punkt=p.punkt, rekkefolge=i)
    referat = Referat(mote=mote, tekst=_referat_utkast_tekst(punkter))
    _lagre(referat, acting_user, "Referat påbegynt")
    return referat


def krev_ulaast(referat: Referat) -> None:
    if referat.er_laast:
        raise ValidationError(LAAST_MELDING)


def referat_endret(referat: Referat) -> None:
    """A change to minutes out for comments asks both sides to approve again."""
    if referat.status == Referatstatus.TIL_KOMMENTAR:
        referat.godkjent_departement = referat.godkjent_departement_av = None
        referat.godkjent_virksomhet = referat.godkjent_virksomhet_av = None


@transaction.atomic
def referat_send(*, mote: Mote, acting_user) -> Referat:
    referat = Referat.objects.select_for_update().get(mote=mote)
    if not tilgang.er_departementet(acting_user, mote):
        raise PermissionDenied("Bare departementet sender referatet til virksomheten.")
    if referat.status != Referatstatus.UTKAST:
        raise ValidationError("Referatet er allerede sendt til virksomheten.")
    if not referat.tekst.strip():
        raise ValidationError("Referatet er tomt. Skriv referatet før det sendes.")
    referat.status = Referatstatus.TIL_KOMMENTAR
    referat.sendt, referat.sendt_av = timezone.now(), acting_user
    _lagre(referat, acting_user, "Sendt til virksomheten for kommentarer")
    hendelser.meld(hendelser.REFERAT_TIL_KOMMENTAR, mote, acting_user, side=Side.DEPARTEMENT)
    return referat


@transaction.atomic
def referat_merknad(*, mote: Mote, tekst: str, acting_user) -> Merknad:
    referat = Referat.objects.select_for_update().get(mote=mote)
    if not tilgang.er_part(acting_user, mote):
        raise PermissionDenied("Bare departementet og virksomheten kan kommentere referatet.")
    if referat.status != Referatstatus.TIL_KOMMENTAR:
        raise ValidationError("Referatet kan bare kommenteres mens det er sendt til kommentarer.")
    if not tekst.strip():
        raise ValidationError({"tekst": "Skriv en merknad."})
    merknad = Merknad(referat=referat, tekst=tekst.strip(), skrevet_av=acting_user)
    _lagre(merknad, acting_user)
    hendelser.meld(hendelser.REFERAT_MERKNAD, mote, acting_user, side=_side(acting_user, mote), tekst=merknad.tekst)
    return merknad


@transaction.atomic
def referat_godkjenn(*, mote: Mote, acting_user) -> Referat:
    """One side approves; when both have, the minutes are locked."""
    referat = Referat.objects.select_for_update().get(mote=mote)
    if not tilgang.er_part(acting_user, mote):
        raise PermissionDenied("Bare departementet og virksomheten godkjenner referatet.")
    if referat.status != Referatstatus.TIL_KOMMENTAR:
        raise ValidationError(LAAST_MELDING if referat.er_laast else
                              "Referatet må sendes til virksomheten før det kan godkjennes.")
    naa = timezone.now()
    if tilgang.er_departementet(acting_user, mote):
        if referat.godkjent_departement:
            raise ValidationError("Departementet har allerede godkjent referatet.")
        referat.godkjent_departement, referat.godkjent_departement_av = naa, acting_user
    else:
        if referat.godkjent_virksomhet:
            raise ValidationError("Virksomheten har allerede godkjent referatet.")
        referat.godkjent_virksomhet, referat.godkjent_virksomhet_av = naa, acting_user
    grunn = "Godkjent"
    if referat.godkjent_departement and referat.godkjent_virksomhet:
        referat.status = Referatstatus.GODKJENT
        grunn = "Godkjent av begge parter og låst"
    _lagre(referat, acting_user, grunn)
    hendelser.meld(hendelser.REFERAT_GODKJENT, mote, acting_user, side=_side(acting_user, mote),
                   laast=referat.er_laast)
    return referat


# --- decisions ------------------------------------------------------------------------------------

def krev_skrivbart_referat(mote: Mote, acting_user) -> Referat:
    referat = Referat.objects.select_for_update().get(mote=mote)
    if not tilgang.kan_skrive_referat(acting_user, mote):
        krev_ulaast(referat)
        raise PermissionDenied("Bare departementet skriver referatet og vedtakene.")
    return referat


def neste_vedtaksnummer(mote: Mote) -> int:
    return (mote.vedtak.aggregate(m=Max("nummer"))["m"] or 0) + 1


def _sjekk_ansvarlig(mote: Mote, ansvarlig) -> None:
    if ansvarlig is not None and ansvarlig.organisasjon_id not in (mote.tildelingsbrev.virksomhet_id,
                                                                   mote.tildelingsbrev.departement_id):
        raise ValidationError({"ansvarlig": "Den ansvarlige må være i departementet eller virksomheten."})


@transaction.atomic
def vedtak_lagre(*, vedtak: Vedtak, acting_user) -> Vedtak:
    """A new or changed decision in the minutes (the ministry, until the minutes are approved)."""
    referat = krev_skrivbart_referat(vedtak.mote, acting_user)
    if vedtak.pk is None:
        vedtak.nummer = neste_vedtaksnummer(vedtak.mote)
    if vedtak.art == Vedtak.Art.OPPDRAG:
        vedtak.status = Vedtak.Status.AAPEN  # followed up as the oppdrag it becomes
    if vedtak.art == Vedtak.Art.OPPFOLGING:
        if vedtak.frist is None:
            raise ValidationError({"frist": "Et oppfølgingspunkt må ha en frist."})
        if vedtak.ansvarlig is None:
            raise ValidationError({"ansvarlig": "Et oppfølgingspunkt må ha en ansvarlig."})
    _sjekk_ansvarlig(vedtak.mote, vedtak.ansvarlig)
    _lagre(vedtak, acting_user)
    referat_endret(referat)
    _lagre(referat, acting_user)
    return vedtak


@transaction.atomic
def vedtak_slett(*, vedtak: Vedtak, acting_user) -> None:
    referat = krev_skrivbart_referat(vedtak.mote, acting_user)
    with _acting_user(acting_user):
        vedtak.delete()
    referat_endret(referat)
    _lagre(referat, acting_user)


def neste_oppdragsnummer(virksomhet_id: int, aar: int) -> str:
    """The next "ÅÅÅÅ-NN" the agency has not used (the ministry may renumber it in the tillegg)."""
    nr = 0
    for nummer in Oppdrag.objects.filter(virksomhet_id=virksomhet_id, nummer__startswith=f"{aar}-").values_list(
            "nummer", flat=True):
        m = re.fullmatch(rf"{aar}-(\d+)", nummer)
        if m:
            nr = max(nr, int(m.group(1)))
    return f"{aar}-{nr + 1:02d}"


@transaction.atomic
def vedtak_til_oppdrag(*, vedtak: Vedtak, acting_user) -> Oppdrag:
    """A decided new oppdrag is drafted into the letter's next draft tillegg (a new one if there is
    none), where the ministry completes and sends it as any other oppdrag."""
    vedtak = Vedtak.objects.select_for_update().select_related("mote__tildelingsbrev").get(pk=vedtak.pk)
    if not tilgang.kan_lage_oppdrag(acting_user, vedtak):
        if vedtak.oppdrag_id:
            raise ValidationError("Vedtaket er allerede lagt inn som oppdrag.")
        if not vedtak.mote.har_referat or vedtak.mote.referat.status != Referatstatus.GODKJENT:
            raise ValidationError("Referatet må være godkjent av begge parter før vedtaket blir et oppdrag.")
        raise PermissionDenied("Bare departementet legger vedtak inn i et tillegg.")
    brev = vedtak.mote.tildelingsbrev
    tillegg = brev.tillegg.filter(status="utkast").order_by("nummer").first()
    if tillegg is None:
        tillegg = tillegg_opprett(brev=brev, acting_user=acting_user)
    nummer = neste_oppdragsnummer(brev.virksomhet_id, brev.aar)
    rekkefolge = (Oppdrag.objects.filter(tildelingsbrev=brev, tillegg=tillegg)
                  .aggregate(m=Max("rekkefolge"))["m"] or 0) + 1
    mote = vedtak.mote
    oppdrag = Oppdrag(virksomhet_id=brev.virksomhet_id, nummer=nummer, aar=brev.aar, tildelingsbrev=brev,
                      tillegg=tillegg, departement_id=brev.departement_id, tittel=vedtak.tittel,
                      beskrivelse=vedtak.tekst, rekkefolge=rekkefolge, ansvarlig=vedtak.ansvarlig
                      if vedtak.ansvarlig and vedtak.ansvarlig.organisasjon_id == brev.virksomhet_id else None,
                      bakgrunn=f"Vedtak {vedtak.nummer} i {mote.get_type_display().lower()} {mote.dato:%d.%m.%Y}.")
    _lagre(oppdrag, acting_user, f"Fra vedtak {vedtak.nummer} i {mote.tittel}")
    if vedtak.frist:
        frist = Frist(oppdrag=oppdrag, tildelingsbrev=brev, tillegg=tillegg, rekkefolge=1,
                      tekst=f"{vedtak.frist:%d.%m.%Y}")
        apply_frist_text(frist, aar=brev.aar, virksomhet_id=brev.virksomhet_id, dato=vedtak.frist)
        _lagre(frist, acting_user)
    vedtak.oppdrag = oppdrag
    _lagre(vedtak, acting_user, "Lagt inn som oppdrag i tillegg")
    return oppdrag


@transaction.atomic
def punkt_oppdater(*, vedtak: Vedtak, status: str, tekst: str, acting_user) -> Punktoppdatering:
    """Follow-up of an oppfølgingspunkt. Either side reports what is done; only the ministry closes it."""
    vedtak = Vedtak.objects.select_for_update().select_related("mote__tildelingsbrev").get(pk=vedtak.pk)
    if not tilgang.kan_folge_opp_punkt(acting_user, vedtak):
        raise PermissionDenied("Bare departementet og virksomheten følger opp punkter fra godkjente referater.")
    if status not in Vedtak.Status.values:
        raise ValidationError({"status": "Velg en status."})
    if status == Vedtak.Status.LUKKET and not tilgang.er_departementet(acting_user, vedtak.mote):
        raise ValidationError({"status": "Bare departementet kan lukke et oppfølgingspunkt. Meld det som utført."})
    if vedtak.status == Vedtak.Status.LUKKET and not tilgang.er_departementet(acting_user, vedtak.mote):
        raise ValidationError("Punktet er lukket av departementet.")
    if not tekst.strip():
        raise ValidationError({"tekst": "Skriv hva som er gjort."})
    oppdatering = Punktoppdatering(vedtak=vedtak, status=status, tekst=tekst.strip(), skrevet_av=acting_user)
    _lagre(oppdatering, acting_user)
    vedtak.status = status
    _lagre(vedtak, acting_user)
    return oppdatering
