"""An oppdrag's history: the oppdrag, its frister, milepæler, follow-up and comments, as one
list of user actions (kjerne.endringslogg). Its financing (budsjett, a layer beside this one) is
in the letter's history under Budsjett.

Outside the ministry that gave it (and administrators) only what happened once it was in force is
shown, as the letter's history does: the oppdrag and its milepæler from the moment its
letter (or tillegg) was sent; a frist from the moment the letter or tillegg that set it was sent,
so a frist restated in next year's draft stays hidden until that letter is sent. That goes for
every ministry but the one whose draft set the frist: the owner does not see another ministry's
draft either.
"""

from __future__ import annotations

from django.db.models import F, Q

from brukere import tilgang
from kjerne.endringslogg import Endringspost, Oppslag, endringer
from styring.querysets import i_kraft_q

from .models import Frist, Leveranse, Milepael, Oppdrag, Oppdragskommentar, Statusoppdatering

HISTORIKK_DELER = [("oppdrag", "Oppdraget"), ("frister", "Frister og milepæler"),
                   ("oppfolging", "Oppfølging og leveranser"), ("kommentarer", "Kommentarer")]


def _sendt(oppdrag: Oppdrag):
    """When the oppdrag came in force; ``None`` when it has not; ``False`` when it has no letter
    in the portal (imported history, in force as it stands)."""
    if oppdrag.tillegg_id is not None:
        return oppdrag.tillegg.sendt if oppdrag.tillegg.status == "sendt" else None
    if oppdrag.tildelingsbrev_id is not None:
        return oppdrag.tildelingsbrev.sendt if oppdrag.tildelingsbrev.status == "sendt" else None
    return False


def oppdrag_endringer(oppdrag: Oppdrag, user) -> list[Endringspost]:
    """Every recorded change to the oppdrag and its parts that ``user`` may see, newest first."""
    kilder = [
        ("oppdrag", Oppdrag.history.filter(id=oppdrag.pk)),
        ("frister", Frist.history.filter(oppdrag_id=oppdrag.pk)),
        ("frister", Milepael.history.filter(oppdrag_id=oppdrag.pk)),
        ("oppfolging", Statusoppdatering.history.filter(oppdrag_id=oppdrag.pk)),
        ("oppfolging", Leveranse.history.filter(oppdrag_id=oppdrag.pk)),
        ("kommentarer", Oppdragskommentar.history.filter(oppdrag_id=oppdrag.pk)),
    ]
    oppslag = _lastet(oppdrag)
    if tilgang.er_admin(user):
        return _les(kilder, oppslag, user)
    # The frist as set by a letter or tillegg in force, from the moment it was sent; a ministry
    # also sees the frister its own drafts set (never another ministry's drafts).
    frist_q = ((i_kraft_q() & Q(history_date__gte=F("tildelingsbrev__sendt"))
                & (Q(tillegg__isnull=True) | Q(history_date__gte=F("tillegg__sendt"))))
               | Q(tildelingsbrev__isnull=True, tillegg__isnull=True))  # imported, set by no letter here
    if tilgang.i_departementet(user, user.organisasjon_id):
        frist_q |= Q(tildelingsbrev__departement_id=user.organisasjon_id)
    # The owner is the ministry that gave it; an oppdrag not yet given an owner belongs to its letter's.
    eier = oppdrag.departement_id or (oppdrag.tildelingsbrev.departement_id if oppdrag.tildelingsbrev_id else None)
    sendt = False if tilgang.i_departementet(user, eier) else _sendt(oppdrag)
    smalere = []
    for del_, qs in kilder:
        if sendt is None:
            qs = qs.none()
        elif sendt is not False:
            qs = qs.filter(history_date__gte=sendt)
        if qs.model is Frist.history.model:
            qs = qs.filter(frist_q)
        smalere.append((del_, qs))
    return _les(smalere, oppslag, user)


def _lastet(oppdrag: Oppdrag) -> Oppslag:
    """The oppdrag and the records the page loaded with it, which its history rows mostly name
    (its agency, ministry, mål, letter, people): four queries fewer on the oppdrag page."""
    kjente = [oppdrag]
    for f in Oppdrag._meta.concrete_fields:
        if f.many_to_one and f.is_cached(oppdrag):
            kjente.append(f.get_cached_value(oppdrag))
    brev = Oppdrag.tildelingsbrev.field.get_cached_value(oppdrag, None)
    if brev is not None and not type(brev).virksomhet.field.is_cached(brev):
        # The letter is named by its agency ("Tildelingsbrev 2024 – IMDi"): the oppdrag's own.
        if brev.virksomhet_id == oppdrag.virksomhet_id and Oppdrag.virksomhet.field.is_cached(oppdrag):
            type(brev).virksomhet.field.set_cached_value(brev, oppdrag.virksomhet)
        else:
            kjente.remove(brev)
    return Oppslag().kjenn(*kjente)


def _les(kilder: list, oppslag: Oppslag, user) -> list[Endringspost]:
    poster = []
    for del_, qs in kilder:
        poster.extend(endringer(qs, grense=None, fast_antall_sporringer=True, del_=del_, oppslag=oppslag,
                                bruker=user))
    return poster
