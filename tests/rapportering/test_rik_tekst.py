"""Report parts with structure: the HTML is sanitised on save, older plain text reads as
paragraphs, the text reaches the report page and the PDF, and drafts are saved as the person
writes (the autosave endpoint, with the report's conflict detection)."""

from __future__ import annotations

import json
from datetime import UTC, datetime

import pytest
from django.test import Client
from django.urls import reverse

from brukere.models import Rolle
from kjerne import konflikt
from rapportering import services
from rapportering.models import Rapportdel
from rapportering.rik_tekst import rens, til_visning
from tests.factories import UserFactory
from tests.rapportering.skjema import skjemadata

pytestmark = pytest.mark.django_db

#: What Word puts on the clipboard (abridged): mso styles, classes, conditional comments, a list
#: as paragraphs and a table with widths.
WORD = """<html xmlns:o="urn:schemas-microsoft-com:office:office"><head><style>p.MsoNormal{margin:0}</style></head>
<body lang=NO-BOK><!--StartFragment-->
<h1 style='mso-style-link:"Overskrift 1 Tegn"'><span lang=NO-BOK>Måloppnåelse 2024</span></h1>
<h2><span>Bosetting</span></h2>
<p class=MsoNormal style='margin-bottom:0cm'>Vi nådde <b>nesten</b> <i>alle</i> mål.<o:p></o:p></p>
<p class=MsoListParagraphCxSpFirst style='mso-list:l0 level1 lfo1'><![if !supportLists]><span>·<span
style='font:7.0pt "Times New Roman"'>&nbsp;&nbsp; </span></span><![endif]>Bosatt 5&nbsp;000 flyktninger</p>
<p class=MsoListParagraphCxSpLast style='mso-list:l0 level1 lfo1'><![if !supportLists]><span>·</span><![endif]>Kortere ventetid</p>
<ol><li>Første tiltak</li><li>Andre tiltak</li></ol>
<table class=MsoTableGrid border=1 cellspacing=0 style='border-collapse:collapse'>
<tr><td width=200 valign=top style='width:150pt'><p class=MsoNormal>Kommune</p></td><td colspan=2>Bosatt</td></tr>
<tr><td>Oslo</td><td>1 200</td><td>1 150</td></tr></table>
<!--EndFragment--></body></html>"""


def test_rens_removes_scripts_event_attributes_javascript_links_and_styles():
    farlig = ('<p onclick="alert(1)" style="color:red">Tekst<script>alert("x")</script></p>'
              '<a href="javascript:alert(1)">lur</a> <a href="JaVaScRiPt:alert(2)">lur2</a>'
              '<img src=x onerror="alert(3)"><iframe src="https://evil.example"></iframe>'
              '<p><a href="https://imdi.no/rapport" target="_blank" onmouseover="x()">IMDi</a>'
              ' <a href="mailto:post@imdi.no">e-post</a> <a href="/admin/">intern</a>'
              ' <a href="data:text/html;base64,PHNjcmlwdD4=">data</a></p>')
    ren = rens(farlig)
    for rest in ("<script", "alert(", "onclick", "onerror", "onmouseover", "style=", "javascript", "<img",
                 "<iframe", "target=", "data:", 'href="/admin/"'):
        assert rest.lower() not in ren.lower(), rest
    assert '<a href="https://imdi.no/rapport" rel="noopener noreferrer">IMDi</a>' in ren
    assert '<a href="mailto:post@imdi.no" rel="noopener noreferrer">e-post</a>' in ren
    assert "<p>Tekst</p>" in ren


def test_rens_keeps_the_headings_lists_and_tables_of_a_pasted_word_fragment():
    ren = rens(WORD)
    # Headings land on the levels a report part uses (the part's own title is h2).
    assert "<h3>Måloppnåelse 2024</h3>" in ren
    assert "<h3>Bosetting</h3>" in ren
    # Word's list paragraphs become a real list, without the fake bullets.
    assert "<ul><li><p>Bosatt 5\u00a0000 flyktninger</p></li><li><p>Kortere ventetid</p></li></ul>" \
        in ren.replace("&nbsp;", "\u00a0")
    assert "·" not in ren
    assert "<ol><li>Første tiltak</li><li>Andre tiltak</li></ol>" in ren
    assert '<td colspan="2">Bosatt</td>' in ren
    assert "<td>Oslo</td><td>1 200</td><td>1 150</td>" in ren
    assert "<table>" in ren and "<tr>" in ren
    # Word's own markup is gone.
    for rest in ("mso", "class=", "style", "width", "<o:p", "<span", "<b>", "<html", "<!--", "supportLists"):
        assert rest not in ren, rest


def test_plain_text_from_before_the_editor_reads_as_paragraphs_and_is_escaped():
    html = til_visning("Første avsnitt\nmed linjeskift.\n\nAndre avsnitt: 3 < 5 & <b>ikke fet</b>")
    assert html == ("<p>Første avsnitt<br>med linjeskift.</p>"
                    "<p>Andre avsnitt: 3 &lt; 5 &amp; &lt;b&gt;ikke fet&lt;/b&gt;</p>")


def test_an_empty_editor_is_an_empty_part():
    assert rens("<p></p>") == ""
    assert rens("<p><br></p>") == ""


# --- through the services and the pages -----------------------------------------------------

@pytest.fixture
def utkast(oppsett):
    virk = oppsett.brev.virksomhet
    anne = UserFactory(organisasjon=virk, rolle=Rolle.VIRKSOMHET_KONTAKT, first_name="Anne", last_name="Hansen")
    rapport = services.rapport_opprett(punkt=oppsett.punkt_aar, user=anne)
    return rapport, anne


def _klient(user) -> Client:
    c = Client()
    c.force_login(user)
    return c


RIK = ("<h3>Hovedtall</h3><p>Se <a href=\"https://imdi.no\">imdi.no</a>.</p>"
       "<ul><li><p>Bosatt flere</p></li></ul><ol><li><p>Første</p></li></ol>"
       "<table><tbody><tr><th><p>Kommune</p></th><th><p>Bosatt</p></th></tr>"
       "<tr><td><p>Oslo</p></td><td><p>1 200</p></td></tr></tbody></table>")


def test_the_service_stores_sanitised_html(utkast):
    rapport, anne = utkast
    services.rapport_lagre_deler(rapport=rapport, user=anne,
                                 tekster={"I": RIK + '<p style="x" onclick="y()">Slutt<script>z()</script></p>'})
    lagret = rapport.deler.get(kode="I").tekst
    assert lagret.startswith("<h3>Hovedtall</h3>")
    assert lagret.endswith("<p>Slutt</p>")
    assert "script" not in lagret and "onclick" not in lagret and "style" not in lagret


def test_the_report_page_and_the_pdf_show_headings_lists_tables_and_links(utkast):
    from rapportering.pdf import bygg_rapport

    rapport, anne = utkast
    services.rapport_lagre_deler(rapport=rapport, user=anne, tekster={"I": RIK})
    side = _klient(anne).get(reverse("rapportering:detalj", args=[rapport.pk])).content.decode()
    dokument = bygg_rapport(rapport).html
    for html in (side, dokument):
        assert "<h3>Hovedtall</h3>" in html
        assert "<li><p>Bosatt flere</p></li>" in html
        assert '<div class="tabell"><table><tbody><tr><th><p>Kommune</p></th>' in html
        assert '<a href="https://imdi.no" rel="noopener noreferrer">imdi.no</a>' in html
        assert "&lt;h3&gt;" not in html  # not shown as escaped markup


def test_without_javascript_plain_text_typed_in_the_textarea_is_saved_as_paragraphs(utkast):
    rapport, anne = utkast
    c = _klient(anne)
    url = reverse("rapportering:rediger", args=[rapport.pk, "deler"])
    data = skjemadata(c.get(url).content.decode())
    data["I"] = "Første avsnitt.\r\n\r\nAndre avsnitt."
    assert c.post(url, data).status_code == 302
    assert rapport.deler.get(kode="I").tekst == "<p>Første avsnitt.</p><p>Andre avsnitt.</p>"


def test_a_plain_text_part_sent_back_unchanged_is_not_rewritten(utkast):
    rapport, anne = utkast
    del_i = rapport.deler.get(kode="I")
    del_i.tekst = "Skrevet før editoren.\n\nAndre avsnitt."
    del_i.save()
    c = _klient(anne)
    url = reverse("rapportering:rediger", args=[rapport.pk, "deler"])
    skjema = c.get(url).content.decode()
    data = skjemadata(skjema)
    # The editor opens with the paragraphs, and sends them back as it opened them.
    assert data["I"] == "<p>Skrevet før editoren.</p><p>Andre avsnitt.</p>"
    antall = del_i.history.count()
    assert c.post(url, data).status_code == 302
    del_i.refresh_from_db()
    assert del_i.tekst == "Skrevet før editoren.\n\nAndre avsnitt."
    assert del_i.history.count() == antall


# --- autosave ---------------------------------------------------------------------------------

def _autolagre(c: Client, rapport, kode: str, tekst: str, versjon: str):
    return c.post(reverse("rapportering:autolagre", args=[rapport.pk]),
                  {"kode": kode, "tekst": tekst, "versjon": versjon})


def _versjon(rapport, kode):
    return konflikt.signer(Rapportdel.objects.get(rapport=rapport, kode=kode), services.DEL_FELTER)


def test_autosave_saves_the_part_and_answers_with_the_time_in_oslo_and_the_new_version(utkast, monkeypatch):
    from django.utils import timezone

    rapport, anne = utkast
    c = _klient(anne)
    monkeypatch.setattr(timezone, "now", lambda: datetime(2026, 11, 30, 20, 48, tzinfo=UTC))
    r = _autolagre(c, rapport, "I", "<h3>Utkast</h3><p>Første setning</p>", _versjon(rapport, "I"))
    assert r.status_code == 200
    svar = json.loads(r.content)
    assert svar["melding"] == "Lagret kl. 21.48"  # 20.48 UTC is 21.48 in Oslo in November
    assert rapport.deler.get(kode="I").tekst == "<h3>Utkast</h3><p>Første setning</p>"
    # The page carries the new version on: the next autosave and the final save go through.
    r2 = _autolagre(c, rapport, "I", "<h3>Utkast</h3><p>Første setning. Andre setning.</p>", svar["versjon"])
    assert r2.status_code == 200
    assert rapport.deler.get(kode="I").tekst == "<h3>Utkast</h3><p>Første setning. Andre setning.</p>"


def test_one_writing_session_is_one_history_entry(utkast):
    rapport, anne = utkast
    c = _klient(anne)
    del_i = rapport.deler.get(kode="I")
    for_ = del_i.history.count()
    versjon = _versjon(rapport, "I")
    for tekst in ("<p>E</p>", "<p>Et</p>", "<p>Et utkast</p>"):
        versjon = json.loads(_autolagre(c, rapport, "I", tekst, versjon).content)["versjon"]
    assert del_i.history.count() == for_ + 1
    siste = del_i.history.first()
    assert siste.tekst == "<p>Et utkast</p>"
    assert siste.history_user == anne


def test_autosave_refuses_a_stale_version_and_changes_nothing(utkast):
    rapport, anne = utkast
    bjorn = UserFactory(organisasjon=rapport.virksomhet, rolle=Rolle.VIRKSOMHET_LEDER, first_name="Bjørn",
                        last_name="Berg")
    apnet = _versjon(rapport, "I")
    services.rapport_lagre_deler(rapport=rapport, user=bjorn, tekster={"I": "<p>Bjørns tekst</p>"})
    r = _autolagre(_klient(anne), rapport, "I", "<p>Annes tekst</p>", apnet)
    assert r.status_code == 409
    assert "Bjørn Berg har lagret endringer i denne delen" in json.loads(r.content)["melding"]
    assert rapport.deler.get(kode="I").tekst == "<p>Bjørns tekst</p>"


def test_autosave_sanitises_and_refuses_a_sent_report_or_a_forged_version(utkast):
    rapport, anne = utkast
    c = _klient(anne)
    r = _autolagre(c, rapport, "I", '<p onclick="x()">Hei<script>alert(1)</script></p>', _versjon(rapport, "I"))
    assert r.status_code == 200
    assert rapport.deler.get(kode="I").tekst == "<p>Hei</p>"
    r = _autolagre(c, rapport, "I", "<p>Forfalsket</p>", "ikke-en-versjon")
    assert r.status_code == 400
    assert "versjonsinformasjon" in json.loads(r.content)["melding"]
    assert rapport.deler.get(kode="I").tekst == "<p>Hei</p>"
    leder = UserFactory(organisasjon=rapport.virksomhet, rolle=Rolle.VIRKSOMHET_LEDER)
    services.rapport_send(rapport=rapport, user=leder)
    r = _autolagre(c, rapport, "I", "<p>Etter sending</p>", _versjon(rapport, "I"))
    assert r.status_code == 403
    assert json.loads(r.content)["melding"] == services.LAAST_MELDING
    assert rapport.deler.get(kode="I").tekst == "<p>Hei</p>"


def test_the_editor_page_loads_the_editor_as_static_files_only(utkast):
    rapport, anne = utkast
    side = _klient(anne).get(reverse("rapportering:rediger", args=[rapport.pk, "deler"])).content.decode()
    assert '<script src="/static/js/rik_tekst.js" type="module"></script>' in side
    assert "importmap" not in side
    assert "data-rik-tekst=" in side
    assert f'data-autolagre-url="{reverse("rapportering:autolagre", args=[rapport.pk])}"' in side
