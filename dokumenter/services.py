"""Ordering and rendering PDFs. Every write to PdfDokument goes through here.

Flow: ``bestill_pdf`` records the request (status venter) and, on commit, puts a render on the
queue (i_ko). If the broker is unreachable the row stays venter and ``pdf_sweep`` (beat, every
minute) enqueues it later: nothing is lost. ``pdf_render`` claims the row with a token-tagged
conditional UPDATE, so a duplicate message, a second worker or a redelivery after a crash renders
at most once at a time, and only the holder of the current token may record the result.
"""

from __future__ import annotations

import functools
import hashlib
import logging
import uuid
from datetime import timedelta

from django.conf import settings
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import transaction
from django.db.models import F, Q
from django.utils import timezone

from kjerne.historikk import acting_user

from . import registry
from .models import HISTORIKK, PdfDokument
from .render import RenderFeil, render_pdf_med_sider

log = logging.getLogger(__name__)
Status = PdfDokument.Status

#: The errors kombu/redis raise when the broker cannot be reached.
try:
    from kombu.exceptions import OperationalError as _KombuOperationalError
except ImportError:  # pragma: no cover - kombu comes with celery
    _KombuOperationalError = OSError
BROKER_FEIL = (_KombuOperationalError, ConnectionError, OSError, TimeoutError)


def innholdshash(html: str, variant: str) -> str:
    return hashlib.sha256(f"{variant}\n".encode() + html.encode("utf-8")).hexdigest()


def foreldet_grense():
    """A row "lager" longer than this was left by a worker that died (or a lost message)."""
    return timezone.now() - timedelta(seconds=settings.PDF_LAGER_FORELDET_SEKUNDER)


def _historikk(pdf: PdfDokument) -> None:
    """Write the history row a conditional UPDATE does not write by itself. A worker has no request:
    the render is recorded on behalf of the person who ordered it."""
    pdf._history_user = pdf.bestilt_av
    HISTORIKK.create_historical_record(pdf, "~")


@transaction.atomic
def bestill_pdf(*, kind: str, obj, variant: str, user) -> PdfDokument:
    """Record a request for a PDF of ``obj``; render only when its content changed.

    Returns the row already waiting for a render (which builds the content current when it
    starts), the existing ready PDF when its content hash matches (no rendering), the render under
    way for the same content, or a row set to venter and enqueued on commit.
    """
    if variant not in PdfDokument.Variant.values:
        raise ValueError(f"Ukjent PDF-variant «{variant}».")
    dokumenttype = registry.get(kind)

    @functools.cache
    def bygg() -> tuple[registry.Bygget, str]:
        """The document's HTML and its hash, built at most once and only when needed."""
        bygget = dokumenttype.bygg(obj)
        return bygget, innholdshash(bygget.html, variant)

    @functools.cache
    def navn() -> tuple[str, str]:
        tittel, filnavn = dokumenttype.navngi(obj)
        return tittel[:300], filnavn[:200]

    with acting_user(user):
        pdf, created = PdfDokument.objects.select_for_update().get_or_create(
            kind=kind, object_id=obj.pk, variant=variant,
            # Callables: evaluated only when the row is created. A new row has no content hash: the
            # render builds the document when it starts and records the hash then (a hash built
            # here would be replaced unread, and building the letter was the whole cost of a first
            # order: about 150 ms of CPU on the national data).
            defaults={"status": Status.VENTER, "innholdshash": "", "bestilt": timezone.now,
                      "bestilt_av": user, "tittel": lambda: navn()[0], "filnavn": lambda: navn()[1]},
        )
    if not created and pdf.status in (Status.VENTER, Status.I_KO):
        # A render that is waiting and not yet started builds the document when it starts
        # (pdf_render), so it will hold whatever is current then, this order's content included:
        # nothing to build or enqueue here. Building the letter only to compare its hash was the
        # whole cost of the order (36 queries and the letter's HTML, about 150 ms of CPU on the
        # national data), and with a worker behind on a busy day this is the common case.
        return pdf
    if not created:
        bygget, hash_ = bygg()
        if pdf.innholdshash == hash_ and (
            (pdf.status == Status.KLAR and pdf.fil and default_storage.exists(pdf.fil.name))
            or pdf.status in PdfDokument.PAAGAAR
        ):
            return pdf  # unchanged content: the ready file, or the render already under way
        pdf.status = Status.VENTER
        pdf.innholdshash = hash_
        pdf.tittel, pdf.filnavn = bygget.tittel[:300], bygget.filnavn[:200]
        pdf.bestilt, pdf.bestilt_av, pdf.startet, pdf.ferdig = timezone.now(), user, None, None
        pdf.feilmelding = ""
        pdf.krav = ""  # a render still running for older content may no longer record its result
        with acting_user(user):
            pdf.save()
    pk = pdf.pk
    transaction.on_commit(lambda: pdf_enqueue(pdf_id=pk))
    return pdf


def pdf_enqueue(*, pdf_id: int) -> bool:
    """Put a render on the queue; on a broker error leave the row venter for the sweep."""
    from .tasks import render_pdf_task

    try:
        # retry=False: fail fast when the broker is down instead of blocking the request.
        render_pdf_task.apply_async((pdf_id,), retry=False)
    except BROKER_FEIL as exc:
        log.warning("PDF %s: køen svarer ikke (%s); feiingen legger den i kø senere.", pdf_id, exc)
        return False
    PdfDokument.objects.filter(pk=pdf_id, status=Status.VENTER).update(status=Status.I_KO)
    return True


def pdf_sweep() -> list[int]:
    """Enqueue what is waiting (broker was down), queued too long (message lost) or stuck in
    "lager" (the worker died). Returns the ids put on the queue."""
    grense = foreldet_grense()
    ids = list(
        PdfDokument.objects.filter(
            Q(status=Status.VENTER) | Q(status=Status.I_KO, bestilt__lt=grense)
            | Q(status=Status.LAGER, startet__lt=grense)
        ).values_list("pk", flat=True)
    )
    return [pk for pk in ids if pdf_enqueue(pdf_id=pk)]


def _filnavn_i_lager(pdf: PdfDokument, hash_: str) -> str:
    """Deterministic: the same document, variant and content always map to the same name."""
    return f"pdf/{pdf.kind}/{pdf.object_id}/{pdf.kind}-{pdf.object_id}-{pdf.variant}-{hash_[:16]}.pdf"


def _claim(pdf_id: int) -> str | None:
    token = uuid.uuid4().hex
    now = timezone.now()
    claimed = PdfDokument.objects.filter(pk=pdf_id).filter(
        Q(status__in=[Status.VENTER, Status.I_KO]) | Q(status=Status.LAGER, startet__lt=foreldet_grense())
    ).update(status=Status.LAGER, startet=now, krav=token, forsok=F("forsok") + 1, feilmelding="")
    return token if claimed else None


def pdf_render(*, pdf_id: int) -> str:
    """Render one PdfDokument if it is due; safe to run twice. Returns the row's status afterwards."""
    token = _claim(pdf_id)
    if token is None:
        return PdfDokument.objects.filter(pk=pdf_id).values_list("status", flat=True).first() or ""
    pdf = PdfDokument.objects.get(pk=pdf_id)
    _historikk(pdf)
    navn = ""
    try:
        dokumenttype = registry.get(pdf.kind)
        try:
            obj = dokumenttype.hent(pdf.object_id)
        except dokumenttype.model_class().DoesNotExist:
            raise RenderFeil("Dokumentet finnes ikke lenger.") from None
        bygget = dokumenttype.bygg(obj)
        hash_ = innholdshash(bygget.html, pdf.variant)
        # The content this render holds, recorded before the slow part: an order placed while it
        # renders compares against it and finds the render already under way for that content.
        PdfDokument.objects.filter(pk=pdf_id, krav=token).update(innholdshash=hash_)
        rendret = render_pdf_med_sider(bygget.html, variant=pdf.variant, tittel=bygget.tittel,
                                       identifier=f"{pdf.kind}-{pdf.object_id}-{hash_[:16]}",
                                       base_url=bygget.base_url)
        navn = _filnavn_i_lager(pdf, hash_)
        if default_storage.exists(navn):
            default_storage.delete(navn)  # same content rendered before: replace, never a second copy
        navn = default_storage.save(navn, ContentFile(rendret.pdf))
    except Exception as exc:
        grunn = str(exc) if isinstance(exc, (RenderFeil, registry.UkjentDokumenttype)) else (
            f"Teknisk feil under PDF-laging ({type(exc).__name__}: {exc})")
        log.exception("PDF %s feilet", pdf_id)
        if PdfDokument.objects.filter(pk=pdf_id, krav=token).update(
                status=Status.FEILET, feilmelding=grunn[:2000], ferdig=timezone.now(), krav=""):
            _historikk(PdfDokument.objects.get(pk=pdf_id))
        return Status.FEILET
    recorded = PdfDokument.objects.filter(pk=pdf_id, krav=token, status=Status.LAGER).update(
        status=Status.KLAR, fil=navn, storrelse=len(rendret.pdf), sider=rendret.sider, innholdshash=hash_,
        tittel=bygget.tittel[:300], filnavn=bygget.filnavn[:200], ferdig=timezone.now(), feilmelding="", krav="",
    )
    if not recorded:
        # The document was re-ordered (changed) while we rendered; the newer render records its own file.
        if not PdfDokument.objects.filter(fil=navn).exists():
            default_storage.delete(navn)
        return PdfDokument.objects.filter(pk=pdf_id).values_list("status", flat=True).first() or ""
    _historikk(PdfDokument.objects.get(pk=pdf_id))
    return Status.KLAR


def pdf_historikk(*, kind: str, object_id: int) -> list:
    """Every finished render of an object's PDFs, newest first (from the PdfDokument history), for
    the object's history page; the newest of each variant is marked ``gjeldende`` (the file a
    download gives). One query."""
    rader = list(PdfDokument.history.filter(kind=kind, object_id=object_id, status=PdfDokument.Status.KLAR)
                 .exclude(ferdig__isnull=True).select_related("bestilt_av").order_by("-ferdig", "-history_id"))
    varianter, sett, unike = set(), set(), []
    for r in rader:
        if (r.variant, r.ferdig) in sett:
            continue  # the same render recorded twice (e.g. a field updated after it finished)
        sett.add((r.variant, r.ferdig))
        r.gjeldende = r.variant not in varianter
        varianter.add(r.variant)
        unike.append(r)
    return unike
