"""Celery tasks: take ids, call a service, safe to run twice."""

from __future__ import annotations

from celery import shared_task
from django.db import transaction
from django.db.models import Q
from django.utils import timezone


@shared_task(bind=True, acks_late=True, max_retries=5)
def send_paaminnelse(self, paaminnelse_id: int) -> str:
    from . import services

    try:
        return services.paaminnelse_send(paaminnelse_id=paaminnelse_id)
    except Exception as exc:  # recorded as feilet on the row; retry with exponential backoff
        raise self.retry(exc=exc, countdown=60 * 2 ** self.request.retries) from exc


@shared_task(acks_late=True)
def kjor_paaminnelser(dato: str | None = None) -> int:
    """The daily run: plan what is due and enqueue one send per reminder; re-enqueue failed ones
    and rows a crashed worker left half-sent."""
    from datetime import date

    from .models import Paaminnelse
    from .services import paaminnelser_planlegg, paaminnelser_rydd

    dag = date.fromisoformat(dato) if dato else timezone.localdate()
    paaminnelser_rydd()
    with transaction.atomic():
        nye = paaminnelser_planlegg(dato=dag)
        ids = [r.pk for r in nye]
        # Rows an earlier run planned but never got to send (crash before enqueue, broker down),
        # and failed sends that still have attempts left.
        ids += list(Paaminnelse.objects.filter(Q(status=Paaminnelse.Status.PLANLAGT)
                                               | Q(status=Paaminnelse.Status.FEILET, forsok__lt=6))
                    .exclude(pk__in=ids).values_list("pk", flat=True))
        transaction.on_commit(lambda: [send_paaminnelse.delay(pk) for pk in ids])
    return len(ids)


@shared_task(acks_late=True)
def send_ukesoppsummeringer(dato: str | None = None) -> int:
    from datetime import date

    from .services import oppsummering_mottakere, oppsummering_send

    dag = date.fromisoformat(dato) if dato else timezone.localdate()
    sent = 0
    for bruker in oppsummering_mottakere():
        try:
            sent += oppsummering_send(bruker=bruker, dato=dag) == "sendt"
        except Exception:  # noqa: BLE001 - recorded on the digest row; next week's run is separate
            continue
    return sent
