"""Celery tasks: take ids, call a service, safe to run twice."""

from __future__ import annotations

from celery import shared_task


@shared_task(acks_late=True, reject_on_worker_lost=True, time_limit=600, soft_time_limit=540)
def render_pdf_task(pdf_id: int) -> str:
    """Render one PDF. acks_late + reject_on_worker_lost: a worker killed mid-render leaves the message
    on the queue for another worker; the claim in the service makes the second run the only one."""
    from .services import pdf_render

    return pdf_render(pdf_id=pdf_id)


@shared_task(acks_late=True)
def sweep_pdf() -> int:
    """Every minute: enqueue PDFs left waiting (broker down) or stuck (worker died)."""
    from .services import pdf_sweep

    return len(pdf_sweep())
