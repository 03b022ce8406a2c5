"""Celery tasks: take ids, call a service, safe to run twice."""

from __future__ import annotations

from celery import shared_task
from django.db import transaction
from django.utils import timezone


@shared_task(bind=True, acks_late=True, max_retries=20)
def send_paaminnelse(self, paaminnelse_id: int, dato: str | None = None) -> str:
    """Send one reminder. The backoff is on the ledger row (``neste_forsok``), shared with the
    command: a failed attempt comes back at that time; a row another process holds comes back when
    that claim would be stale, in case its holder died."""
    from datetime import date

    from varsler import services

    status = services.paaminnelse_send(paaminnelse_id=paaminnelse_id,
                                       dato=date.fromisoformat(dato) if dato else None)
    neste = services.paaminnelse_neste_forsok(paaminnelse_id=paaminnelse_id)
    if neste is not None and not self.request.is_eager:
        raise self.retry(eta=max(neste, timezone.now()))
    return status


@shared_task(acks_late=True)
def kjor_paaminnelser(dato: str | None = None) -> int:
    """The daily run: plan what is due, then enqueue one send per row that may be sent now: the new
    ones, failed ones whose backoff is over, and rows a dead process left half-sent (the same
    selection the command uses)."""
    from datetime import date

    from varsler.services import paaminnelser_gi_opp, paaminnelser_klare, paaminnelser_planlegg

    dag = date.fromisoformat(dato) if dato else timezone.localdate()
    paaminnelser_gi_opp()
    with transaction.atomic():
        paaminnelser_planlegg(dato=dag)
        ids = list(paaminnelser_klare().values_list("pk", flat=True))
        transaction.on_commit(lambda: [send_paaminnelse.delay(pk, dag.isoformat()) for pk in ids])
    return len(ids)


@shared_task(acks_late=True)
def send_ukesoppsummeringer(dato: str | None = None) -> int:
    from datetime import date

    from varsler.services import oppsummering_mottakere, oppsummering_send

    dag = date.fromisoformat(dato) if dato else timezone.localdate()
    sent = 0
    for bruker in oppsummering_mottakere():
        try:
            sent += oppsummering_send(bruker=bruker, dato=dag) == "sendt"
        except Exception:  # noqa: BLE001 - recorded on the digest row; next week's run is separate
            continue
    return sent
