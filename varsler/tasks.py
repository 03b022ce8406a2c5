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


@shared_task(bind=True, acks_late=True, max_retries=20)
def send_varsel_epost(self, varsel_id: int) -> str:
    """Send one hand-off notice by e-mail (enqueued on commit of the hand-off). Safe to run twice:
    the row is claimed before sending and recorded after, as the reminders are."""
    from varsler import services

    status = services.varsel_epost_send(varsel_id=varsel_id)
    neste = services.varsel_neste_forsok(varsel_id=varsel_id)
    if neste is not None and not self.request.is_eager:
        raise self.retry(eta=max(neste, timezone.now()))
    return status


@shared_task(acks_late=True)
def send_varsel_eposter() -> dict:
    """Every few minutes: notice e-mails whose task was lost or whose retry is due."""
    from varsler.services import varsel_eposter_send_klare

    return {str(k): v for k, v in varsel_eposter_send_klare().items()}
