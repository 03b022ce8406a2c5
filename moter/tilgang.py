"""Who may do what with a meeting, its agenda, minutes and decisions. Views fetch the meeting
through ``Mote.objects.for_user`` (what a person may see) and ask these what they may change."""

from __future__ import annotations

from brukere.tilgang import er_admin, i_departementet, i_virksomheten

from .models import Referatstatus


def er_departementet(user, mote) -> bool:
    return i_departementet(user, mote.tildelingsbrev.departement_id)


def er_virksomheten(user, mote) -> bool:
    return i_virksomheten(user, mote.tildelingsbrev.virksomhet_id) and mote.tildelingsbrev.status == "sendt"


def er_part(user, mote) -> bool:
    """The ministry or the agency of the meeting (not observers, not administrators)."""
    return er_departementet(user, mote) or er_virksomheten(user, mote)


def _referatstatus(mote) -> str | None:
    return mote.referat.status if _har_referat(mote) else None


def _har_referat(mote) -> bool:
    return mote.har_referat


def kan_endre_mote(user, mote) -> bool:
    """The ministry plans the meeting (date, place, participants, deadline) until the minutes are approved."""
    return er_departementet(user, mote) and _referatstatus(mote) != Referatstatus.GODKJENT


def kan_foreslaa_sak(user, mote, idag) -> bool:
    """Either side proposes agenda items until the minutes are started; the agency only until the
    agenda deadline (the ministry chairs the meeting and may add items up to the end)."""
    if _har_referat(mote):
        return False
    if er_departementet(user, mote):
        return True
    return er_virksomheten(user, mote) and (mote.dagsorden_frist is None or idag <= mote.dagsorden_frist)


def kan_laste_opp(user, mote) -> bool:
    """Both sides attach documents until the minutes are approved."""
    return er_part(user, mote) and _referatstatus(mote) != Referatstatus.GODKJENT


def kan_se_referat(user, mote) -> bool:
    status = _referatstatus(mote)
    if status is None:
        return False
    if er_admin(user) or er_departementet(user, mote):
        return True
    if status == Referatstatus.UTKAST:
        return False
    return er_virksomheten(user, mote) or (user.is_authenticated and user.er_observator
                                           and status == Referatstatus.GODKJENT)


def kan_skrive_referat(user, mote) -> bool:
    """The ministry writes the minutes until both sides have approved them."""
    return er_departementet(user, mote) and _referatstatus(mote) in (None, Referatstatus.UTKAST,
                                                                      Referatstatus.TIL_KOMMENTAR)


def kan_kommentere_referat(user, mote) -> bool:
    return er_part(user, mote) and _referatstatus(mote) == Referatstatus.TIL_KOMMENTAR


def kan_godkjenne_referat(user, mote) -> bool:
    return er_part(user, mote) and _referatstatus(mote) == Referatstatus.TIL_KOMMENTAR


def kan_lage_oppdrag(user, vedtak) -> bool:
    """The ministry drafts a decided new oppdrag into the letter's next tillegg, once the minutes are approved."""
    return (er_departementet(user, vedtak.mote) and vedtak.art == "oppdrag" and vedtak.oppdrag_id is None
            and _referatstatus(vedtak.mote) == Referatstatus.GODKJENT)


def kan_folge_opp_punkt(user, vedtak) -> bool:
    """Both sides record follow-up of an oppfølgingspunkt of approved minutes; only the ministry closes it."""
    return (vedtak.art == "oppfolging" and er_part(user, vedtak.mote)
            and _referatstatus(vedtak.mote) == Referatstatus.GODKJENT)
