"""The letter as PDF: the parts of the real 2024 letter in order, with Norwegian amounts and computed
sums, PDF/A metadata, and a bounded number of queries."""

import re
from decimal import Decimal
from io import BytesIO

import pypdf
import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from brev.pdf import bygg_tildelingsbrev
from dokumenter.render import RenderFeil, render_pdf, render_pdf_med_sider
from styring.models import Maaleverdi, Resultatkrav, Signatur, Styringsparameter
from tests.factories import (
    BudsjettkapittelFactory,
    BudsjettpostFactory,
    FristFactory,
    MaalFactory,
    OppdragFactory,
    StyringsparameterFactory,
    TilskuddFactory,
)

pytestmark = pytest.mark.django_db


def _tekst(pdf: bytes) -> str:
    reader = pypdf.PdfReader(BytesIO(pdf))
    return "\n".join(p.extract_text() for p in reader.pages)


def _i_rekkefolge(tekst: str, deler: list[str]) -> None:
    pos = 0
    for del_ in deler:
        funnet = tekst.find(del_, pos)
        assert funnet >= 0, f"«{del_}» mangler etter posisjon {pos}"
        pos = funnet + len(del_)


def test_demo_letter_2024_as_pdf_holds_its_parts_in_order(demo):
    brev = demo[2024]
    sp = Styringsparameter.objects.get(maal__tildelingsbrev=brev, kode="SP 7")
    Resultatkrav.objects.create(styringsparameter=sp, verdi=Decimal("65.000"), enhet="prosent")
    Maaleverdi.objects.create(styringsparameter=sp, periode="2022", verdi=Decimal("58.5"), enhet="prosent")
    bygget = bygg_tildelingsbrev(brev)
    assert bygget.filnavn == "tildelingsbrev-IMDi-2024.pdf"
    rendret = render_pdf_med_sider(bygget.html, variant="standard", tittel=bygget.tittel, identifier="t-1")
    tekst = _tekst(rendret.pdf)
    flat = re.sub(r"\s+", " ", tekst)

    _i_rekkefolge(flat, [
        "Arbeids- og inkluderingsdepartementet",  # heading: the ministry
        "Integrerings- og mangfoldsdirektoratet",  # the agency
        "Innhold",
        "1 Innledning", "2 Overordnede prioriteringer for 2024",  # chapters in rekkefolge, after the ToC
        "Mål 1: Flere innvandrere deltar i arbeidslivet",
        "Oppdrag som skal bidra til å oppnå mål nr. 1",
        "2024-01", "Tertialvis analyse av status i arbeidet",
        "Mål 2:", "SP 7", "65 prosent", "2022: 58,5 prosent",  # a parameter's target and baseline
        "9.1 Budsjettrammen",
        "Kap. 670 Integrerings- og mangfoldsdirektoratet", "377 140 000",
        "Med hilsen", "Eli Telhaug", "Lisbeth Fransplass Røren", "ekspedisjonssjef",
        "Vedlegg", "Instruks om økonomi- og virksomhetsstyring i IMDi",
        "Vedlegg: Oppdrag i tildelingsbrevet for 2024", "Oppdrag 2024-01",
    ])
    # Sums are computed from the posts: kap. 671 adds up to 25 949 864 000, not the typed 28 979 866 000.
    assert "Sum kap. 671 25 949 864 000" in flat
    assert "28 979 866 000" not in flat
    # Earlier oppdrag with frister as of this letter, under the letter's own heading.
    assert "Oppdrag som er gitt tidligere med leveringsfrist i 2024 eller senere" in flat
    assert rendret.sider == len(pypdf.PdfReader(BytesIO(rendret.pdf)).pages) > 10
    assert f"Side 3 av {rendret.sider}" in flat
    # The table of contents carries page numbers resolved by the layout.
    assert re.search(r"1 Innledning \.+ ?\d+", flat)


def test_paragraphs_and_line_breaks_are_kept(brev):
    brev.avsnitt.create(nummer="1", tittel="Innledning", tekst="Første linje\nandre linje\n\nNytt avsnitt", rekkefolge=0)
    html = bygg_tildelingsbrev(brev).html
    assert "<p>Første linje<br>andre linje</p>" in html
    assert "<p>Nytt avsnitt</p>" in html


def test_budget_and_grant_tables_sum_their_rows(brev):
    kap = BudsjettkapittelFactory(tildelingsbrev=brev, nummer=671, betegnelse="Integrering", typed_sum_kr=1)
    post = BudsjettpostFactory(kapittel=kap, post=71, betegnelse="Tilskudd", tildelt_kr=37_510_000, tekst="Fordeling:")
    BudsjettpostFactory(kapittel=kap, post=1, betegnelse="Drift", tildelt_kr=1_000_000)
    TilskuddFactory(post=post, mottaker="Organisasjon A", belop_kr=30_000_000)
    TilskuddFactory(post=post, mottaker="Organisasjon B", belop_kr=7_510_000)
    flat = re.sub(r"\s+", " ", _tekst(render_pdf(bygg_tildelingsbrev(brev).html, variant="standard", tittel="t",
                                                   identifier="t")))
    assert "Sum kap. 671 38 510 000" in flat
    assert "SUM 37 510 000" in flat
    assert "Organisasjon B 7 510 000" in flat


def test_pdfa_variant_has_xmp_metadata_and_the_identifier(brev):
    bygget = bygg_tildelingsbrev(brev)
    pdf = render_pdf(bygget.html, variant="pdfa", tittel=bygget.tittel, identifier="tildelingsbrev-7-abcdef")
    reader = pypdf.PdfReader(BytesIO(pdf))
    xmp = reader.trailer["/Root"]["/Metadata"].get_object().get_data().decode()
    assert 'pdfaid:part="2"' in xmp and 'pdfaid:conformance="B"' in xmp
    assert "tildelingsbrev-7-abcdef" in xmp
    assert "Tildelingsbrev til Testdirektoratet for 2024" in xmp
    assert reader.trailer["/ID"][0] == "tildelingsbrev-7-abcdef"
    assert "/OutputIntents" in reader.trailer["/Root"]
    # The plain variant has no PDF/A claim.
    plain = pypdf.PdfReader(BytesIO(render_pdf(bygget.html, variant="standard", tittel="t", identifier="x")))
    # WeasyPrint writes an XMP packet (where the PDF/A claim lives) and output intents only for PDF/A.
    assert "/Metadata" not in plain.trailer["/Root"] and "/OutputIntents" not in plain.trailer["/Root"]


def test_unknown_variant_and_empty_document_are_refused_in_norwegian():
    with pytest.raises(RenderFeil, match="Ukjent PDF-variant «pdfx»"):
        render_pdf("<p>x</p>", variant="pdfx", tittel="t", identifier="i")
    with pytest.raises(RenderFeil, match="Dokumentet er tomt"):
        render_pdf("  ", variant="standard", tittel="t", identifier="i")


def test_draft_letter_is_marked_as_draft(brev):
    brev.status, brev.sendt = "utkast", None
    brev.save()
    assert "UTKAST – Utkast, ikke sendt" in bygg_tildelingsbrev(brev).html


def _populate(brev, n: int, start: int) -> None:
    for i in range(start, start + n):
        maal = MaalFactory(tildelingsbrev=brev, nummer=10 + i)
        sp = StyringsparameterFactory(maal=maal)
        Resultatkrav.objects.create(styringsparameter=sp, tekst="90 prosent")
        o = OppdragFactory(tildelingsbrev=brev, maal=maal)
        FristFactory(oppdrag=o)
        post = BudsjettpostFactory(kapittel=BudsjettkapittelFactory(tildelingsbrev=brev))
        TilskuddFactory(post=post)
        Signatur.objects.create(tildelingsbrev=brev, navn=f"Person {i}", rekkefolge=i)


def test_building_the_letter_takes_the_same_queries_for_2_and_20_goals(brev):
    _populate(brev, 2, 0)
    with CaptureQueriesContext(connection) as small:
        bygg_tildelingsbrev(brev)
    _populate(brev, 18, 2)
    with CaptureQueriesContext(connection) as big:
        html = bygg_tildelingsbrev(brev).html
    assert html.count('class="maal"') == 21
    assert len(small.captured_queries) == len(big.captured_queries) < 40
