"""Every spreadsheet the portal builds writes text people typed as text, never as a formula.

The payloads are planted in every user-typed field that reaches a cell; each export is
downloaded through its view, reopened with openpyxl, and every cell is checked. The raw sheet
XML is checked too: the only ``<f>`` elements are the sums the code builds itself.
"""

from __future__ import annotations

import re
import zipfile
from datetime import date
from io import BytesIO
from pathlib import Path

import pytest
from django.conf import settings
from django.urls import reverse
from django.utils import timezone
from openpyxl import Workbook, load_workbook

from budsjett.models import Budsjettendring
from kjerne.regneark import FORMELTEGN, MAKS_TEGN, celle, er_formelaktig, formel, legg_til_rad, sett
from styring.models import Tillegg
from tests.factories import (
    BudsjettkapittelFactory,
    BudsjettpostFactory,
    FristFactory,
    MaalFactory,
    OppdragFactory,
    TildelingsbrevFactory,
    UserFactory,
)

LENKE = '=HYPERLINK("http://x","y")'
FARLIGE = [LENKE, "+1", "-2", "@SUM(A1)", "\tTAB", "\rCR"]


def _last(innhold: bytes):
    return load_workbook(BytesIO(innhold))


def _arkformler(innhold: bytes) -> list[str]:
    """The text of every <f> (formula) element in every sheet of the file as stored."""
    with zipfile.ZipFile(BytesIO(innhold)) as z:
        return [f for navn in z.namelist() if navn.startswith("xl/worksheets/")
                for f in re.findall(r"<f>(.*?)</f>", z.read(navn).decode())]


def _celler(wb):
    for ws in wb.worksheets:
        for rad in ws.iter_rows():
            for c in rad:
                if c.value is not None:
                    yield c


def _sjekk_ingen_brukerformler(innhold: bytes, tillatte: re.Pattern | None = None) -> list:
    """No cell holding user text is a formula; returns the text cells for further checks."""
    wb = _last(innhold)
    tekst = []
    for c in _celler(wb):
        if c.data_type == "f":
            assert tillatte is not None and tillatte.fullmatch(c.value), f"{c.coordinate}: formel {c.value!r}"
            continue
        if isinstance(c.value, str):
            tekst.append(c)
            if er_formelaktig(c.value):
                assert c.data_type == "s" and c.quotePrefix, c.coordinate
    for f in _arkformler(innhold):
        assert tillatte is not None and tillatte.fullmatch("=" + f), f"formel i filen: {f!r}"
    return tekst


# --- the helper on its own -------------------------------------------------------------------------

def test_helper_writes_text_as_text_and_numbers_as_numbers_after_reopening():
    wb = Workbook()
    ws = wb.active
    legg_til_rad(ws, [*FARLIGE, -5, 12.5, date(2024, 3, 1), None, "vanlig tekst"])
    sett(ws, 2, 1, "=1+1")
    formel(ws, 2, 2, "=SUM(F1:G1)")
    buffer = BytesIO()
    wb.save(buffer)
    ws = _last(buffer.getvalue()).active
    rad = list(ws[1])
    for c, tekst in zip(rad, FARLIGE[:5], strict=False):
        assert (c.value, c.data_type, c.quotePrefix) == (tekst, "s", True)
    assert (rad[5].value, rad[5].data_type) == ("\nCR", "s")  # CR is a line break, as XML reads it
    assert (rad[6].value, rad[6].data_type) == (-5, "n")
    assert (rad[7].value, rad[7].data_type) == (12.5, "n")
    assert rad[8].is_date
    assert rad[10].value == "vanlig tekst" and not rad[10].quotePrefix
    assert (ws["A2"].value, ws["A2"].data_type) == ("=1+1", "s")
    assert (ws["B2"].value, ws["B2"].data_type) == ("=SUM(F1:G1)", "f")
    assert _arkformler(buffer.getvalue()) == ["SUM(F1:G1)"]


def test_helper_removes_characters_a_workbook_cannot_hold_and_cuts_overlong_text():
    ws = Workbook().active
    assert celle(ws, "a\x00b\x0bc\x1fd").value == "abcd"  # openpyxl would raise IllegalCharacterError
    assert celle(ws, "a\r\nb\rc").value == "a\nb\nc"
    assert len(celle(ws, "x" * (MAKS_TEGN + 10)).value) == MAKS_TEGN
    assert set(FORMELTEGN) == {"=", "+", "-", "@", "\t", "\r"}
    with pytest.raises(ValueError):
        formel(ws, 1, 1, "SUM(A1)")


def test_every_module_that_builds_a_workbook_writes_through_the_helper():
    """A new export cannot bypass the helper: no direct ``append``/``cell(…, value)`` on a sheet."""
    rot = Path(settings.BASE_DIR)
    # The project's own folders only: walking .venv and var/ as well took seconds to skip them.
    utenfor = {".venv", "tests", "node_modules", "var", ".git"}
    kilder = [*rot.glob("*.py"), *(p for mappe in rot.iterdir() if mappe.is_dir() and mappe.name not in utenfor
                                   for p in mappe.rglob("*.py"))]
    moduler = [p for p in kilder if "openpyxl" in p.read_text(encoding="utf-8")]
    assert {p.relative_to(rot).as_posix() for p in moduler} >= {"oppdrag/eksport.py", "brev/eksport.py"}
    for p in moduler:
        if p.name == "regneark.py":
            continue
        kilde = p.read_text(encoding="utf-8")
        assert "regneark" in kilde, p
        assert not re.search(r"\bws\.append\(|\.cell\([^)]*,[^)]*,", kilde), f"{p}: skriver celler forbi regneark"
        assert ".value =" not in kilde, p


# --- the oppdrag list export -----------------------------------------------------------------------

@pytest.mark.django_db
@pytest.mark.parametrize("farlig", FARLIGE)
def test_oppdrag_export_keeps_planted_formulas_as_readable_text(client, farlig):
    brev = TildelingsbrevFactory(aar=2024, sendt_brev=True)
    virk = UserFactory(organisasjon=brev.virksomhet, rolle="virk_kontakt", first_name=farlig, last_name="Virk")
    maal = MaalFactory(tildelingsbrev=brev, nummer=1, tittel=farlig)
    # The number column holds 20 characters (PostgreSQL enforces it; SQLite does not).
    o = OppdragFactory(tildelingsbrev=brev, nummer=farlig[:20], tittel=farlig, maal=maal, ansvarlig=virk)
    FristFactory(oppdrag=o, tekst=farlig, dato=date(2024, 3, 1))
    client.force_login(virk)

    response = client.get(reverse("oppdrag:eksport"))
    assert response.status_code == 200
    _sjekk_ingen_brukerformler(response.content)
    ws = _last(response.content).active
    rad = dict(zip([c.value for c in ws[1]], ws[2], strict=True))
    farlig = farlig.replace("\r", "\n")  # a spreadsheet's line break, as ren_tekst writes it
    assert rad["Tittel"].value == farlig and rad["Tittel"].data_type == "s"
    assert rad["Nummer"].value == farlig[:20] and rad["Frist (tekst)"].value == farlig
    assert rad["Mål"].value == f"Mål 1: {farlig}" and rad["Ansvarlig"].value == str(virk)
    assert rad["Gitt år"].value == 2024 and rad["Gitt år"].data_type == "n"
    assert rad["Neste frist"].is_date


# --- the letter's budget export --------------------------------------------------------------------

SUMMER = re.compile(r"=C\d+\+D\d+|=SUM\([CDE]\d+:[CDE]\d+\)")


@pytest.mark.django_db
@pytest.mark.parametrize("farlig", FARLIGE)
def test_budget_export_keeps_planted_formulas_as_text_and_negative_amounts_as_numbers(client, farlig):
    brev = TildelingsbrevFactory(aar=2024, sendt_brev=True, virksomhet__navn=farlig)
    kap = BudsjettkapittelFactory(tildelingsbrev=brev, nummer=671, betegnelse=farlig)
    post = BudsjettpostFactory(kapittel=kap, post=21, betegnelse=farlig, tildelt_kr=10_000_000)
    BudsjettpostFactory(kapittel=kap, post=45, betegnelse="Større utstyrsanskaffelser", tildelt_kr=2_000_000)
    tillegg = Tillegg.objects.create(tildelingsbrev=brev, nummer=1, status="sendt", sendt=timezone.now(),
                                     dato=date(2024, 5, 1))
    Budsjettendring.objects.create(tillegg=tillegg, post=post, endring_kr=-2_500_000, tekst=farlig)
    client.force_login(UserFactory(organisasjon=brev.departement))

    response = client.get(reverse("brev:budsjett-xlsx", args=[brev.pk]))
    assert response.status_code == 200
    _sjekk_ingen_brukerformler(response.content, tillatte=SUMMER)
    ws = _last(response.content)["Kap. 671"]
    farlig = farlig.replace("\r", "\n")  # a spreadsheet's line break, as ren_tekst writes it
    assert ws["A1"].value == f"Kap. 671 {farlig}"
    assert ws["A2"].value == f"Tildelingsbrev 2024 – {farlig}"
    rader = {r[0].value: r for r in ws.iter_rows(min_row=5) if r[0].value in ("21", "45")}
    post21 = rader["21"]
    assert (post21[1].value, post21[1].data_type) == (farlig, "s")
    assert post21[1].quotePrefix == er_formelaktig(farlig)
    # Legitimate amounts stay numbers, a reduction too, and the code's own sums stay formulas.
    assert (post21[2].value, post21[2].data_type) == (10_000_000, "n")
    assert (post21[3].value, post21[3].data_type) == (-2_500_000, "n")
    assert post21[4].data_type == "f" and SUMMER.fullmatch(post21[4].value)
    sum_rad = next(r for r in ws.iter_rows() if r[1].value == "Sum kap. 671")
    assert [c.value for c in sum_rad[2:5]] == ["=SUM(C5:C6)", "=SUM(D5:D6)", "=SUM(E5:E6)"]
