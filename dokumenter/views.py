"""Order, follow and download PDFs. Access is always checked against the document object through
its kind's ``synlige(user)`` gate, never against what a menu shows."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.files.storage import default_storage
from django.http import FileResponse, Http404, HttpResponseBadRequest
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_GET, require_POST

from . import registry
from .models import PdfDokument
from .services import bestill_pdf


def _is_htmx(request) -> bool:
    return bool(getattr(request, "htmx", False)) or request.headers.get("HX-Request") == "true"


def _dokumenttype(kind: str) -> registry.Dokumenttype:
    try:
        return registry.get(kind)
    except registry.UkjentDokumenttype:
        raise Http404("Ukjent dokumenttype.") from None


def _synlig_objekt(request, kind: str, object_id):
    """The document object if this user may see it, else 404 (no hint that it exists)."""
    dokumenttype = _dokumenttype(kind)
    try:
        object_id = int(object_id)
    except (TypeError, ValueError):
        raise Http404("Ugyldig dokument.") from None
    return get_object_or_404(dokumenttype.synlige(request.user), pk=object_id)


def _synlig_pdf(request, pk: int) -> PdfDokument:
    pdf = get_object_or_404(PdfDokument, pk=pk)
    _synlig_objekt(request, pdf.kind, pdf.object_id)
    return pdf


def _neste(request) -> str:
    for candidate in (request.POST.get("neste"), request.headers.get("Referer")):
        if candidate and url_has_allowed_host_and_scheme(candidate, allowed_hosts={request.get_host()},
                                                         require_https=request.is_secure()):
            return candidate
    return "/"


def _partial(request, pdf: PdfDokument):
    return render(request, "dokumenter/_status.html",
                  {"pdf": pdf, "kind": pdf.kind, "object_id": pdf.object_id, "variant": pdf.variant,
                   "neste": request.headers.get("HX-Current-URL", "")})


@login_required
@require_POST
def bestill(request):
    obj = _synlig_objekt(request, request.POST.get("kind", ""), request.POST.get("object_id"))
    variant = request.POST.get("variant", "")
    if variant not in PdfDokument.Variant.values:
        return HttpResponseBadRequest("Ukjent PDF-variant. Velg «Vanlig PDF» eller «PDF/A (arkiv)».")
    pdf = bestill_pdf(kind=request.POST["kind"], obj=obj, variant=variant, user=request.user)
    pdf.refresh_from_db()  # the on-commit enqueue has moved it on (i_ko), or the broker was down (venter)
    if _is_htmx(request):
        return _partial(request, pdf)
    if pdf.status == PdfDokument.Status.KLAR:
        messages.success(request, f"{pdf.get_variant_display()} er klar til nedlasting.")
    else:
        messages.info(request, f"{pdf.get_variant_display()} lages nå. Last siden på nytt om litt.")
    return redirect(_neste(request))


@login_required
@require_GET
def status(request, pk: int):
    return _partial(request, _synlig_pdf(request, pk))


@login_required
@require_GET
def last_ned(request, pk: int):
    pdf = _synlig_pdf(request, pk)
    if pdf.status != PdfDokument.Status.KLAR or not pdf.fil:
        raise Http404("PDF-en er ikke klar.")
    try:
        fil = default_storage.open(pdf.fil.name, "rb")
    except FileNotFoundError:
        raise Http404("Filen finnes ikke lenger. Lag PDF-en på nytt.") from None
    return FileResponse(fil, as_attachment=True, filename=pdf.filnavn or f"{pdf.kind}-{pdf.object_id}.pdf",
                        content_type="application/pdf")
