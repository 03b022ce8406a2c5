"""The report as a complete HTML document for PDF (WeasyPrint): cover, contents, parts, tables.

``bygg_rapport`` is registered with the dokumenter app as kind "rapport"; the print CSS is in the
template (templates/pdf/rapport.html), so the document carries everything it needs.
"""

from __future__ import annotations

from django.template.loader import render_to_string

from rapportering.diagrammer import rapportdiagrammer, synlige_for_dokument
from rapportering.innhold import rapport_innhold
from rapportering.models import Rapport

try:
    from dokumenter.registry import Bygget
except ImportError:  # the PDF app is optional; keep the same shape without it
    from dataclasses import dataclass

    @dataclass
    class Bygget:  # type: ignore[no-redef]
        html: str
        tittel: str
        filnavn: str
        base_url: str | None = None


def _lastet(rapport: Rapport) -> Rapport:
    # A report from the database is re-read with everything the document shows; an unsaved
    # preview (render_rapport without a stored draft) is read inside its own transaction.
    return Rapport.objects.with_report_data().get(pk=rapport.pk)


def navn_rapport(rapport: Rapport) -> tuple[str, str]:
    """The PDF's title and download name, without building the report."""
    filnavn = f"{'halvaarsrapport' if rapport.type == 'halvaarsrapport' else 'aarsrapport'}-" \
              f"{rapport.virksomhet.kortnavn}-{rapport.rapport_aar}.pdf"
    return f"{rapport.tittel} – {rapport.virksomhet.navn}", filnavn


def bygg_rapport(rapport: Rapport) -> Bygget:
    """The full HTML document for ``rapport`` with its own print CSS."""
    rapport = _lastet(rapport)
    innhold = rapport_innhold(rapport)
    tittel, filnavn = navn_rapport(rapport)
    # The charts draw on what the ministry may read (sent reports) and this report, whoever orders the PDF.
    diagrammer = rapportdiagrammer(rapport, synlige_for_dokument(rapport), id_prefiks="pdf-diagram")
    html = render_to_string("pdf/rapport.html", {"rapport": rapport, "innhold": innhold, "tittel": tittel,
                                                 "diagrammer": diagrammer})
    return Bygget(html=html, tittel=tittel, filnavn=filnavn)
