"""Reads and writes on Riksrevisjonen's remarks and the follow-up plan.

The agency registers a remark, keeps its plan (measures with owner and frist), uploads copies of
its replies, and closes the remark when Riksrevisjonen has closed the matter. The steering ministry
reads all of it. Every write checks who may do it against the remark as stored now (row lock),
runs in one transaction and records the acting user in the history.

For other apps (reports, meetings): ``aapne_merknader(virksomhet, *, bruker)``.
"""

from __future__ import annotations

import os
from datetime import date

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction

from brukere.tilgang import i_virksomheten
from kjerne.tiltak import lagre_tiltak
from oppdrag.opplasting import kontroller_fil
from styring.models import Tildelingsbrev

from .models import ALVORLIGHET_REKKEFOLGE, Merknad, Merknadsstatus, Revisjonstiltak, Svarbrev

LUKKET_MELDING = "Merknaden er lukket og kan ikke lenger endres."
MERKNAD_FELTER = ("kilde", "dato", "revidert_aar", "referanse", "tittel", "beskrivelse", "alvorlighet")


# --- who may do what -------------------------------------------------------------------------

def kan_registrere(user, virksomhet_id: int) -> bool:
    return i_virksomheten(user, virksomhet_id)


def kan_skrive(user, merknad: Merknad) -> bool:
    """The agency's staff keep the plan of their own remarks until the remark is closed."""
    return i_virksomheten(user, merknad.virksomhet_id) and not merknad.er_lukket


def _laas(merknad: Merknad, user) -> Merknad:
    fersk = Merknad.objects.select_for_update().get(pk=merknad.pk)
    if not i_virksomheten(user, fersk.virksomhet_id):
        raise PermissionDenied("Bare virksomhetens egne medarbeidere kan følge opp merknaden.")
    if fersk.er_lukket:
        raise ValidationError(LUKKET_MELDING)
    return fersk


# --- reads -----------------------------------------------------------------------------------

def aapne_merknader(virksomhet, *, bruker) -> list[Merknad]:
    """The remarks of ``virksomhet`` (an Organisasjon or its id) not yet closed that ``bruker`` may
    see, most serious and oldest first, with their plans and replies loaded."""
    virksomhet_id = getattr(virksomhet, "pk", virksomhet)
    merknader = list(Merknad.objects.for_user(bruker).aapne().filter(virksomhet_id=virksomhet_id).med_plan())
    return sorted(merknader, key=lambda m: (ALVORLIGHET_REKKEFOLGE.get(m.alvorlighet, 99), m.dato, m.pk))


def aapne_tiltak(merknad: Merknad) -> list[Revisjonstiltak]:
    return [t for t in merknad.tiltak.all() if not t.er_ferdig]


# --- writes ----------------------------------------------------------------------------------

@transaction.atomic
def merknad_opprett(*, virksomhet_id: int, acting_user, **data) -> Merknad:
    """Register a remark for the agency; it is followed up with the ministry of the agency's
    latest sent letter."""
    if not kan_registrere(acting_user, virksomhet_id):
        raise PermissionDenied("Bare virksomhetens egne medarbeidere kan registrere merknader.")
    dato = data.get("dato") or date.today()
    brev = (Tildelingsbrev.objects.i_kraft().filter(virksomhet_id=virksomhet_id, aar__lte=max(dato.year, 1990))
            .order_by("-aar").first()
            or Tildelingsbrev.objects.i_kraft().filter(virksomhet_id=virksomhet_id).order_by("aar").first())
    if brev is None:
        raise ValidationError("Virksomheten har ikke noe sendt tildelingsbrev, så det er ikke noe departement "
                              "å følge opp merknaden med.")
    merknad = Merknad(virksomhet_id=virksomhet_id, departement_id=brev.departement_id, registrert_av=acting_user,
                      **{f: data[f] for f in MERKNAD_FELTER if f in data})
    merknad._history_user = acting_user
    merknad.full_clean()
    merknad.save()
    return merknad


@transaction.atomic
def merknad_oppdater(*, merknad: Merknad, acting_user, **data) -> Merknad:
    fersk = _laas(merknad, acting_user)
    for f in MERKNAD_FELTER:
        if f in data:
            setattr(fersk, f, data[f])
    fersk._history_user = acting_user
    fersk.full_clean()
    fersk.save()
    return fersk


@transaction.atomic
def tiltak_lagre(*, merknad: Merknad, acting_user, tiltak: Revisjonstiltak | None = None,
                 **data) -> Revisjonstiltak:
    """Add a measure to the plan or change one. The first measure puts an open remark under
    follow-up."""
    fersk = _laas(merknad, acting_user)
    tiltak = lagre_tiltak(modell=Revisjonstiltak, eierfelt="merknad", eier=fersk, virksomhet_id=fersk.virksomhet_id,
                          acting_user=acting_user, tiltak=tiltak, data=data,
                          annen_eier="Tiltaket hører til en annen merknad.")
    if fersk.status == Merknadsstatus.AAPEN:
        fersk.status = Merknadsstatus.OPPFOLGING
        fersk._history_user = acting_user
        fersk.save(update_fields=["status"])
    return tiltak


@transaction.atomic
def tiltak_slett(*, tiltak: Revisjonstiltak, acting_user) -> None:
    _laas(tiltak.merknad, acting_user)
    tiltak._history_user = acting_user
    tiltak.delete()


@transaction.atomic
def svarbrev_last_opp(*, merknad: Merknad, tittel: str, datert: date, fil, acting_user) -> Svarbrev:
    """Store a copy of a reply letter, with the same checks as an oppdrag's deliveries (type, size,
    content, ZIP limits); a refused upload leaves nothing. Replies can be added after closing."""
    fersk = Merknad.objects.select_for_update().get(pk=merknad.pk)
    if not i_virksomheten(acting_user, fersk.virksomhet_id):
        raise PermissionDenied("Bare virksomhetens egne medarbeidere kan laste opp svarbrev.")
    kontroller_fil(fil)
    svar = Svarbrev(merknad=fersk, tittel=tittel, datert=datert, storrelse=fil.size, lastet_opp_av=acting_user)
    svar.full_clean(exclude=["fil"])
    svar.fil.save(os.path.basename(fil.name), fil, save=False)
    svar._history_user = acting_user
    try:
        svar.full_clean()
    except ValidationError:
        svar.fil.delete(save=False)
        raise
    svar.save()
    return svar


@transaction.atomic
def merknad_lukk(*, merknad: Merknad, lukket: date, begrunnelse: str, acting_user) -> Merknad:
    """Close the remark when Riksrevisjonen has closed the matter. Every measure of the plan must be
    done first."""
    fersk = _laas(merknad, acting_user)
    if not begrunnelse.strip():
        raise ValidationError({"lukket_begrunnelse": "Skriv grunnlaget for å lukke merknaden."})
    gjenstaar = [t for t in fersk.tiltak.all() if not t.er_ferdig]
    if gjenstaar:
        raise ValidationError(f"{len(gjenstaar)} tiltak i planen er ikke gjennomført. Merk dem som gjennomført "
                              "før merknaden lukkes.")
    if lukket < fersk.dato:
        raise ValidationError({"lukket": f"Merknaden kan ikke lukkes før den ble gitt ({fersk.dato:%d.%m.%Y})."})
    fersk.status = Merknadsstatus.LUKKET
    fersk.lukket = lukket
    fersk.lukket_begrunnelse = begrunnelse.strip()
    fersk._history_user = acting_user
    fersk.full_clean()
    fersk.save()
    return fersk
