"""Writes on oppdrag: frister from their wording, and the agency's follow-up."""

from __future__ import annotations

import os
from datetime import date, timedelta

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from brukere.tilgang import kan_folge_opp, kan_kommentere_oppdrag
from kjerne import hendelser
from styring.models import FristFelter, Rapporteringspunkt

from .frister import Form, ParsedFrist, parse_frist, rapport_frist_standard
from .models import Frist, Leveranse, Oppdrag, Oppdragskommentar, Statusoppdatering
from .opplasting import kontroller_fil

FRIST_FIELDS = ("form", "dato", "fra_dato", "opprinnelig_dato", "del_betegnelse", "etikett", "rolle",
                "intervall_mnd", "gjentas_til", "rapport_type", "rapport_aar", "uke")
# Only an oppdrag's Frist holds a rhythm that changes within the year (oppdrag.models.Frist).
RYTMESKIFTE_FIELDS = ("ny_rytme_fra", "ny_rytme_intervall_mnd")


def rapport_dato(*, virksomhet_id: int, rapport_type: str, rapport_aar: int) -> date | None:
    """The deadline of a report as the agency's letters set it, else the standard deadline."""
    punkt = (
        Rapporteringspunkt.objects.filter(
            tildelingsbrev__virksomhet_id=virksomhet_id, type=rapport_type, rapport_aar=rapport_aar
        )
        .order_by("-tildelingsbrev__aar")
        .first()
    )
    return punkt.frist if punkt else rapport_frist_standard(rapport_type, rapport_aar)


def frist_values(tekst: str, *, aar: int, virksomhet_id: int | None = None, kontekst: str = "") -> dict:
    """Derive the structured fields of a frist from its wording (kept verbatim in ``tekst``)."""
    parsed: ParsedFrist = parse_frist(tekst, aar=aar, kontekst=kontekst)
    values = {name: getattr(parsed, name) for name in FRIST_FIELDS + RYTMESKIFTE_FIELDS}
    values["form"] = str(parsed.form)
    values["rolle"] = str(parsed.rolle)
    for key in ("del_betegnelse", "etikett", "rapport_type"):
        values[key] = values[key] or ""
    if parsed.form == Form.RAPPORT and parsed.dato is None and virksomhet_id and parsed.rapport_aar:
        values["dato"] = rapport_dato(virksomhet_id=virksomhet_id, rapport_type=parsed.rapport_type,
                                      rapport_aar=parsed.rapport_aar)
    return values


def apply_frist_text(obj: FristFelter, *, aar: int, virksomhet_id: int | None, kontekst: str = "",
                     dato: date | None = None) -> FristFelter:
    """Fill a Frist/Milepael/Plikt from its ``tekst``; an explicit ``dato`` wins over the derived one."""
    for key, value in frist_values(obj.tekst, aar=aar, virksomhet_id=virksomhet_id, kontekst=kontekst).items():
        if key in RYTMESKIFTE_FIELDS and not hasattr(type(obj), key):
            if value is not None and getattr(obj, "gjentas_til", None):
                # A milepæl or plikt has no second rhythm: its first rhythm ends where the new one begins.
                obj.gjentas_til = value - timedelta(days=1) if key == "ny_rytme_fra" else obj.gjentas_til
            continue
        setattr(obj, key, value)
    if dato is not None:
        obj.dato = dato
        if obj.form in (FristFelter.Form.TEKST, FristFelter.Form.LOPENDE):
            obj.form = FristFelter.Form.DATO
        for key in RYTMESKIFTE_FIELDS:
            if hasattr(type(obj), key) and obj.form != FristFelter.Form.GJENTAKENDE:
                setattr(obj, key, None)
    return obj


@transaction.atomic
def oppdrag_set_status(*, oppdrag: Oppdrag, status: str, risiko: str = "", risiko_tekst: str = "",
                       tiltak: str = "", kommentar: str = "", gjelder_dato: date | None = None,
                       acting_user) -> Statusoppdatering:
    """Record the agency's follow-up (or the owning ministry's closing); the latest update is the
    oppdrag's current state."""
    if not (kan_folge_opp(acting_user, oppdrag) or kan_kommentere_oppdrag(acting_user, oppdrag)):
        raise PermissionDenied("Bare virksomheten som har oppdraget, eller departementet som ga det, kan endre status.")
    entry = Statusoppdatering(
        oppdrag=oppdrag, status=status, risiko=risiko, risiko_tekst=risiko_tekst, tiltak=tiltak,
        kommentar=kommentar, gjelder_dato=gjelder_dato or timezone.localdate(), opprettet_av=acting_user,
    )
    entry._history_user = acting_user
    entry.full_clean()
    entry.save()
    latest = oppdrag.statusoppdateringer.order_by("-gjelder_dato", "-opprettet", "-pk").first()
    if latest and (oppdrag.status, oppdrag.risiko) != (latest.status, latest.risiko):
        if latest.risiko in ("rod", "gul") and latest.risiko != oppdrag.risiko:
            hendelser.meld(hendelser.OPPDRAG_RISIKO, oppdrag, acting_user, risiko=latest.risiko,
                           tekst=latest.risiko_tekst)
        oppdrag.status, oppdrag.risiko = latest.status, latest.risiko
        oppdrag._history_user = acting_user
        oppdrag.save(update_fields=["status", "risiko"])
    return entry


def frister_before_start(oppdrag: Oppdrag) -> list[Frist]:
    if not oppdrag.start:
        return []
    return [f for f in oppdrag.frister.all() if f.dato and f.dato < oppdrag.start]


@transaction.atomic
def oppdrag_avslutt(*, oppdrag: Oppdrag, status: str, kommentar: str, acting_user) -> Statusoppdatering:
    """The steering ministry marks an oppdrag delivered, closed or dropped, with its reason.

    The risk stays as the agency last assessed it (with that assessment), so closing does not
    rewrite the agency's judgement; the entry records who closed it and why."""
    from .models import FERDIGE_STATUSER

    if not kan_kommentere_oppdrag(acting_user, oppdrag):
        raise PermissionDenied("Bare departementet som ga oppdraget, kan avslutte det.")
    if status not in FERDIGE_STATUSER:
        raise ValueError(f"Ugyldig avslutningsstatus: {status}")
    siste = oppdrag.statusoppdateringer.order_by("-gjelder_dato", "-opprettet", "-pk").first()
    risiko = oppdrag.risiko
    vurdering = (siste.risiko_tekst if siste and siste.risiko == risiko else "") if risiko else ""
    if risiko and not vurdering:
        vurdering = kommentar
    entry = oppdrag_set_status(oppdrag=oppdrag, status=status, risiko=risiko, risiko_tekst=vurdering,
                               kommentar=kommentar, gjelder_dato=timezone.localdate(), acting_user=acting_user)
    hendelser.meld(hendelser.OPPDRAG_AVSLUTTET, oppdrag, acting_user, status=entry.get_status_display(),
                   tekst=kommentar)
    return entry


@transaction.atomic
def oppdrag_kommenter(*, oppdrag: Oppdrag, tekst: str, acting_user) -> Oppdragskommentar:
    """The steering ministry's comment on an oppdrag.

    Append-only: each comment is a new row and the portal never edits one, so two comments written
    at the same time both stand (tests/rapporter/test_konflikt.py)."""
    if not kan_kommentere_oppdrag(acting_user, oppdrag):
        raise PermissionDenied("Bare departementet som ga oppdraget, kan kommentere det.")
    kommentar = Oppdragskommentar(oppdrag=oppdrag, tekst=tekst, forfatter=acting_user)
    kommentar._history_user = acting_user
    kommentar.full_clean()
    kommentar.save()
    hendelser.meld(hendelser.OPPDRAG_KOMMENTAR, oppdrag, acting_user, tekst=tekst)
    return kommentar


@transaction.atomic
def leveranse_create(*, oppdrag: Oppdrag, tittel: str, type: str, fil, acting_user) -> Leveranse:
    """Store a delivered document through the storage API. Type, size, content and the ZIP limits
    of Office files are checked again here (the form checks them first, for its message), and
    everything is checked before the file reaches storage, so a refused upload leaves nothing."""
    kontroller_fil(fil)
    leveranse = Leveranse(oppdrag=oppdrag, tittel=tittel, type=type, storrelse=fil.size, levert_av=acting_user)
    leveranse.full_clean(exclude=["fil"])
    leveranse.fil.save(os.path.basename(fil.name), fil, save=False)
    leveranse._history_user = acting_user
    try:
        leveranse.full_clean()
    except ValidationError:
        leveranse.fil.delete(save=False)
        raise
    leveranse.save()
    hendelser.meld(hendelser.OPPDRAG_LEVERANSE, oppdrag, acting_user, tittel=tittel)
    return leveranse
