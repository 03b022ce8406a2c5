"""Results drawn as charts (#14 item 6) on the report page, in its PDF and on Min side: a numeric
styringsparameter over the years against its target and baseline, red/yellow/green per mål, only
from the reports the viewer may read, in a fixed number of queries."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from django.urls import reverse

from rapportering import services
from rapportering.diagrammer import rapportdiagrammer, synlige_for_dokument
from rapportering.models import Rapport
from rapportering.pdf import bygg_rapport
from rapportering.services import Resultat
from styring.models import Maaleverdi, Resultatkrav
from tests.factories import (
    MaalFactory,
    OppdragFactory,
    RapporteringspunktFactory,
    StyringsparameterFactory,
    TildelingsbrevFactory,
)
from tests.rapportering.conftest import bygg_oppsett

pytestmark = pytest.mark.django_db

UTKASTMARKOR = "4242,5"  # a result only in the agency's draft halvårsrapport


def _sett(rapport, user, **per_kode):
    resultater = {}
    for r in rapport.parameterresultater.select_related("styringsparameter"):
        if r.styringsparameter.kode in per_kode:
            resultater[r.pk] = per_kode[r.styringsparameter.kode]
    services.rapport_lagre_parametere(rapport=rapport, resultater=resultater, user=user)


def _to_aar(o, flere: int = 0):
    """Last year's letter with the same mål and SP 1 (target 60), its sent årsrapport (62), this year's
    sent årsrapport (71) and a draft halvårsrapport with the marker."""
    brev23 = TildelingsbrevFactory(virksomhet=o.brev.virksomhet, departement=o.brev.departement, aar=2023,
                                   sendt_brev=True)
    maal23 = MaalFactory(tildelingsbrev=brev23, nummer=1, tittel="Flere innvandrere deltar i arbeidslivet")
    sp23 = StyringsparameterFactory(maal=maal23, kode="SP 1", tekst="Andel deltakere i arbeid eller utdanning")
    Resultatkrav.objects.create(styringsparameter=sp23, verdi=Decimal("60"), enhet="prosent")
    punkt23 = RapporteringspunktFactory(tildelingsbrev=brev23, rapport_aar=2023, telletidspunkt=date(2023, 12, 31),
                                        frist=date(2024, 3, 15))
    r23 = services.rapport_opprett(punkt=punkt23, user=o.kontakt)
    _sett(r23, o.kontakt, **{"SP 1": Resultat(resultat_tall=Decimal("62"), risiko="gul")})
    services.rapport_send(rapport=r23, user=o.leder)

    halv = services.rapport_opprett(punkt=o.punkt_halvaar, user=o.kontakt)
    _sett(halv, o.kontakt, **{"SP 1": Resultat(resultat_tall=Decimal("4242.5"), risiko="rod")})

    r24 = services.rapport_opprett(punkt=o.punkt_aar, user=o.kontakt)
    _sett(r24, o.kontakt, **{"SP 1": Resultat(resultat_tall=Decimal("71"), risiko="gronn"),
                             "SP 2": Resultat(resultat_tekst="Bedre", risiko="gul"),
                             **{f"SP X{i}": Resultat(resultat_tall=Decimal(i + 2), risiko="gul") for i in range(flere)}})
    services.rapport_send(rapport=r24, user=o.leder)
    return r23, halv, r24


@pytest.fixture
def to_aar(oppsett):
    return oppsett, *_to_aar(oppsett)


def test_ministry_sees_the_parameter_over_the_years_against_target_and_baseline(client, to_aar):
    o, r23, halv, r24 = to_aar
    client.force_login(o.dep)
    html = client.get(reverse("rapportering:detalj", args=[r24.pk])).content.decode()
    assert "Utvikling over tid i diagram" in html and 'href="#utvikling"' in html
    assert 'role="img"' in html and "<style" not in html.split("<body", 1)[1]
    # the caption in words, and the same values in the screen-reader table
    assert ("Resultat – 2023: 62 prosent; 2024: 71 prosent. Resultatkrav – 2023: 60 prosent; 2024: 70 prosent. "
            "Utgangspunkt – 2023: 65,5 prosent.") in html
    assert "<caption>SP 1: Andel deltakere i arbeid eller utdanning som tabell</caption>" in html
    assert '<div class="visuelt-skjult"><table>' in html
    # red/yellow/green per mål: 2023 SP 1 yellow; 2024 SP 1 green, SP 2 yellow, oppdrag 2024-01 green
    # (delivered 15.07 counts at the telletidspunkt 31.12); the oppdrag without follow-up is not assessed
    assert "2023: 0 rød, 1 gul, 0 grønn. 2024: 0 rød, 1 gul, 2 grønn." in html
    # the draft halvårsrapport is the agency's alone
    assert UTKASTMARKOR not in html and "Halvår 2024" not in html


def test_agency_sees_its_own_draft_in_the_chart(client, to_aar):
    o, r23, halv, r24 = to_aar
    client.force_login(o.kontakt)
    html = client.get(reverse("rapportering:detalj", args=[r24.pk])).content.decode()
    assert "Resultat – 2023: 62 prosent; Halvår 2024: 4 242,5 prosent; 2024: 71 prosent." in html
    assert "Halvår 2024: 1 rød, 1 gul, 0 grønn." in html  # SP 1 red, oppdrag 2024-01 yellow on 30.06


def test_a_report_draws_only_periods_up_to_its_own(client, to_aar):
    o, r23, halv, r24 = to_aar
    client.force_login(o.dep)
    html = client.get(reverse("rapportering:detalj", args=[r23.pk])).content.decode()
    assert "Resultat – 2023: 62 prosent." in html and "71 prosent" not in html


def test_pdf_draws_from_sent_reports_and_itself_whoever_orders_it(to_aar):
    o, r23, halv, r24 = to_aar
    html = bygg_rapport(r24).html
    assert "Utvikling over tid i diagram" in html and "<svg" in html and 'role="img"' in html
    assert "Resultat – 2023: 62 prosent; 2024: 71 prosent." in html
    assert UTKASTMARKOR not in html.replace("\xa0", " ").replace(" ", "")
    assert "visuelt-skjult" not in html  # the PDF has no screen-reader box
    # the draft's own PDF (the agency's preview) draws the draft itself, and sent reports before it
    utkast = bygg_rapport(halv).html
    assert "Resultat – 2023: 62 prosent; Halvår 2024: 4 242,5 prosent." in utkast
    assert set(synlige_for_dokument(halv)) == {r23, r24, halv}


def test_pdf_renders_the_svg_and_stays_pdf_a(to_aar):
    from io import BytesIO

    import pypdf

    from dokumenter.render import render_pdf

    o, r23, halv, r24 = to_aar
    bygget = bygg_rapport(r24)
    pdf = pypdf.PdfReader(BytesIO(render_pdf(bygget.html, variant="pdfa", tittel=bygget.tittel,
                                             identifier="rapport-diagram")))
    xmp = pdf.trailer["/Root"]["/Metadata"].get_object().get_data().decode()
    assert 'pdfaid:part="2"' in xmp and 'pdfaid:conformance="B"' in xmp
    assert "/OutputIntents" in pdf.trailer["/Root"]
    sist = " ".join(p.extract_text() for p in pdf.pages[-2:]).replace("\xa0", " ")
    # the SVG's own text is drawn: axis periods and the legend
    assert "Resultatkrav" in sist and "Utgangspunkt" in sist and "Grønn" in sist
    assert "2023" in sist and "2024" in sist


def test_no_charts_without_numbers_or_assessments(client, oppsett):
    rapport = services.rapport_opprett(punkt=oppsett.punkt_aar, user=oppsett.kontakt)
    rapport.oppdragsstatuser.update(risiko="")
    assert rapportdiagrammer(rapport, Rapport.objects.for_user(oppsett.kontakt)) == []
    client.force_login(oppsett.kontakt)
    assert "Utvikling over tid i diagram" not in client.get(
        reverse("rapportering:detalj", args=[rapport.pk])).content.decode()
    # another agency's or ministry's view of the reports gives nothing
    assert rapportdiagrammer(rapport, Rapport.objects.for_user(oppsett.annen_virksomhet)) == []


def test_min_side_shows_the_agency_its_charts_and_the_ministry_none(client, to_aar):
    o, r23, halv, r24 = to_aar
    client.force_login(o.kontakt)
    html = client.get("/").content.decode()
    assert "Resultater og risiko over tid" in html and "css/diagram.css" in html
    assert "Resultat – 2023: 62 prosent; Halvår 2024: 4 242,5 prosent; 2024: 71 prosent." in html
    assert f'href="{reverse("rapportering:detalj", args=[r24.pk])}"' in html
    client.force_login(o.dep)
    html = client.get("/").content.decode()
    assert "Resultater og risiko over tid" not in html and UTKASTMARKOR not in html


def _flere(o, n: int) -> None:
    """n more numeric parameters and oppdrag under mål 1 in both years, with results and risk."""
    maal24 = o.sp_tall.maal
    for i in range(n):
        sp = StyringsparameterFactory(maal=maal24, kode=f"SP X{i}", rekkefolge=10 + i)
        Resultatkrav.objects.create(styringsparameter=sp, verdi=Decimal(i + 1), enhet="antall")
        Maaleverdi.objects.create(styringsparameter=sp, periode="2022", verdi=Decimal(i), enhet="antall")
        OppdragFactory(tildelingsbrev=o.brev, maal=maal24, nummer=f"2024-X{i}")


def _antall_sporringer(client, url: str) -> int:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client.get(url)  # warm the session
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(url).status_code == 200
    return len(ctx.captured_queries)


def test_charts_read_in_six_queries_and_pages_do_not_grow(client, django_assert_num_queries):
    sider = []
    for n in (0, 12):
        o = bygg_oppsett()
        _flere(o, n)
        r23, halv, r24 = _to_aar(o, flere=n)
        # reports, results, their targets, their baselines, the oppdrag's assessments, the letter's mål
        with django_assert_num_queries(6):
            diagrammer = rapportdiagrammer(r24, Rapport.objects.for_user(o.kontakt))
        assert len(diagrammer[0].parametere) == 1 + n
        client.force_login(o.dep)
        rapportside = _antall_sporringer(client, reverse("rapportering:detalj", args=[r24.pk]))
        client.force_login(o.kontakt)
        sider.append((rapportside, _antall_sporringer(client, "/")))
    assert sider[0] == sider[1], f"spørringer (rapportsiden, Min side) med få og mange rader: {sider}"
