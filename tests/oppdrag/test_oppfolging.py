"""Following up an oppdrag in the browser: the agency records status and risk, assigns a person and
delivers documents; the steering ministry comments and closes; everyone else only reads."""

from __future__ import annotations

import io
import zipfile
from datetime import date, timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from oppdrag.models import Leveranse, Oppdrag, Oppdragskommentar, Statusoppdatering
from oppdrag.services import oppdrag_set_status
from tests.factories import FristFactory, OppdragFactory, TildelingsbrevFactory, UserFactory

pytestmark = pytest.mark.django_db

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = str(tmp_path / "media")


@pytest.fixture
def oppsett():
    brev = TildelingsbrevFactory(sendt_brev=True)
    oppdrag = OppdragFactory(tildelingsbrev=brev, tittel="Kartlegge tolkebehovet", beskrivelse="Beskriv behovet.")
    FristFactory(oppdrag=oppdrag, tekst="1. juni 2024", dato=date(2024, 6, 1))
    virk = UserFactory(organisasjon=brev.virksomhet, rolle="virk_oppdragseier", first_name="Vera", last_name="Virk")
    kollega = UserFactory(organisasjon=brev.virksomhet, rolle="virk_kontakt", first_name="Kari", last_name="Kollega")
    dep = UserFactory(organisasjon=brev.departement, first_name="Dag", last_name="Dep")
    return {"brev": brev, "oppdrag": oppdrag, "virk": virk, "kollega": kollega, "dep": dep,
            "annen_virk": UserFactory(virksomhet=True), "annet_dep": UserFactory(),
            "observator": UserFactory(observator=True)}


def url(name, o, *args):
    return reverse(f"oppdrag:{name}", args=[o.pk, *args])


def status_data(**kw):
    data = {"status": "paagaar", "risiko": "", "risiko_tekst": "", "tiltak": "",
            "kommentar": "", "gjelder_dato": timezone.localdate().isoformat()}
    data.update(kw)
    return data


def test_agency_sets_yellow_with_comment_and_sees_it_in_the_timeline(client, oppsett):
    o = oppsett["oppdrag"]
    client.force_login(oppsett["virk"])
    resp = client.post(url("oppfolging", o), status_data(risiko="gul", risiko_tekst="Forsinket levering fra leverandør.",
                                                         kommentar="Vi ber om møte."))
    assert resp.status_code == 302 and resp["Location"].endswith("#oppfolging")
    o.refresh_from_db()
    assert (o.status, o.risiko) == ("paagaar", "gul")
    page = client.get(url("detalj", o)).content.decode()
    tidslinje = page.split('id="oppfolging-overskrift"')[1].split('id="ny-status"')[0]
    assert "Gul" in tidslinje and "Vi ber om møte." in tidslinje and "Forsinket levering fra leverandør." in tidslinje
    assert "Vera Virk" in tidslinje
    assert "Statusoppdateringen er registrert." in page  # the message after the redirect
    entry = Statusoppdatering.objects.get(oppdrag=o)
    assert entry.opprettet_av == oppsett["virk"]


def test_the_risk_radios_carry_the_definitions(client, oppsett):
    client.force_login(oppsett["virk"])
    page = client.get(url("detalj", oppsett["oppdrag"])).content.decode()
    assert "Forsinket, eller effekten blir ikke som forutsatt." in page
    assert "Svært forsinket" in page and "<legend>Risiko</legend>" in page


def test_yellow_without_assessment_is_refused_and_nothing_is_saved(client, oppsett):
    o = oppsett["oppdrag"]
    client.force_login(oppsett["virk"])
    resp = client.post(url("oppfolging", o), status_data(risiko="gul", kommentar="Uten vurdering"))
    assert resp.status_code == 200
    page = resp.content.decode()
    assert "Skriv en vurdering når risikoen er gul." in page
    assert 'role="alert"' in page
    assert "Uten vurdering" in page  # what the person typed is kept in the form
    assert not Statusoppdatering.objects.exists()
    o.refresh_from_db()
    assert o.risiko == ""


def test_red_requires_corrective_measures_and_date_not_in_future(client, oppsett):
    o = oppsett["oppdrag"]
    client.force_login(oppsett["virk"])
    imorgen = (timezone.localdate() + timedelta(days=1)).isoformat()
    resp = client.post(url("oppfolging", o), status_data(risiko="rod", risiko_tekst="Stopp.", gjelder_dato=imorgen))
    page = resp.content.decode()
    assert "Beskriv de korrigerende tiltakene når risikoen er rød." in page
    assert "Datoen kan ikke være fram i tid." in page
    assert not Statusoppdatering.objects.exists()


def test_htmx_follow_up_returns_the_updated_page_without_redirect(client, oppsett):
    o = oppsett["oppdrag"]
    client.force_login(oppsett["virk"])
    resp = client.post(url("oppfolging", o), status_data(risiko="gronn", risiko_tekst="I rute."), HTTP_HX_REQUEST="true")
    assert resp.status_code == 200
    page = resp.content.decode()
    assert 'id="innhold"' in page and "Statusoppdateringen er registrert." in page and "Grønn" in page


def test_html_in_a_comment_is_shown_as_text(client, oppsett):
    o = oppsett["oppdrag"]
    client.force_login(oppsett["virk"])
    client.post(url("oppfolging", o), status_data(kommentar="<script>alert(1)</script>"))
    client.force_login(oppsett["dep"])
    client.post(url("kommentar", o), {"kommentar-tekst": "<b>fet</b>"})
    page = client.get(url("detalj", o)).content.decode()
    assert "<script>alert(1)</script>" not in page and "&lt;script&gt;alert(1)&lt;/script&gt;" in page
    assert "<b>fet</b>" not in page and "&lt;b&gt;fet&lt;/b&gt;" in page


def test_assign_responsible_person_only_from_own_agency(client, oppsett):
    o = oppsett["oppdrag"]
    client.force_login(oppsett["virk"])
    page = client.get(url("detalj", o)).content.decode()
    assert "Kari Kollega" in page
    versjon = page.split('name="ansvarlig-versjon" value="')[1].split('"')[0]
    resp = client.post(url("ansvarlig", o), {"ansvarlig-ansvarlig": oppsett["annen_virk"].pk,
                                             "ansvarlig-versjon": versjon})
    assert "Velg en person i virksomheten som har oppdraget." in resp.content.decode()
    o.refresh_from_db()
    assert o.ansvarlig is None
    resp = client.post(url("ansvarlig", o), {"ansvarlig-ansvarlig": oppsett["kollega"].pk,
                                             "ansvarlig-versjon": versjon})
    assert resp.status_code == 302
    o.refresh_from_db()
    assert o.ansvarlig == oppsett["kollega"]


def test_assigning_after_someone_else_changed_it_shows_the_conflict(client, oppsett):
    o = oppsett["oppdrag"]
    client.force_login(oppsett["virk"])
    page = client.get(url("detalj", o)).content.decode()
    versjon = page.split('name="ansvarlig-versjon" value="')[1].split('"')[0]
    Oppdrag.objects.get(pk=o.pk).__class__  # noqa: B018 - keep the instance fresh below
    o2 = Oppdrag.objects.get(pk=o.pk)
    o2.ansvarlig = oppsett["virk"]
    o2.save()
    resp = client.post(url("ansvarlig", o), {"ansvarlig-ansvarlig": oppsett["kollega"].pk,
                                             "ansvarlig-versjon": versjon})
    page = resp.content.decode()
    assert "har lagret endringer etter at du åpnet skjemaet" in page
    o.refresh_from_db()
    assert o.ansvarlig == oppsett["virk"]


def _upload(client, o, navn, innhold, tittel="Sluttrapport"):
    fil = io.BytesIO(innhold)
    fil.name = navn
    return client.post(url("leveranse-ny", o), {"leveranse-tittel": tittel, "leveranse-type": "rapport",
                                                "leveranse-fil": fil})


def test_exe_is_refused_with_message(client, oppsett):
    client.force_login(oppsett["virk"])
    resp = _upload(client, oppsett["oppdrag"], "virus.exe", b"MZ\x90\x00")
    page = resp.content.decode()
    assert "Filtypen .exe er ikke tillatt. Tillatte typer: PDF, DOCX, XLSX, PPTX, ODT, TXT og CSV." in page
    assert not Leveranse.objects.exists()


def test_renamed_binary_is_refused_by_content(client, oppsett):
    client.force_login(oppsett["virk"])
    resp = _upload(client, oppsett["oppdrag"], "rapport.pdf", b"MZ\x90\x00 not a pdf")
    assert "Innholdet i filen er ikke en gyldig PDF-fil." in resp.content.decode()
    assert not Leveranse.objects.exists()


def test_too_big_file_is_refused_with_message(client, oppsett, settings):
    settings.LEVERANSE_MAKS_BYTE = 1024 * 1024
    client.force_login(oppsett["virk"])
    resp = _upload(client, oppsett["oppdrag"], "stor.pdf", PDF + b"0" * (int(1.5 * 1024 * 1024)))
    page = resp.content.decode()
    assert "Filen er for stor (1,5 MB). Største tillatte størrelse er 1 MB." in page
    assert not Leveranse.objects.exists()
    # The field tells the limit in force when the page is drawn, and the file chooser offers the allowed types.
    assert "Tillatte typer: PDF, DOCX, XLSX, PPTX, ODT, TXT og CSV. Største tillatte størrelse er 1 MB." in page
    assert 'accept=".pdf,.docx,.xlsx,.pptx,.odt,.txt,.csv"' in page
    settings.LEVERANSE_MAKS_BYTE = 25 * 1024 * 1024
    assert "Største tillatte størrelse er 25 MB." in client.get(f"/oppdrag/{oppsett['oppdrag'].pk}/").content.decode()


def test_docx_is_accepted_when_it_is_a_real_ooxml_zip(client, oppsett):
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as z:
        z.writestr("[Content_Types].xml", "<Types/>")
        z.writestr("word/document.xml", "<w:document/>")
    client.force_login(oppsett["virk"])
    assert _upload(client, oppsett["oppdrag"], "notat.docx", buf.getvalue()).status_code == 302
    assert Leveranse.objects.get().storrelse == len(buf.getvalue())


def test_pdf_is_accepted_and_downloadable_only_by_those_who_see_the_oppdrag(client, oppsett):
    o = oppsett["oppdrag"]
    client.force_login(oppsett["virk"])
    resp = _upload(client, o, "sluttrapport.pdf", PDF, tittel="Sluttrapport 2024")
    assert resp.status_code == 302
    lev = Leveranse.objects.get()
    assert lev.levert_av == oppsett["virk"] and lev.storrelse == len(PDF)
    page = client.get(url("detalj", o)).content.decode()
    assert "Sluttrapport 2024" in page and f"{len(PDF)} byte" in page
    last_ned = url("leveranse", o, lev.pk)
    for bruker in ("virk", "dep", "observator"):
        client.force_login(oppsett[bruker])
        resp = client.get(last_ned)
        assert resp.status_code == 200, bruker
        assert resp["Content-Disposition"].startswith("attachment")
        assert b"".join(resp.streaming_content) == PDF
    for bruker in ("annen_virk", "annet_dep"):
        client.force_login(oppsett[bruker])
        assert client.get(last_ned).status_code == 404, bruker
    # The file's id under another oppdrag (one the user can see) is not a way in either.
    annet = OppdragFactory(tildelingsbrev=oppsett["brev"])
    client.force_login(oppsett["virk"])
    assert client.get(url("leveranse", annet, lev.pk)).status_code == 404


def test_ministry_comments_and_closes(client, oppsett):
    o = oppsett["oppdrag"]
    oppdrag_set_status(oppdrag=o, status="paagaar", risiko="gul", risiko_tekst="Forsinket.", acting_user=oppsett["virk"])
    client.force_login(oppsett["dep"])
    resp = client.post(url("kommentar", o), {"kommentar-tekst": "Vi forventer en plan for å ta igjen forsinkelsen."})
    assert resp.status_code == 302
    assert Oppdragskommentar.objects.get().forfatter == oppsett["dep"]
    resp = client.post(url("avslutt", o), {"avslutning-status": "avsluttet", "avslutning-kommentar": ""})
    assert "Skriv en begrunnelse for statusendringen." in resp.content.decode()
    o.refresh_from_db()
    assert o.status == "paagaar"
    resp = client.post(url("avslutt", o), {"avslutning-status": "avsluttet",
                                           "avslutning-kommentar": "Levert i årsrapporten."})
    assert resp.status_code == 302
    o.refresh_from_db()
    assert o.status == "avsluttet" and o.risiko == "gul"
    page = client.get(url("detalj", o)).content.decode()
    assert "Vi forventer en plan" in page and "Levert i årsrapporten." in page and "Avsluttet" in page
    assert "Dag Dep" in page


def test_agency_cannot_close_and_ministry_cannot_report_status(client, oppsett):
    o = oppsett["oppdrag"]
    client.force_login(oppsett["virk"])
    assert client.post(url("avslutt", o), {"avslutning-status": "avsluttet",
                                           "avslutning-kommentar": "Ferdig"}).status_code == 403
    assert client.post(url("kommentar", o), {"kommentar-tekst": "Hei"}).status_code == 403
    # The agency's own form does not offer closing either.
    resp = client.post(url("oppfolging", o), status_data(status="avsluttet"))
    assert "Velg en av statusene i listen." in resp.content.decode()
    client.force_login(oppsett["dep"])
    assert client.post(url("oppfolging", o), status_data()).status_code == 403
    assert _upload(client, o, "a.pdf", PDF).status_code == 403
    o.refresh_from_db()
    assert o.status == "ikke_startet"
    assert not Statusoppdatering.objects.exists() and not Oppdragskommentar.objects.exists()


@pytest.mark.parametrize("bruker,forventet", [
    ("observator", 403), ("annet_dep", 404), ("annen_virk", 404),
])
def test_others_cannot_post(client, oppsett, bruker, forventet):
    o = oppsett["oppdrag"]
    client.force_login(oppsett[bruker])
    for navn, data in [("oppfolging", status_data()), ("kommentar", {"kommentar-tekst": "x"}),
                       ("avslutt", {"avslutning-status": "avsluttet", "avslutning-kommentar": "x"}),
                       ("ansvarlig", {"ansvarlig-ansvarlig": ""})]:
        assert client.post(url(navn, o), data).status_code == forventet, navn
    assert not Statusoppdatering.objects.exists() and not Oppdragskommentar.objects.exists()


def test_observer_reads_without_forms(client, oppsett):
    client.force_login(oppsett["observator"])
    page = client.get(url("detalj", oppsett["oppdrag"])).content.decode()
    assert "Kartlegge tolkebehovet" in page
    assert "Ny statusoppdatering" not in page and "Last opp dokument" not in page and "Lagre kommentar" not in page


def test_detail_shows_changed_frister_letters_and_history(client, oppsett):
    o = oppsett["oppdrag"]
    brev2025 = TildelingsbrevFactory(virksomhet=o.virksomhet, departement=oppsett["brev"].departement, aar=2025,
                                     sendt_brev=True)
    FristFactory(oppdrag=o, tildelingsbrev=brev2025, tekst="(01.06.2024) 31.03.2025", dato=date(2025, 3, 31),
                 opprinnelig_dato=date(2024, 6, 1))
    # A draft of the next letter proposes a frist the agency must not see yet.
    utkast = TildelingsbrevFactory(virksomhet=o.virksomhet, departement=oppsett["brev"].departement, aar=2026)
    FristFactory(oppdrag=o, tildelingsbrev=utkast, tekst="Hemmelig utkastfrist", dato=date(2026, 1, 1))
    oppdrag_set_status(oppdrag=o, status="paagaar", acting_user=oppsett["virk"])
    client.force_login(oppsett["virk"])
    page = client.get(url("detalj", o)).content.decode()
    frister = page.split('id="frister"')[1].split('id="brev"')[0]
    assert "31.03.2025" in frister and "tildelingsbrevet for 2025" in frister
    assert "endret fra" in frister and "1. juni 2024" in frister
    assert "Hemmelig utkastfrist" not in page
    assert "Beskriv behovet." in page
    historikk = page.split('id="historikk"')[1]
    assert "Ikke startet" in historikk and "Pågår" in historikk
    client.force_login(oppsett["dep"])
    assert "Hemmelig utkastfrist" in client.get(url("detalj", o)).content.decode()


def test_detail_query_count_does_not_grow(client, oppsett, django_assert_num_queries):
    o = oppsett["oppdrag"]
    oppdrag_set_status(oppdrag=o, status="paagaar", risiko="gronn", risiko_tekst="I rute.", acting_user=oppsett["virk"])
    Leveranse.objects.create(oppdrag=o, tittel="Notat", fil="leveranser/x.pdf", storrelse=10, levert_av=oppsett["virk"])
    Oppdragskommentar.objects.create(oppdrag=o, tekst="Bra", forfatter=oppsett["dep"])
    client.force_login(oppsett["virk"])
    client.get(url("detalj", o))  # warm caches (content types)
    # 30 with the letter's red/yellow/green definitions and the oppdrag's samarbeidspartnere, one each;
    # 26 since the history names the oppdrag and the records loaded with it without asking again;
    # 27 with the history's delt med and jf. oppdrag (one query for both).
    with django_assert_num_queries(27) as ctx:
        client.get(url("detalj", o))
    antall = len(ctx.captured_queries)
    for i in range(20):
        oppdrag_set_status(oppdrag=o, status="paagaar", risiko="gul", risiko_tekst=f"Vurdering {i}",
                           acting_user=oppsett["kollega"] if i % 2 else oppsett["virk"])
        Leveranse.objects.create(oppdrag=o, tittel=f"Notat {i}", fil=f"leveranser/{i}.pdf", storrelse=10,
                                 levert_av=oppsett["virk"])
        Oppdragskommentar.objects.create(oppdrag=o, tekst=f"Kommentar {i}", forfatter=oppsett["dep"])
        FristFactory(oppdrag=o, tekst=f"Del {i}: 1. mars 2024", dato=date(2024, 3, 1))
    with django_assert_num_queries(antall):
        client.get(url("detalj", o))


def test_detail_lists_later_letters_where_the_oppdrag_is_still_open(client, oppsett):
    o = oppsett["oppdrag"]
    FristFactory(oppdrag=o, tekst="31. mars 2025", dato=date(2025, 3, 31))
    dep = oppsett["brev"].departement
    TildelingsbrevFactory(virksomhet=o.virksomhet, departement=dep, aar=2025, sendt_brev=True)
    TildelingsbrevFactory(virksomhet=o.virksomhet, departement=dep, aar=2026, sendt_brev=True)
    client.force_login(oppsett["virk"])
    brev = client.get(url("detalj", o)).content.decode().split('id="brev"')[1].split("</section>")[0]
    assert "Tildelingsbrev 2024" in brev and "Gitt i brevet" in brev
    assert "Tildelingsbrev 2025" in brev and "Omtalt som tidligere gitt oppdrag" in brev
    assert "Tildelingsbrev 2026" not in brev  # its frister are all before 2026


def test_agency_cannot_reopen_what_the_ministry_closed(client, oppsett):
    o = oppsett["oppdrag"]
    client.force_login(oppsett["dep"])
    client.post(url("avslutt", o), {"avslutning-status": "bortfalt", "avslutning-kommentar": "Ikke lenger aktuelt."})
    client.force_login(oppsett["virk"])
    page = client.get(url("detalj", o)).content.decode()
    assert "Departementet har markert oppdraget som bortfalt." in page and "Ny statusoppdatering" not in page
    resp = client.post(url("oppfolging", o), status_data(status="paagaar"))
    assert "Ny status kan ikke registreres." in resp.content.decode()
    o.refresh_from_db()
    assert o.status == "bortfalt" and Statusoppdatering.objects.count() == 1
