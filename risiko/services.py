"""Reads and writes on risk assessments.

Every write checks who may do it against the assessment as stored now (re-read under a row lock),
runs in one transaction and records the acting user in the history. A shared assessment is locked.

For other apps (meetings, reports): ``siste_delte_vurdering(virksomhet, *, bruker, per=None)`` gives
the latest assessment the agency has shared that ``bruker`` may see, with its risks and measures
loaded, or None.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Max
from django.utils import timezone

from brukere.models import Rolle
from brukere.tilgang import i_virksomheten
from kjerne import hendelser
from kjerne.tiltak import TILTAK_FELTER, lagre_tiltak
from oppdrag.models import FERDIGE_STATUSER, Oppdrag
from styring.models import Maal, Tildelingsbrev

from .models import (
    Nivaa,
    Periodetype,
    Risiko,
    Risikotiltak,
    Risikovurdering,
    Tiltaksstatus,
    Vurderingsstatus,
)

LAAST_MELDING = "Risikovurderingen er delt med departementet og kan ikke lenger endres."
RISIKO_FELTER = ("tittel", "beskrivelse", "maal", "oppdrag", "sannsynlighet", "konsekvens", "rest_sannsynlighet",
                 "rest_konsekvens", "akseptabel", "begrunnelse")


# --- who may do what -------------------------------------------------------------------------

def kan_opprette(user, virksomhet_id: int) -> bool:
    """Agency staff start their own agency's assessments."""
    return i_virksomheten(user, virksomhet_id)


def kan_skrive(user, vurdering: Risikovurdering) -> bool:
    """Agency staff of the assessment's agency, while it is a draft."""
    return i_virksomheten(user, vurdering.virksomhet_id) and not vurdering.er_laast


def kan_dele(user, vurdering: Risikovurdering) -> bool:
    """The agency's leader or contact person shares a draft with the ministry."""
    return kan_skrive(user, vurdering) and user.rolle in (Rolle.VIRKSOMHET_LEDER, Rolle.VIRKSOMHET_KONTAKT)


def _laas(vurdering: Risikovurdering, user) -> Risikovurdering:
    fersk = Risikovurdering.objects.select_for_update().get(pk=vurdering.pk)
    if fersk.er_laast:
        raise ValidationError(LAAST_MELDING)
    if not kan_skrive(user, fersk):
        raise PermissionDenied("Bare virksomhetens egne medarbeidere kan skrive i risikovurderingen.")
    return fersk


# --- reads -----------------------------------------------------------------------------------

def _id(obj_or_id) -> int:
    return getattr(obj_or_id, "pk", obj_or_id)


def siste_delte_vurdering(virksomhet, *, bruker, per: date | None = None) -> Risikovurdering | None:
    """The latest assessment ``virksomhet`` (an Organisasjon or its id) has shared with its ministry
    that ``bruker`` may see, as of ``per`` (its period ends on or before that date) when given;
    risks, measures and the previous risks (for the trend) loaded. None when there is none."""
    qs = Risikovurdering.objects.for_user(bruker).delte().filter(virksomhet_id=_id(virksomhet))
    if per is not None:
        qs = qs.filter(gjelder_per__lte=per)
    return qs.med_risikoer().order_by("-gjelder_per").first()


def vurdering_for_rapport(*, virksomhet_id: int, departement_id: int, per: date) -> Risikovurdering | None:
    """The assessment a halvårs- or årsrapport shows: the latest the agency has shared with the
    report's ministry whose period ends on or before the telletidspunkt. Whoever may read the
    report reads it there (it is part of what the agency reports), so no user filter here."""
    return (Risikovurdering.objects.delte().filter(virksomhet_id=virksomhet_id, departement_id=departement_id,
                                                   gjelder_per__lte=per)
            .med_risikoer().order_by("-gjelder_per").first())


def forrige_vurdering(vurdering: Risikovurdering, *, bruker=None, delt: bool = False) -> Risikovurdering | None:
    """The agency's assessment for the period before this one; with ``bruker``, the latest earlier
    one that person may see (the ministry: the last one shared); with ``delt``, the last one shared."""
    qs = Risikovurdering.objects.for_user(bruker) if bruker is not None else Risikovurdering.objects.all()
    if delt:
        qs = qs.delte()
    return (qs.filter(virksomhet_id=vurdering.virksomhet_id, gjelder_per__lt=vurdering.gjelder_per)
            .order_by("-gjelder_per").first())


@dataclass(frozen=True)
class Trend:
    retning: str  # "ny", "opp", "ned", "uendret"
    tekst: str
    symbol: str


NY = Trend("ny", "Ny siden forrige vurdering", "●")


def _trend(poeng: int, forrige_poeng: int | None) -> Trend:
    if forrige_poeng is None:
        return NY
    if poeng > forrige_poeng:
        return Trend("opp", f"Økt fra {forrige_poeng} til {poeng}", "▲")
    if poeng < forrige_poeng:
        return Trend("ned", f"Redusert fra {forrige_poeng} til {poeng}", "▼")
    return Trend("uendret", f"Uendret ({poeng})", "▶")


def trender(vurdering: Risikovurdering, risikoer, mot: Risikovurdering | None) -> dict[int, Trend]:
    """The trend of each risk since the assessment ``mot`` (the last one the reader has seen: for the
    ministry and in the reports the last one shared, never an agency draft in between). A risk is
    followed back through the assessments between (``forrige``), so a risk carried through a draft
    the reader never saw compares with its self in ``mot``, and one first written in that draft is new.
    Two queries at most, however many risks."""
    if mot is None:
        return {r.pk: NY for r in risikoer}
    kjede = {r["id"]: r for r in Risiko.objects.filter(
        vurdering__virksomhet_id=vurdering.virksomhet_id, vurdering__gjelder_per__gte=mot.gjelder_per,
        vurdering__gjelder_per__lt=vurdering.gjelder_per).values("id", "forrige_id", "vurdering_id", "sannsynlighet",
                                                                 "konsekvens")}
    ut = {}
    for r in risikoer:
        f = kjede.get(r.forrige_id)
        while f is not None and f["vurdering_id"] != mot.pk:
            f = kjede.get(f["forrige_id"])
        ut[r.pk] = _trend(r.poeng, f["sannsynlighet"] * f["konsekvens"] if f else None)
    return ut


def valgbare_maal(vurdering: Risikovurdering, user):
    """The mål of the agency's letters for the period that ``user`` may read (sent letters)."""
    brev = Tildelingsbrev.objects.for_user(user).filter(virksomhet_id=vurdering.virksomhet_id, aar=vurdering.aar)
    # In the model's own order (the letter, then the mål as the letter numbers them).
    return Maal.objects.filter(tildelingsbrev__in=brev.values("pk")).select_related("tildelingsbrev")


def valgbare_oppdrag(vurdering: Risikovurdering, user):
    """The agency's oppdrag in force that are not finished, given up to the period's year."""
    return (Oppdrag.objects.for_user(user).filter(virksomhet_id=vurdering.virksomhet_id, aar__lte=vurdering.aar)
            .exclude(status__in=FERDIGE_STATUSER).order_by("aar", "rekkefolge", "nummer"))


# --- writes ----------------------------------------------------------------------------------

def _departement_for(virksomhet_id: int, aar: int):
    brev = (Tildelingsbrev.objects.i_kraft().filter(virksomhet_id=virksomhet_id, aar__lte=aar)
            .order_by("-aar").first())
    return brev.departement_id if brev else None


@transaction.atomic
def vurdering_opprett(*, virksomhet_id: int, aar: int, periodetype: str, acting_user,
                      viderefor: bool = True) -> Risikovurdering:
    """Start the assessment for a period. With ``viderefor`` the risks of the agency's latest earlier
    assessment are carried into it (each linked to its earlier self, for the trend) with their
    measures that are not yet done, so the agency updates rather than retypes."""
    if not kan_opprette(acting_user, virksomhet_id):
        raise PermissionDenied("Bare virksomhetens egne medarbeidere kan lage risikovurderinger.")
    if periodetype not in Periodetype.values:
        raise ValidationError({"periodetype": "Velg halvår eller år."})
    departement_id = _departement_for(virksomhet_id, aar)
    if departement_id is None:
        raise ValidationError({"aar": f"Virksomheten har ikke noe sendt tildelingsbrev for {aar} eller tidligere, "
                                      "så det er ikke noe departement å dele vurderingen med."})
    vurdering = Risikovurdering(virksomhet_id=virksomhet_id, departement_id=departement_id, aar=aar,
                                periodetype=periodetype, gjelder_per=Risikovurdering.periodens_dato(aar, periodetype),
                                opprettet_av=acting_user)
    vurdering._history_user = acting_user
    vurdering.full_clean(validate_unique=False)
    if Risikovurdering.objects.filter(virksomhet_id=virksomhet_id, aar=aar, periodetype=periodetype).exists():
        raise ValidationError({"aar": f"Det finnes allerede en risikovurdering for {vurdering.periode}."})
    try:
        with transaction.atomic():
            vurdering.save()
    except IntegrityError:
        raise ValidationError({"aar": f"Det finnes allerede en risikovurdering for {vurdering.periode}."}) from None
    if viderefor:
        forrige = forrige_vurdering(vurdering)
        if forrige is not None:
            vurdering.sammendrag = forrige.sammendrag
            vurdering.save(update_fields=["sammendrag"])
            for r in forrige.risikoer.prefetch_related("tiltak"):
                ny = Risiko(vurdering=vurdering, forrige=r,
                            **{f: getattr(r, f) for f in ("nummer", *RISIKO_FELTER)})
                ny._history_user = acting_user
                ny.save()
                for t in r.tiltak.all():
                    if not t.er_ferdig:
                        kopi = Risikotiltak(risiko=ny, rekkefolge=t.rekkefolge,
                                            **{f: getattr(t, f) for f in TILTAK_FELTER})
                        kopi._history_user = acting_user
                        kopi.save()
    return vurdering


@transaction.atomic
def vurdering_oppdater(*, vurdering: Risikovurdering, sammendrag: str, acting_user) -> Risikovurdering:
    fersk = _laas(vurdering, acting_user)
    fersk.sammendrag = sammendrag
    fersk._history_user = acting_user
    fersk.save(update_fields=["sammendrag"])
    return fersk


@transaction.atomic
def risiko_lagre(*, vurdering: Risikovurdering, acting_user, risiko: Risiko | None = None, **data) -> Risiko:
    """Add a risk (numbered next) or change one of a draft assessment."""
    fersk = _laas(vurdering, acting_user)
    if risiko is None:
        neste = (fersk.risikoer.aggregate(m=Max("nummer"))["m"] or 0) + 1
        risiko = Risiko(vurdering=fersk, nummer=neste)
    elif risiko.vurdering_id != fersk.pk:
        raise PermissionDenied("Risikoen hører til en annen vurdering.")
    _kontroller_kobling(fersk, acting_user, data.get("maal"), data.get("oppdrag"))
    for f in RISIKO_FELTER:
        if f in data:
            setattr(risiko, f, data[f])
    risiko._history_user = acting_user
    risiko.full_clean()
    risiko.save()
    return risiko


def _kontroller_kobling(vurdering, user, maal, oppdrag) -> None:
    feil = {}
    if maal is not None and not valgbare_maal(vurdering, user).filter(pk=maal.pk).exists():
        feil["maal"] = "Velg et mål fra virksomhetens tildelingsbrev for perioden."
    if oppdrag is not None and not Oppdrag.objects.for_user(user).filter(
            pk=oppdrag.pk, virksomhet_id=vurdering.virksomhet_id).exists():
        feil["oppdrag"] = "Velg et av virksomhetens oppdrag."
    if feil:
        raise ValidationError(feil)


@transaction.atomic
def risiko_slett(*, risiko: Risiko, acting_user) -> None:
    _laas(risiko.vurdering, acting_user)
    risiko._history_user = acting_user
    for t in risiko.tiltak.all():
        t._history_user = acting_user
        t.delete()
    risiko.delete()


@transaction.atomic
def tiltak_lagre(*, risiko: Risiko, acting_user, tiltak: Risikotiltak | None = None, **data) -> Risikotiltak:
    """Add a measure to a risk, or change one; the owner must work in the agency."""
    _laas(risiko.vurdering, acting_user)
    return lagre_tiltak(modell=Risikotiltak, eierfelt="risiko", eier=risiko, virksomhet_id=risiko.vurdering.virksomhet_id,
                        acting_user=acting_user, tiltak=tiltak, data=data, annen_eier="Tiltaket hører til en annen risiko.")


@transaction.atomic
def tiltak_slett(*, tiltak: Risikotiltak, acting_user) -> None:
    _laas(tiltak.risiko.vurdering, acting_user)
    tiltak._history_user = acting_user
    tiltak.delete()


@transaction.atomic
def vurdering_del(*, vurdering: Risikovurdering, acting_user) -> Risikovurdering:
    """Share the draft with the ministry. It must hold at least one risk, and every high risk
    (before measures) needs a measure: the letter asks the agency to act where risk is high."""
    fersk = _laas(vurdering, acting_user)
    if not kan_dele(acting_user, fersk):
        raise PermissionDenied("Bare virksomhetens leder eller kontaktperson kan dele risikovurderingen.")
    risikoer = list(fersk.risikoer.prefetch_related("tiltak"))
    if not risikoer:
        raise ValidationError("Vurderingen har ingen risikoer. Legg til minst én før du deler den.")
    uten_tiltak = [r.kode for r in risikoer if r.nivaa == Nivaa.HOY and not r.tiltak.all()]
    if uten_tiltak:
        raise ValidationError(f"Høy risiko uten tiltak: {', '.join(uten_tiltak)}. Legg inn risikoreduserende "
                              "tiltak før du deler vurderingen.")
    fersk.status = Vurderingsstatus.DELT
    fersk.delt = timezone.now()
    fersk.delt_av = acting_user
    fersk._history_user = acting_user
    fersk.full_clean()
    fersk.save(update_fields=["status", "delt", "delt_av"])
    hendelser.meld(hendelser.RISIKO_DELT, fersk, acting_user)
    return fersk


def aapne_tiltak(vurdering: Risikovurdering) -> list[Risikotiltak]:
    """The measures not yet done, by frist (no frist last)."""
    alle = [t for r in vurdering.risikoer.all() for t in r.tiltak.all() if t.status != Tiltaksstatus.GJENNOMFORT]
    return sorted(alle, key=lambda t: (t.frist is None, t.frist or date.max))
