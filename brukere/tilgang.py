"""Who may do what with an object. Views fetch objects through the models' ``for_user()``
querysets (what a person may see) and ask these functions what they may change.

Roles: ministry editor (drafts letters), ministry approver (also sends them), agency staff
(contact person, oppdrag owner, leader: follow-up of their own agency's oppdrag), observer
(reads sent letters), administrator (everything, through the admin).
"""

from __future__ import annotations

from .models import Rolle


def er_admin(user) -> bool:
    return user.is_authenticated and (user.is_superuser or user.rolle == Rolle.ADMINISTRATOR)


def i_departementet(user, departement_id: int | None) -> bool:
    return user.is_authenticated and user.er_departement and user.organisasjon_id == departement_id


def i_virksomheten(user, virksomhet_id: int | None) -> bool:
    return user.is_authenticated and user.er_virksomhet and user.organisasjon_id == virksomhet_id


def kan_redigere_brev(user, brev) -> bool:
    """Editors and approvers of the sending ministry change a letter while it is a draft."""
    return i_departementet(user, brev.departement_id) and brev.status == "utkast"


def er_godkjenner_for(user, brev) -> bool:
    """An approver of the letter's ministry, whatever state the letter is in."""
    return i_departementet(user, brev.departement_id) and user.rolle == Rolle.DEPARTEMENT_GODKJENNER


def kan_godkjenne_brev(user, brev) -> bool:
    return er_godkjenner_for(user, brev) and brev.status == "til_godkjenning"


def kan_lage_tillegg(user, brev) -> bool:
    return i_departementet(user, brev.departement_id) and brev.status == "sendt"


def kan_folge_opp(user, oppdrag) -> bool:
    """Agency staff of the oppdrag's agency record follow-up and deliveries, once it is in force."""
    return i_virksomheten(user, oppdrag.virksomhet_id) and _i_kraft(oppdrag)


def _i_kraft(oppdrag) -> bool:
    """As ``OppdragQuerySet.i_kraft`` for one oppdrag (its letter and tillegg are read if not loaded)."""
    if oppdrag.tildelingsbrev_id is None:
        return oppdrag.tillegg_id is None
    if oppdrag.tildelingsbrev.status != "sendt":
        return False
    return oppdrag.tillegg_id is None or oppdrag.tillegg.status == "sendt"


def kan_kommentere_oppdrag(user, oppdrag) -> bool:
    """The ministry that gave the oppdrag (its owner, ``Oppdrag.departement``) comments on it and
    marks it delivered, closed or dropped. An oppdrag without an owner is changed by nobody until an
    administrator chooses one."""
    return oppdrag.departement_id is not None and i_departementet(user, oppdrag.departement_id)


# --- Letter workflow (styring.services) ---

def kan_sende_til_godkjenning(user, brev) -> bool:
    """Editors and approvers of the sending ministry put a draft forward for approval."""
    return i_departementet(user, brev.departement_id) and brev.status == "utkast"


def kan_sende_tilbake_brev(user, brev) -> bool:
    """The sending ministry takes a letter under approval back to draft (the editor withdraws it,
    the approver returns it), always with a reason."""
    return i_departementet(user, brev.departement_id) and brev.status == "til_godkjenning"


def kan_sende_tillegg(user, tillegg) -> bool:
    """Only an approver of the sending ministry sends a draft tillegg."""
    brev = tillegg.tildelingsbrev
    return (i_departementet(user, brev.departement_id) and user.rolle == Rolle.DEPARTEMENT_GODKJENNER
            and tillegg.status == "utkast" and brev.status == "sendt")


def kan_viderefore_brev(user, brev) -> bool:
    """Ministry staff of the sending ministry start next year's letter from this one."""
    return i_departementet(user, brev.departement_id)


def kan_redigere_tillegg(user, tillegg) -> bool:
    """Editors and approvers of the letter's ministry change a tillegg while it is a draft."""
    return i_departementet(user, tillegg.tildelingsbrev.departement_id) and tillegg.status == "utkast"
