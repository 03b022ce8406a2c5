"""HTML → PDF with WeasyPrint: the plain variant and PDF/A for the archive.

PDF/A-2b is the archive variant. WeasyPrint 70 also writes PDF/A-3 (which allows arbitrary embedded
files, not accepted by Norwegian archives under Noark 5) and A-4; PDF/A-2 is what the archive
regulations (riksarkivarens forskrift § 5-17) list, and level B (visual fidelity) is the level
WeasyPrint meets without tagging every structure. Fonts are embedded (subset) by WeasyPrint; with
``libharfbuzz-subset0`` installed the subsetting is done by HarfBuzz, otherwise by fontTools (slower).
"""

from __future__ import annotations

from dataclasses import dataclass

from weasyprint import HTML

#: Our variant names → WeasyPrint's ``pdf_variant`` (None = plain PDF 1.7).
PDF_VARIANTER: dict[str, str | None] = {"standard": None, "pdfa": "pdf/a-2b"}


class RenderFeil(Exception):
    """Rendering failed; the message is Norwegian and shown to the user."""


@dataclass
class Rendret:
    pdf: bytes
    sider: int


def render_pdf_med_sider(html: str, *, variant: str, tittel: str, identifier: str,
                         base_url: str | None = None) -> Rendret:
    """Render and also report the page count (the layout knows it; no need to re-read the PDF)."""
    if variant not in PDF_VARIANTER:
        raise RenderFeil(f"Ukjent PDF-variant «{variant}». Gyldige varianter: {', '.join(PDF_VARIANTER)}.")
    if not html.strip():
        raise RenderFeil("Dokumentet er tomt; det er ingen HTML å lage PDF av.")
    document = HTML(string=html, base_url=base_url).render()
    document.metadata.title = tittel
    # The identifier goes into the trailer's /ID (first element) and, as the document's description,
    # into both the Info dictionary and the XMP packet, so an archive can match file and record.
    document.metadata.description = f"Dokument-ID: {identifier}"
    options = {"pdf_identifier": identifier.encode("utf-8")}
    pdf_variant = PDF_VARIANTER[variant]
    if pdf_variant:
        options["pdf_variant"] = pdf_variant
    pdf = document.write_pdf(**options)
    return Rendret(pdf=pdf, sider=len(document.pages))


def render_pdf(html: str, *, variant: str, tittel: str, identifier: str, base_url: str | None = None) -> bytes:
    """A complete HTML document (with its own print CSS) as PDF bytes, in ``variant`` ("standard"/"pdfa")."""
    return render_pdf_med_sider(html, variant=variant, tittel=tittel, identifier=identifier,
                                base_url=base_url).pdf
