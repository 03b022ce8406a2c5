from django import template

from ..models import PdfDokument

register = template.Library()


@register.simple_tag
def pdf_varianter(kind: str, obj) -> list[tuple[str, PdfDokument | None]]:
    """Each variant with its PdfDokument (or None), in one query, for the ``_pdf.html`` include."""
    rows = {p.variant: p for p in PdfDokument.objects.filter(kind=kind, object_id=obj.pk)}
    return [(variant, rows.get(variant)) for variant in PdfDokument.Variant.values]
