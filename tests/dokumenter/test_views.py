"""The PDF views: access checked against the document, htmx partials that poll until done, download."""

import pytest
from django.template import RequestContext, Template
from django.test import RequestFactory
from django.urls import reverse

from dokumenter.models import PdfDokument
from dokumenter.services import bestill_pdf
from dokumenter.tasks import render_pdf_task
from tests.factories import TildelingsbrevFactory, UserFactory

pytestmark = pytest.mark.django_db

HTMX = {"HTTP_HX_REQUEST": "true"}


def _bestill(client, brev, variant="standard", **extra):
    return client.post(reverse("dokumenter:bestill"),
                       {"kind": "tildelingsbrev", "object_id": brev.pk, "variant": variant, "neste": "/brev/"}, **extra)


@pytest.fixture
def klar_pdf(brev, ko):
    pdf = bestill_pdf(kind="tildelingsbrev", obj=brev, variant="standard",
                      user=UserFactory(organisasjon=brev.departement))
    render_pdf_task(pdf.pk)
    pdf.refresh_from_db()
    return pdf


@pytest.mark.django_db(transaction=True)  # real commits: the partial shows the state after the enqueue
def test_order_with_htmx_returns_the_polling_partial(client, brev, ko):
    client.force_login(UserFactory(organisasjon=brev.virksomhet, rolle="virk_kontakt"))
    r = _bestill(client, brev, **HTMX)
    assert r.status_code == 200
    html = r.content.decode()
    pdf = PdfDokument.objects.get()
    assert pdf.status == "i_ko" and ko.sendt == [pdf.pk]
    assert "I kø" in html
    assert f'hx-get="{reverse("dokumenter:status", args=[pdf.pk])}"' in html and 'hx-trigger="every 2s"' in html
    assert "<script" not in html and "style=" not in html

    render_pdf_task(pdf.pk)
    html = client.get(reverse("dokumenter:status", args=[pdf.pk]), **HTMX).content.decode()
    assert "hx-trigger" not in html  # polling stops once ready
    pdf.refresh_from_db()
    assert f"Klar: <a href=\"{reverse('dokumenter:last_ned', args=[pdf.pk])}\"" in html
    assert f"({pdf.storrelse_tekst}, {pdf.sider} sider" in html and " kB" in html


def test_order_without_htmx_redirects_back(client, brev, ko):
    client.force_login(UserFactory(organisasjon=brev.departement))
    r = _bestill(client, brev, variant="pdfa")
    assert r.status_code == 302 and r["Location"] == "/brev/"
    assert PdfDokument.objects.get().variant == "pdfa"


def test_download_serves_the_pdf_under_its_name(client, klar_pdf, brev):
    client.force_login(UserFactory(organisasjon=brev.virksomhet, rolle="virk_leder"))
    r = client.get(reverse("dokumenter:last_ned", args=[klar_pdf.pk]))
    assert r.status_code == 200 and r["Content-Type"] == "application/pdf"
    assert f'filename="tildelingsbrev-{brev.virksomhet.kortnavn}-2024.pdf"' in r["Content-Disposition"]
    assert b"".join(r.streaming_content).startswith(b"%PDF-")


def test_failed_pdf_shows_the_reason_and_a_retry_button(client, klar_pdf, brev):
    PdfDokument.objects.filter(pk=klar_pdf.pk).update(status="feilet", feilmelding="Dokumentet er tomt.")
    client.force_login(UserFactory(organisasjon=brev.departement))
    html = client.get(reverse("dokumenter:status", args=[klar_pdf.pk])).content.decode()
    assert "Feilet: Dokumentet er tomt." in html and "Prøv igjen" in html and "hx-trigger" not in html
    assert client.get(reverse("dokumenter:last_ned", args=[klar_pdf.pk])).status_code == 404


@pytest.mark.parametrize("hvem, bestill, status, last_ned", [
    ("anonym", 302, 302, 302),
    ("annen_virksomhet", 404, 404, 404),
    ("annet_departement", 404, 404, 404),
    ("egen_virksomhet", 302, 200, 200),
    ("departementet", 302, 200, 200),
    ("observator", 302, 200, 200),
])
def test_access_is_checked_against_the_letter(client, klar_pdf, brev, ko, hvem, bestill, status, last_ned):
    brukere = {
        "annen_virksomhet": UserFactory(virksomhet=True),
        "annet_departement": UserFactory(),
        "egen_virksomhet": UserFactory(organisasjon=brev.virksomhet, rolle="virk_kontakt"),
        "departementet": UserFactory(organisasjon=brev.departement, rolle="dep_redaktor"),
        "observator": UserFactory(observator=True),
    }
    if hvem != "anonym":
        client.force_login(brukere[hvem])
    r = _bestill(client, brev)
    assert r.status_code == bestill
    if hvem == "anonym":
        assert "/logg-inn/" in r["Location"]
    assert client.get(reverse("dokumenter:status", args=[klar_pdf.pk])).status_code == status
    assert client.get(reverse("dokumenter:last_ned", args=[klar_pdf.pk])).status_code == last_ned


def test_agency_cannot_order_or_fetch_a_draft_letters_pdf(client, ko):
    utkast = TildelingsbrevFactory(aar=2025)
    dep = UserFactory(organisasjon=utkast.departement)
    pdf = bestill_pdf(kind="tildelingsbrev", obj=utkast, variant="standard", user=dep)
    render_pdf_task(pdf.pk)
    client.force_login(UserFactory(organisasjon=utkast.virksomhet, rolle="virk_leder"))
    assert _bestill(client, utkast).status_code == 404
    assert client.get(reverse("dokumenter:status", args=[pdf.pk])).status_code == 404
    assert client.get(reverse("dokumenter:last_ned", args=[pdf.pk])).status_code == 404
    client.force_login(dep)
    assert client.get(reverse("dokumenter:last_ned", args=[pdf.pk])).status_code == 200


def test_bad_input_is_refused(client, brev, ko):
    client.force_login(UserFactory(organisasjon=brev.departement))
    url = reverse("dokumenter:bestill")
    r = client.post(url, {"kind": "tildelingsbrev", "object_id": brev.pk, "variant": "pdfx"})
    assert r.status_code == 400 and "Ukjent PDF-variant" in r.content.decode()
    assert client.post(url, {"kind": "ukjent", "object_id": brev.pk, "variant": "standard"}).status_code == 404
    assert client.post(url, {"kind": "tildelingsbrev", "object_id": "x", "variant": "standard"}).status_code == 404
    assert client.get(url).status_code == 405
    assert PdfDokument.objects.count() == 0


def test_include_shows_both_buttons_and_the_latest_state_in_one_query(brev, klar_pdf, django_assert_num_queries):
    request = RequestFactory().get("/brev/1/")
    template = Template('{% include "dokumenter/_pdf.html" with kind="tildelingsbrev" obj=brev %}')
    with django_assert_num_queries(1):
        html = template.render(RequestContext(request, {"brev": brev}))
    assert "Lag PDF" in html and "Lag arkivversjon (PDF/A)" in html
    assert "Ingen arkivversjon er laget ennå." in html  # pdfa not ordered yet
    assert "Klar:" in html and 'name="neste" value="/brev/1/"' in html
    assert "<script" not in html and "style=" not in html
    assert html.count('type="submit"') == 2
    assert html.count('name="csrfmiddlewaretoken"') == 2  # the forms work without JavaScript too


def test_admin_shows_pdfs_read_only_with_history(client, klar_pdf):
    client.force_login(UserFactory(is_superuser=True, is_staff=True, rolle="administrator"))
    assert client.get(reverse("admin:dokumenter_pdfdokument_changelist")).status_code == 200
    r = client.get(reverse("admin:dokumenter_pdfdokument_history", args=[klar_pdf.pk]))
    siste = klar_pdf.history.latest()
    assert siste.status == "klar" and klar_pdf.history.count() >= 3  # ordered, rendering, ready
    assert r.status_code == 200 and f"history/{siste.history_id}/" in r.content.decode()
    assert client.get(reverse("admin:dokumenter_pdfdokument_add")).status_code == 403
