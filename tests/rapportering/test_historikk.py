"""The report's history: who changed which part and when (old → new), and the PDFs made of it."""

from __future__ import annotations

import pytest
from django.urls import reverse
from django.utils.html import escape

from dokumenter.services import bestill_pdf, pdf_render
from rapportering.services import rapport_lagre_deler, rapport_opprett

pytestmark = pytest.mark.django_db


def test_historikken_viser_endringer_og_pdf_er(client, oppsett, settings, tmp_path, django_capture_on_commit_callbacks):
    settings.MEDIA_ROOT = tmp_path
    rapport = rapport_opprett(punkt=oppsett.punkt_aar, user=oppsett.kontakt)
    kode = rapport.deler.order_by("rekkefolge").first().kode
    rapport_lagre_deler(rapport=rapport, tekster={kode: "Første utkast"}, user=oppsett.kontakt)
    rapport_lagre_deler(rapport=rapport, tekster={kode: "Året var preget av <b>omstilling</b>."}, user=oppsett.leder)
    with django_capture_on_commit_callbacks(execute=False):  # no broker: render it here instead
        pdf = bestill_pdf(kind="rapport", obj=rapport, variant="standard", user=oppsett.kontakt)
    pdf_render(pdf_id=pdf.pk)

    client.force_login(oppsett.kontakt)
    side = client.get(reverse("rapportering:detalj", args=[rapport.pk])).content.decode()
    assert reverse("rapportering:historikk", args=[rapport.pk]) in side
    html = client.get(reverse("rapportering:historikk", args=[rapport.pk])).content.decode()
    # The history carries the stored HTML as it is (the typed "<b>" is text, escaped in the HTML).
    lagret = rapport.deler.get(kode=kode).tekst
    assert lagret == "<p>Året var preget av &lt;b&gt;omstilling&lt;/b&gt;.</p>"
    assert "Første utkast" in html and escape(lagret) in html
    assert str(oppsett.leder) in html
    assert "PDF-er som er laget" in html and reverse("dokumenter:last_ned", args=[pdf.pk]) in html

    client.force_login(oppsett.annen_virksomhet)
    assert client.get(reverse("rapportering:historikk", args=[rapport.pk])).status_code == 404
