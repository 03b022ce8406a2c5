"""Letter-level writes: the approval workflow of a tildelingsbrev and its tillegg, and carrying a
letter forward to next year. Every function runs in a transaction, records the acting user in
the history and refuses with a Norwegian message (``ValidationError``) what the workflow does
not allow; who may act at all is checked with ``PermissionDenied`` (brukere.tilgang).
"""

from __future__ import annotations

import re
from datetime import date

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Max
from django.utils import timezone

from brukere import tilgang
from kjerne import hendelser
from kjerne.historikk import acting_user as _acting_user
from styring.models import (
    Brevavsnitt,
    Fellesforing,
    Maal,
    Maaleverdi,
    Rapporteringskrav,
    Rapporteringspunkt,
    Resultatkrav,
    Signatur,
    Status,
    Styringsparameter,
    Tallfelt,
    Tildelingsbrev,
    Tillegg,
)

LAAST_MELDING = ("Tildelingsbrevet er sendt og kan ikke endres. Endringer gjøres i et tillegg til "
                 "tildelingsbrevet.")


def krev_ulaast(brev: Tildelingsbrev) -> None:
    """Refuse every write to a sent letter: after sending, changes go through a tillegg."""
    if brev.er_laast:
        raise ValidationError(LAAST_MELDING)


# The highest number the Tillegg.nummer column (PositiveSmallIntegerField) holds on every database.
TILLEGG_NUMMER_MAKS = 32767


def _locked_copy(brev: Tildelingsbrev) -> Tildelingsbrev:
    """Re-read the letter under a row lock so two clicks cannot both move it on."""
    return Tildelingsbrev.objects.select_for_update().get(pk=brev.pk)


def kvitterte_nokler(brev: Tildelingsbrev) -> set[str]:
    return set(brev.kvitteringer.values_list("nokkel", flat=True))


def konsistensfeil(brev: Tildelingsbrev) -> list:
    """The consistency findings of level FEIL that stop a letter from going to approval: errors,
    and what was carried forward unchanged unless an editor acknowledged it with a reason."""
    from styring.konsistens import FEIL, check_tildelingsbrev

    kvittert = kvitterte_nokler(brev)
    return [a for a in check_tildelingsbrev(brev) if a.nivaa == FEIL and a.sted.get("nokkel") not in kvittert]


@transaction.atomic
def brev_kvitter_avvik(*, brev: Tildelingsbrev, nokler: list[str], grunn: str, acting_user) -> list:
    """Acknowledge findings about carried-forward text with a reason: they stop blocking approval,
    and the reason is kept with the letter (shown in the check, the Saksgang and the archive export)."""
    from brev.models import Kvittering
    from brev.videreforing import KVITTERBARE
    from styring.konsistens import check_tildelingsbrev

    brev = _locked_copy(brev)
    if not tilgang.i_departementet(acting_user, brev.departement_id):
        raise PermissionDenied("Bare departementet som sender brevet, kan kvittere ut funn i kontrollen.")
    krev_ulaast(brev)
    if brev.status != Status.UTKAST:
        raise ValidationError("Funn kan bare kvitteres ut mens brevet er et utkast.")
    grunn = (grunn or "").strip()
    if not nokler:
        raise ValidationError("Velg minst ett funn du vil kvittere ut.")
    if not grunn:
        raise ValidationError("Skriv hvorfor funnene kan stå som de er.")
    funn = {a.sted.get("nokkel"): a for a in check_tildelingsbrev(brev) if a.kategori in KVITTERBARE}
    ukjente = [n for n in nokler if n not in funn]
    if ukjente:
        raise ValidationError("Kontrollen har endret seg siden siden ble lastet: ett eller flere av funnene finnes "
                              "ikke lenger. Se over kontrollen og prøv igjen.")
    allerede = kvitterte_nokler(brev)
    now = timezone.now()
    nye = []
    with _acting_user(acting_user):
        for nokkel in dict.fromkeys(nokler):
            if nokkel in allerede:
                continue
            k = Kvittering(tildelingsbrev=brev, nokkel=nokkel, melding=funn[nokkel].melding, grunn=grunn,
                           kvittert_av=acting_user, kvittert=now)
            k.full_clean()
            k.save()
            nye.append(k)
    return nye


@transaction.atomic
def brev_send_til_godkjenning(*, brev: Tildelingsbrev, acting_user) -> Tildelingsbrev:
    """utkast → til godkjenning, by an editor or approver of the sending ministry."""
    brev = _locked_copy(brev)
    krev_ulaast(brev)
    if not tilgang.i_departementet(acting_user, brev.departement_id):
        raise PermissionDenied("Bare departementet som sender brevet, kan sende det til godkjenning.")
    if brev.status != Status.UTKAST:
        raise ValidationError("Bare et utkast kan sendes til godkjenning.")
    feil = konsistensfeil(brev)
    if feil:
        raise ValidationError(
            [f"Brevet har {len(feil)} feil som må rettes før det kan sendes til godkjenning:"]
            + [a.melding for a in feil])
    brev.status = Status.TIL_GODKJENNING
    brev._change_reason = "Sendt til godkjenning"
    with _acting_user(acting_user):
        brev.full_clean()
        brev.save()
    hendelser.meld(hendelser.BREV_TIL_GODKJENNING, brev, acting_user)
    return brev


@transaction.atomic
def brev_godkjenn_og_send(*, brev: Tildelingsbrev, acting_user) -> Tildelingsbrev:
    """til godkjenning → sendt, by an approver of the sending ministry; the letter is then locked."""
    # Who may act first, then the state: a stranger learns nothing about the letter from the refusal.
    if not tilgang.er_godkjenner_for(acting_user, brev):
        raise PermissionDenied("Bare en godkjenner i departementet kan godkjenne og sende tildelingsbrevet.")
    brev = _locked_copy(brev)
    krev_ulaast(brev)
    if brev.status != Status.TIL_GODKJENNING:
        raise ValidationError("Brevet må være sendt til godkjenning før det kan godkjennes og sendes.")
    now = timezone.now()
    brev.status = Status.SENDT
    brev.sendt = now
    brev.godkjent_av = acting_user
    if brev.dato is None:
        brev.dato = timezone.localdate(now)
    brev._change_reason = "Godkjent og sendt"
    with _acting_user(acting_user):
        brev.full_clean()
        brev.save()
    hendelser.meld(hendelser.BREV_SENDT, brev, acting_user)
    return brev


@transaction.atomic
def brev_send_tilbake(*, brev: Tildelingsbrev, grunn: str, acting_user) -> Tildelingsbrev:
    """til godkjenning → utkast, with the reason kept in the letter's history."""
    brev = _locked_copy(brev)
    krev_ulaast(brev)
    if not tilgang.kan_sende_tilbake_brev(acting_user, brev):
        raise PermissionDenied("Bare departementet som sender brevet, kan sende det tilbake til utkast.")
    if brev.status != Status.TIL_GODKJENNING:
        raise ValidationError("Bare et brev som er til godkjenning, kan sendes tilbake.")
    grunn = (grunn or "").strip()
    if not grunn:
        raise ValidationError("Skriv hvorfor brevet sendes tilbake.")
    brev.status = Status.UTKAST
    brev._change_reason = f"Sendt tilbake: {grunn}"[:100]
    with _acting_user(acting_user):
        brev.save()
    hendelser.meld(hendelser.BREV_SENDT_TILBAKE, brev, acting_user, grunn=grunn)
    return brev


def neste_tilleggsnummer(brev: Tildelingsbrev) -> int:
    """The number "Lag tillegg nr. N" suggests: one after the highest number in use."""
    return (brev.tillegg.aggregate(m=Max("nummer"))["m"] or 0) + 1


@transaction.atomic
def tillegg_opprett(*, brev: Tildelingsbrev, acting_user, tittel: str = "", nummer: int | None = None,
                    dato: date | None = None) -> Tillegg:
    """A new draft tillegg to a sent letter.

    ``nummer`` and ``dato`` are the source letter's own ("Tillegg nr. 3", dated 11.09.2019): a tillegg
    entered after the fact keeps its number without placeholders for nr. 1 and 2, and its date is
    the letter's, not the day it was registered. Without a number, the next free one is used.
    """
    brev = _locked_copy(brev)
    if not tilgang.kan_lage_tillegg(acting_user, brev):
        if brev.status != Status.SENDT:
            raise ValidationError("Tillegg kan bare lages til et tildelingsbrev som er sendt. "
                                  "Et utkast endres direkte.")
        raise PermissionDenied("Bare departementet som sendte brevet, kan lage tillegg til det.")
    if nummer is None:
        nummer = neste_tilleggsnummer(brev)
    elif nummer < 1 or nummer > TILLEGG_NUMMER_MAKS:
        raise ValidationError({"nummer": f"Tilleggsnummeret må være mellom 1 og {TILLEGG_NUMMER_MAKS}."})
    elif brev.tillegg.filter(nummer=nummer).exists():
        raise ValidationError({"nummer": f"Tillegg nr. {nummer} finnes allerede for dette brevet. Neste ledige "
                                         f"nummer er {neste_tilleggsnummer(brev)}."})
    tillegg = Tillegg(tildelingsbrev=brev, nummer=nummer, dato=dato,
                      tittel=tittel or f"Tillegg nr. {nummer} til tildelingsbrev {brev.aar} – {brev.virksomhet}")
    with _acting_user(acting_user):
        tillegg.full_clean()
        tillegg.save()
    return tillegg


@transaction.atomic
def tillegg_send(*, tillegg: Tillegg, acting_user) -> Tillegg:
    """utkast → sendt for a tillegg, by an approver; from then on it is part of the current letter."""
    tillegg = Tillegg.objects.select_for_update().select_related("tildelingsbrev").get(pk=tillegg.pk)
    if tillegg.status == Status.SENDT:
        raise ValidationError(f"Tillegg nr. {tillegg.nummer} er allerede sendt.")
    if not tilgang.kan_sende_tillegg(acting_user, tillegg):
        raise PermissionDenied("Bare en godkjenner i departementet kan sende tillegget.")
    now = timezone.now()
    tillegg.status = Status.SENDT
    tillegg.sendt = now
    if tillegg.dato is None:
        tillegg.dato = timezone.localdate(now)
    tillegg._change_reason = "Godkjent og sendt"
    with _acting_user(acting_user):
        tillegg.full_clean()
        tillegg.save()
    hendelser.meld(hendelser.TILLEGG_SENDT, tillegg, acting_user)
    return tillegg


def _pluss_ett_aar(d: date | None) -> date | None:
    if d is None:
        return None
    try:
        return d.replace(year=d.year + 1)
    except ValueError:  # 29 February
        return d.replace(year=d.year + 1, day=28)


def _nytt_aar(tekst: str, aar: int) -> str:
    """Move a heading that names the letter's year ("for 2024") to the next year."""
    return re.sub(rf"\b{aar}\b", str(aar + 1), tekst) if tekst else tekst


@transaction.atomic
def brev_viderefor(*, brev: Tildelingsbrev, acting_user) -> Tildelingsbrev:
    """Next year's letter as a draft, carried forward from ``brev``.

    Copies the chapters (not text given in tillegg), goals with their parameters, targets and
    baselines, the reporting table one year on, fellesføringer, signatures and the budget's
    chapters and posts (amounts as a starting point to be updated). Oppdrag are not copied: the
    open ones appear in the new letter as "gitt tidligere" by derivation.
    """
    if not tilgang.kan_viderefore_brev(acting_user, brev):
        raise PermissionDenied("Bare departementet som sendte brevet, kan lage neste års tildelingsbrev.")
    from brev.videreforing import brevtekster, flytt_standardtekst, forrige_brev, standardmaler
    from budsjett.models import Budsjettkapittel, Budsjettpost

    if brev.status != Status.SENDT:
        raise ValidationError(
            f"Tildelingsbrevet for {brev.aar + 1} kan bare lages fra et brev som er sendt. Tildelingsbrevet for "
            f"{brev.aar} er {brev.get_status_display().lower()}; send det først.")
    aar = brev.aar + 1
    # Paragraphs last year's letter also held, with the years one lower, are standard text: move them on.
    eldre = forrige_brev(brev)
    maler = standardmaler((t for _, t in brevtekster(eldre)), eldre.aar) if eldre else set()

    def tekst(t: str) -> str:
        return flytt_standardtekst(t, brev.aar, maler)

    if Tildelingsbrev.objects.filter(virksomhet_id=brev.virksomhet_id, aar=aar).exists():
        raise ValidationError(f"{brev.virksomhet} har allerede et tildelingsbrev for {aar}.")
    with _acting_user(acting_user):
        ny = Tildelingsbrev(
            virksomhet_id=brev.virksomhet_id, departement_id=brev.departement_id, aar=aar,
            tittel=_nytt_aar(brev.tittel, brev.aar), status=Status.UTKAST, instruks_id=brev.instruks_id,
            kontaktperson_id=brev.kontaktperson_id, avdeling=brev.avdeling, saksbehandler=brev.saksbehandler,
            mottaker_adresse=brev.mottaker_adresse, elektronisk_signert_tekst=brev.elektronisk_signert_tekst,
        )
        ny._change_reason = f"Videreført fra tildelingsbrevet for {brev.aar}"
        ny.full_clean()
        ny.save()
        # Setting the copy list writes a second history row; without the reason it is not a second
        # "Videreført" event in the letter's Saksgang.
        del ny._change_reason
        ny.kopi_til.set(brev.kopi_til.all())

        for a in brev.avsnitt.filter(tillegg__isnull=True).order_by("rekkefolge", "id"):
            Brevavsnitt.objects.create(tildelingsbrev=ny, nummer=a.nummer, tittel=_nytt_aar(a.tittel, brev.aar),
                                       tekst=tekst(a.tekst), rekkefolge=a.rekkefolge)

        # Målområder and delområder: a heading after the one it sits under; a delområde's mål is set
        # once the mål are copied.
        grupper, igjen = {}, list(brev.maalgrupper.all())
        while igjen:
            klare = [g for g in igjen if g.overordnet_id is None or g.overordnet_id in grupper]
            for g in klare or igjen:  # "or igjen": a cycle typed in the admin is broken, not looped over
                grupper[g.pk] = g.__class__.objects.create(
                    tildelingsbrev=ny, nummer=g.nummer, tittel=g.tittel, tekst=tekst(g.tekst),
                    overordnet=grupper.get(g.overordnet_id))
            igjen = [g for g in igjen if g.pk not in grupper]
        nye_maal, nye_sp = {}, {}
        maal_qs = brev.maal.prefetch_related("styringsparametere__resultatkrav", "styringsparametere__maaleverdier")
        for m in maal_qs:
            nye_maal[m.pk] = nm = Maal.objects.create(
                tildelingsbrev=ny, gruppe=grupper.get(m.gruppe_id), nummer=m.nummer, tittel=m.tittel, tekst=tekst(m.tekst),
                overskrift_nye_oppdrag=_nytt_aar(m.overskrift_nye_oppdrag, brev.aar),
                overskrift_tidligere_oppdrag=_nytt_aar(m.overskrift_tidligere_oppdrag, brev.aar))
            for sp in m.styringsparametere.all():
                nye_sp[sp.pk] = nsp = Styringsparameter.objects.create(
                    maal=nm, kode=sp.kode, tekst=tekst(sp.tekst), rekkefolge=sp.rekkefolge, i_aarsrapport=sp.i_aarsrapport,
                    i_halvaarsrapport=sp.i_halvaarsrapport, formaal=sp.formaal,
                    maaleutgangspunkt=sp.maaleutgangspunkt, nokkeltall=sp.nokkeltall)
                for rk in sp.resultatkrav.all():
                    Resultatkrav.objects.create(styringsparameter=nsp, verdi=rk.verdi, enhet=rk.enhet, tekst=tekst(rk.tekst),
                                                rekkefolge=rk.rekkefolge)
                for mv in sp.maaleverdier.all():
                    Maaleverdi.objects.create(styringsparameter=nsp, periode=mv.periode, dato=mv.dato, verdi=mv.verdi,
                                              enhet=mv.enhet, tekst=mv.tekst)
        for g in brev.maalgrupper.filter(under_maal__isnull=False):
            kopi = grupper[g.pk]
            kopi.under_maal = nye_maal[g.under_maal_id]
            kopi.save(update_fields=["under_maal"])
        for k in brev.rapporteringskrav.prefetch_related("styringsparametere"):
            ny_k = Rapporteringskrav.objects.create(
                tildelingsbrev=ny, kode=k.kode, tekst=tekst(k.tekst), maal=nye_maal.get(k.maal_id),
                frekvens=k.frekvens, frekvens_tekst=k.frekvens_tekst, rekkefolge=k.rekkefolge)
            ny_k.styringsparametere.set([nye_sp[sp.pk] for sp in k.styringsparametere.all() if sp.pk in nye_sp])

        for rp in brev.rapporteringspunkter.all():
            Rapporteringspunkt.objects.create(
                tildelingsbrev=ny, type=rp.type, rapport_aar=rp.rapport_aar + 1,
                betegnelse=_nytt_aar(rp.betegnelse, rp.rapport_aar) if str(rp.rapport_aar) in rp.betegnelse
                else rp.betegnelse,
                telletidspunkt=_pluss_ett_aar(rp.telletidspunkt), frist=_pluss_ett_aar(rp.frist),
                rekkefolge=rp.rekkefolge)
        for f in brev.fellesforinger.prefetch_related("tallfelt"):
            # The key stays: it is what matches this year's numbers in the årsrapport with last year's.
            nf = Fellesforing.objects.create(tildelingsbrev=ny, nokkel=f.nokkel, tittel=_nytt_aar(f.tittel, brev.aar),
                                             tekst=tekst(f.tekst), rapportering=tekst(f.rapportering),
                                             rekkefolge=f.rekkefolge)
            for tf in f.tallfelt.all():
                Tallfelt.objects.create(fellesforing=nf, nokkel=tf.nokkel, navn=_nytt_aar(tf.navn, brev.aar),
                                        enhet=tf.enhet, grunnlag_verdi=tf.grunnlag_verdi,
                                        grunnlag_tekst=tf.grunnlag_tekst, grunnlag_fra_aar=tf.grunnlag_fra_aar,
                                        grunnlag_til_aar=tf.grunnlag_til_aar, rekkefolge=tf.rekkefolge)
        for s in brev.signaturer.all():
            Signatur.objects.create(tildelingsbrev=ny, navn=s.navn, tittel=s.tittel, ef=s.ef, rekkefolge=s.rekkefolge)

        for kap in Budsjettkapittel.objects.filter(tildelingsbrev=brev).prefetch_related("poster"):
            nk = Budsjettkapittel.objects.create(tildelingsbrev=ny, nummer=kap.nummer,
                                                 betegnelse=_nytt_aar(kap.betegnelse, brev.aar),
                                                 enhet_i_brevet=kap.enhet_i_brevet, tekst=tekst(kap.tekst),
                                                 rekkefolge=kap.rekkefolge)
            for p in kap.poster.all():
                Budsjettpost.objects.create(kapittel=nk, post=p.post, betegnelse=p.betegnelse,
                                            kan_overfores=p.kan_overfores, overslagsbevilgning=p.overslagsbevilgning,
                                            tildelt_kr=p.tildelt_kr, tildelt_tekst=p.tildelt_tekst,
                                            overskrift=_nytt_aar(p.overskrift, brev.aar),
                                            rekkefolge=p.rekkefolge)
    return ny
