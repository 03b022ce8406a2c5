"""Hand-offs in the steering dialogue, announced as one Django signal.

The services that move a letter, an oppdrag or a report on (brev, oppdrag, rapportering) sit below
``varsler`` in the import layers, so they cannot call it. They call ``meld`` inside their
transaction; ``varsler`` receives the signal (VarslerConfig.ready) and decides who is told. If the
transaction rolls back, so does everything the receiver wrote.
"""

from __future__ import annotations

from django.dispatch import Signal

# What happened (``art``); the receiver knows who is told of each.
BREV_TIL_GODKJENNING = "brev_til_godkjenning"
BREV_SENDT_TILBAKE = "brev_sendt_tilbake"
BREV_SENDT = "brev_sendt"
TILLEGG_SENDT = "tillegg_sendt"
OPPDRAG_RISIKO = "oppdrag_risiko"
OPPDRAG_LEVERANSE = "oppdrag_leveranse"
OPPDRAG_KOMMENTAR = "oppdrag_kommentar"
OPPDRAG_AVSLUTTET = "oppdrag_avsluttet"
RAPPORT_SENDT = "rapport_sendt"
RAPPORT_MOTTATT = "rapport_mottatt"
RAPPORT_KOMMENTERT = "rapport_kommentert"
# Meetings (moter) and risk (risiko): the minutes sent to the agency for comments, a comment on
# them, one side's approval (the second locks them); an assessment shared with the ministry.
REFERAT_TIL_KOMMENTAR = "referat_til_kommentar"
REFERAT_MERKNAD = "referat_merknad"
REFERAT_GODKJENT = "referat_godkjent"
RISIKO_DELT = "risiko_delt"

#: sent with ``art``, ``objekt`` (the letter, tillegg, oppdrag, report, meeting or risk assessment), ``acting_user`` and
#: ``detaljer`` (a dict: the reason, the comment, the new risk …).
overlevering = Signal()


def meld(art: str, objekt, acting_user, **detaljer) -> None:
    """Announce a hand-off. Call it inside the service's transaction, after the change is saved."""
    overlevering.send(sender=type(objekt), art=art, objekt=objekt, acting_user=acting_user, detaljer=detaljer)
