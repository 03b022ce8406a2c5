"""The demo's årsrapport as PDF through render_rapport: complete, in order, in Norwegian format."""

import re
from decimal import Decimal
from io import BytesIO, StringIO

import pytest
from django.core.management import CommandError, call_command
from pypdf import PdfReader

from rapportering import services
from rapportering.models import Rapport
from rapportering.services import Postverdier
from styring.models import Resultatkrav, Styringsparameter
from tests.demodata import last_demo
from tests.rapportering.test_services import AARSRAPPORT_DELER

pytestmark = pytest.mark.django_db


@pytest.fixture
def demo(db):
    last_demo()


def _pdf_tekst(path) -> tuple[int, list[str]]:
    reader = PdfReader(BytesIO(path.read_bytes()))
    return len(reader.pages), [re.sub(r"\s+", " ", p.extract_text().replace("\xa0", " ")) for p in reader.pages]


def test_load_demo_creates_the_2024_aarsrapport_draft_once(demo):
    rapport = Rapport.objects.get(virksomhet__kortnavn="IMDi", type="aarsrapport", rapport_aar=2024)
    assert rapport.status == "utkast" and rapport.tildelingsbrev.aar == 2024
    assert rapport.parameterresultater.count() == 16 and rapport.deler.count() == 6
    assert rapport.oppdragsstatuser.filter(risiko="rod").exists()  # 2024-13 from the demo follow-up
    call_command("load_demo", stdout=StringIO())
    # and, with demo assessments for the charts, the årsrapport 2023 received and the halvårsrapport 2024 sent
    assert sorted(Rapport.objects.values_list("type", "rapport_aar", "status")) == [
        ("aarsrapport", 2023, "mottatt"), ("aarsrapport", 2024, "utkast"), ("halvaarsrapport", 2024, "sendt")]
    assert not Rapport.objects.get(type="halvaarsrapport").parameterresultater.filter(risiko="").exists()


def test_render_rapport_demo_aarsrapport(demo, tmp_path):
    rapport = Rapport.objects.get(virksomhet__kortnavn="IMDi", type="aarsrapport", rapport_aar=2024)
    # The 2024 letter states no numeric targets; give SP 1 one to see it in the document.
    sp1 = Styringsparameter.objects.get(maal__tildelingsbrev=rapport.tildelingsbrev, kode="SP 1")
    Resultatkrav.objects.create(styringsparameter=sp1, verdi=Decimal("70"), enhet="prosent")
    post = rapport.postrapporter.get(post__kapittel__nummer=670, post__post=1)
    kontakt = rapport.opprettet_av
    services.rapport_lagre_poster(rapport=rapport, user=kontakt,
                                  verdier={post.pk: Postverdier(forbruk_kr=350_000_000, prognose_kr=0)})

    out = StringIO()
    path = tmp_path / "aarsrapport.pdf"
    call_command("render_rapport", "--virksomhet", "IMDi", "--aar", "2024", "--type", "aar", "--out", str(path),
                 stdout=out)
    sider, tekster = _pdf_tekst(path)
    assert f"{sider} sider" in out.getvalue() and "lagret rapport" in out.getvalue()
    assert "Årsrapport 2024" in tekster[0] and "Arbeids- og inkluderingsdepartementet" in tekster[0]
    assert f"Side 1 av {sider}" in tekster[0]
    assert "Innhold" in tekster[1]
    kropp = " ".join(tekster[2:])
    posisjoner = [kropp.find(del_) for del_ in AARSRAPPORT_DELER]
    assert -1 not in posisjoner and posisjoner == sorted(posisjoner)
    iii = kropp[posisjoner[2]:posisjoner[3]]
    assert "Mål 1: Flere innvandrere deltar i arbeidslivet" in iii and "Mål 6:" in iii
    assert "SP 1:" in iii and "SP 16:" in iii and "70 prosent" in iii
    assert "2024-13" in iii and "Rød" in iii
    vi = kropp[posisjoner[5]:]
    assert "377 140 000 kr" in vi and "350 000 000 kr" in vi and "27 140 000 kr" in vi


def test_render_rapport_previews_without_saving_and_refuses_unknowns(demo, tmp_path):
    path = tmp_path / "halvaar.pdf"
    out = StringIO()
    # The demo has the halvårsrapport 2024 (sent); the one for 2023 is not made.
    call_command("render_rapport", "--virksomhet", "imdi", "--aar", "2023", "--type", "halvaar",
                 "--out", str(path), "--pdfa", stdout=out)
    assert "ikke lagret" in out.getvalue()
    _, tekster = _pdf_tekst(path)
    assert "Halvårsrapport 2023" in tekster[0] and "Budsjettutfordringer" in " ".join(tekster)
    assert path.read_bytes()[:5] == b"%PDF-"
    assert not Rapport.objects.filter(type="halvaarsrapport", rapport_aar=2023).exists()

    for args, melding in ((["--virksomhet", "Ukjent", "--aar", "2024", "--type", "aar"], "Fant ingen virksomhet med kortnavn «Ukjent»"),
                          (["--virksomhet", "IMDi", "--aar", "2030", "--type", "aar"], "ingen årsrapport for 2030"),
                          (["--virksomhet", "IMDi", "--aar", "2024", "--type", "kvartal"], "Ukjent rapporttype")):
        with pytest.raises(CommandError, match=melding):
            call_command("render_rapport", *args, "--out", str(tmp_path / "x.pdf"), stdout=StringIO())


def test_the_report_is_a_registered_pdf_kind_behind_the_report_gate(oppsett):
    from dokumenter import registry

    rapport = services.rapport_opprett(punkt=oppsett.punkt_aar, user=oppsett.kontakt)
    kind = registry.get("rapport")
    assert kind.model_class() is Rapport
    assert list(kind.synlige(oppsett.kontakt)) == [rapport]
    assert not kind.synlige(oppsett.dep).exists() and not kind.synlige(oppsett.annen_virksomhet).exists()
    bygget = kind.bygg(rapport)
    assert isinstance(bygget, registry.Bygget)
    assert bygget.filnavn == f"aarsrapport-{oppsett.brev.virksomhet.kortnavn}-2024.pdf"
    assert "counter(pages)" in bygget.html and "display: table-header-group" in bygget.html
