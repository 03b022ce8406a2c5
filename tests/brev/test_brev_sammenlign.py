"""Comparison with last year and with an earlier version, the letter's history, the budget export."""

from __future__ import annotations

from io import BytesIO

import pytest
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from brukere.models import User
from styring.models import Maal
from tests.styring.brevdata import bygg_brev, departement_bruker, load_demo

pytestmark = pytest.mark.django_db


def test_compare_with_last_year_and_with_an_earlier_version(client):
    brev = load_demo()[2024]
    client.force_login(User.objects.get(username="dep.redaktor"))
    html = client.get(reverse("brev:sammenlign", args=[brev.pk]) + "?med=forrige-aar").content.decode()
    assert 'class="sammenligning"' in html
    assert "Mål 1" in html and "Endret" in html and "<ins>" in html and "<del>" in html
    assert "2024-02" in html and "Ny" in html  # a new oppdrag in 2024

    for_endring = timezone.now()
    maal = Maal.objects.get(tildelingsbrev=brev, nummer=2)
    maal.tittel = "Kvalifiseringen for nyankomne er rask og treffsikker"
    maal.save()
    url = reverse("brev:sammenlign", args=[brev.pk])
    dato = timezone.localtime(for_endring).strftime("%Y-%m-%dT%H:%M:%S")
    html = client.get(url, {"med": "versjon", "dato": dato}).content.decode()
    assert "Mål 2" in html and "<del>målrettet</del>" in html and "<ins>rask</ins>" in html
    assert "Mål 1" in html and "(1 endring)" in html  # only mål 2 changed since then
    html = client.get(url, {"med": "versjon", "dato": "i går"}).content.decode()
    assert "er ikke et gyldig tidspunkt" in html


def test_history_shows_old_and_new_and_who(client):
    brev = bygg_brev(oppdrag=2, poster=2)
    bruker = departement_bruker(brev)
    client.force_login(bruker)
    maal = brev.maal.get(nummer=1)
    from kjerne.historikk import acting_user

    with acting_user(bruker):
        maal.tittel = "Et nytt og bedre mål"
        maal.save()
    url = reverse("brev:brev-historikk", args=[brev.pk])
    html = client.get(url).content.decode()
    assert "<del>Mål nummer 1</del>" in html and "<ins>Et nytt og bedre mål</ins>" in html
    assert str(bruker) in html


def test_history_queries_do_not_grow(client, django_assert_num_queries):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    brev = bygg_brev(oppdrag=2, poster=2)
    client.force_login(departement_bruker(brev))
    url = reverse("brev:brev-historikk", args=[brev.pk])
    with CaptureQueriesContext(connection) as ctx:
        client.get(url)
    bygg_brev(brev=brev, oppdrag=40, poster=40, nr_start=2)
    with django_assert_num_queries(len(ctx.captured_queries)):
        client.get(url)


def test_budget_xlsx_holds_amounts_changes_and_sums(client):
    brev = bygg_brev(oppdrag=1, poster=3)
    client.force_login(departement_bruker(brev))
    response = client.get(reverse("brev:budsjett-xlsx", args=[brev.pk]))
    assert response.status_code == 200
    assert response["Content-Disposition"] == f'attachment; filename="budsjett-{brev.virksomhet.kortnavn}-2024.xlsx"'
    wb = load_workbook(BytesIO(response.content))
    ws = wb["Kap. 671"]
    rows = list(ws.iter_rows(values_only=True))
    header = rows[3]
    assert header[:5] == ("Post", "Betegnelse", "Tildelt i brevet (kr)", "Endring i tillegg (kr)", "Gjeldende (kr)")
    poster = [r for r in rows[4:] if r[0] in ("01", "02", "03")]
    assert [p[2] for p in poster] == [1_000_000, 2_000_000, 3_000_000]
    assert poster[0][3] == 2_500_000 and poster[0][5] == "nr. 1"
    sum_row = next(r for r in rows if r[1] == "Sum kap. 671")
    assert sum_row[2] == "=SUM(C5:C7)"
    sum_cell = next(c for c in ws[rows.index(sum_row) + 1] if c.column == 3)
    assert sum_cell.font.bold and sum_cell.number_format == "#,##0"


def test_demo_budget_export_is_named_like_the_letter(client):
    brev = load_demo()[2024]
    client.force_login(User.objects.get(username="dep.redaktor"))
    response = client.get(reverse("brev:budsjett-xlsx", args=[brev.pk]))
    assert 'filename="budsjett-IMDi-2024.xlsx"' in response["Content-Disposition"]
    wb = load_workbook(BytesIO(response.content))
    assert wb.sheetnames == ["Kap. 601", "Kap. 670", "Kap. 671", "Kap. 672"]
    ws = wb["Kap. 601"]
    assert any(r[2] == 25_200_000 for r in ws.iter_rows(values_only=True))
