"""The Excel export gives the rows the list's filters give: all of them, as a real workbook."""

from __future__ import annotations

import datetime as dt
from datetime import date
from io import BytesIO

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from oppdrag.services import oppdrag_set_status
from tests.factories import FristFactory, MaalFactory, OppdragFactory, TildelingsbrevFactory, UserFactory

pytestmark = pytest.mark.django_db
EKSPORT = reverse("oppdrag:eksport")
KOLONNER = ["Nummer", "Tittel", "Virksomhet", "Gitt år", "Mål", "Neste frist", "Frist (tekst)", "Status", "Risiko",
            "Ansvarlig", "FoU", "Sist oppdatert", "Samarbeidspartnere"]


@pytest.fixture
def brev():
    return TildelingsbrevFactory(aar=2024, sendt_brev=True)


@pytest.fixture
def virk(brev):
    return UserFactory(organisasjon=brev.virksomhet, rolle="virk_kontakt", first_name="Vera", last_name="Virk")


def arbeidsbok(resp):
    assert resp.status_code == 200
    assert resp["Content-Type"] == "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    assert resp["Content-Disposition"].startswith('attachment; filename="oppdrag-')
    return load_workbook(BytesIO(resp.content))


def test_export_has_the_filtered_rows_only_with_formatted_columns(client, brev, virk):
    maal = MaalFactory(tildelingsbrev=brev, nummer=3, tittel="God integrering")
    rod = OppdragFactory(tildelingsbrev=brev, nummer="2024-07", tittel="Rødt oppdrag", maal=maal, fou="delvis",
                         ansvarlig=virk)
    FristFactory(oppdrag=rod, tekst="Del 1: 1. mars 2024", dato=date(2024, 3, 1))
    oppdrag_set_status(oppdrag=rod, status="paagaar", risiko="rod", risiko_tekst="Sterkt forsinket",
                       tiltak="Ny plan", acting_user=virk)
    gronn = OppdragFactory(tildelingsbrev=brev, nummer="2024-08", tittel="Grønt oppdrag")
    oppdrag_set_status(oppdrag=gronn, status="paagaar", risiko="gronn", risiko_tekst="I rute", acting_user=virk)
    OppdragFactory(nummer="X-1", tildelingsbrev=TildelingsbrevFactory(aar=2024, sendt_brev=True))  # other agency
    client.force_login(virk)

    ws = arbeidsbok(client.get(EKSPORT, {"risiko": "rod"})).active
    rader = list(ws.iter_rows(values_only=True))
    assert list(rader[0]) == KOLONNER
    assert len(rader) == 2
    rad = dict(zip(KOLONNER, rader[1], strict=True))
    assert rad["Nummer"] == "2024-07" and rad["Tittel"] == "Rødt oppdrag" and rad["Gitt år"] == 2024
    assert rad["Mål"] == "Mål 3: God integrering"
    assert rad["Neste frist"] == dt.datetime(2024, 3, 1)  # a real date cell
    assert ws["F2"].number_format == "dd.mm.yyyy" and ws["F2"].is_date
    assert rad["Frist (tekst)"] == "Del 1: 1. mars 2024"
    assert (rad["Status"], rad["Risiko"], rad["Ansvarlig"], rad["FoU"]) == ("Pågår", "Rød", "Vera Virk", "Delvis FoU")
    assert ws["L2"].is_date and rad["Sist oppdatert"] is not None
    assert ws["A1"].font.bold and ws.freeze_panes == "A2" and ws.auto_filter.ref == "A1:M2"
    assert ws.column_dimensions["B"].width > ws.column_dimensions["A"].width

    alle = [r[0] for r in arbeidsbok(client.get(EKSPORT)).active.iter_rows(min_row=2, values_only=True)]
    assert sorted(alle) == ["2024-07", "2024-08"]


def test_export_is_not_limited_to_one_page_and_query_count_is_fixed(client, brev, virk, django_assert_num_queries):
    def lag(n, start):
        for i in range(start, start + n):
            o = OppdragFactory(tildelingsbrev=brev, nummer=f"E-{i:04d}", maal=None)
            FristFactory(oppdrag=o, tekst="1. mai 2024", dato=date(2024, 5, 1))

    lag(3, 0)
    client.force_login(virk)
    with django_assert_num_queries(6) as ctx:  # with the samarbeidspartnere column
        client.get(EKSPORT, {"q": "E-"})
    antall = len(ctx.captured_queries)
    lag(117, 3)
    with django_assert_num_queries(antall):
        resp = client.get(EKSPORT, {"q": "E-"})
    assert arbeidsbok(resp).active.max_row == 121  # header + 120 rows, not 50


def test_export_requires_login(client):
    assert client.get(EKSPORT).status_code == 302


def test_text_that_looks_like_a_formula_stays_text(client, brev, virk):
    OppdragFactory(tildelingsbrev=brev, nummer="F-1", tittel='=HYPERLINK("http://example.com","klikk")')
    client.force_login(virk)
    ws = arbeidsbok(client.get(EKSPORT)).active
    assert ws["B2"].value == '=HYPERLINK("http://example.com","klikk")' and ws["B2"].data_type == "s"
