"""Ordering and rendering: content-hash skip, a broker that is down, idempotent renders, failures.

A render killed mid-way (a second run refused while it lives, the sweep taking it over once it is
dead) is tested with a real process killed by SIGKILL in test_tjenester.py."""

from pathlib import Path

import pytest

from dokumenter import registry
from dokumenter.models import PdfDokument
from dokumenter.services import bestill_pdf, innholdshash, pdf_sweep
from dokumenter.tasks import render_pdf_task, sweep_pdf
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def dep(brev):
    return UserFactory(organisasjon=brev.departement)


def _filer(media: Path) -> list[Path]:
    return sorted(p for p in media.rglob("*.pdf"))


def test_second_order_without_changes_does_not_render_again(brev, dep, ko, media,
                                                             django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        pdf = bestill_pdf(kind="tildelingsbrev", obj=brev, variant="standard", user=dep)
    assert ko.sendt == [pdf.pk]
    pdf.refresh_from_db()
    assert pdf.status == "i_ko" and pdf.bestilt_av == dep
    assert render_pdf_task(pdf.pk) == "klar"
    pdf.refresh_from_db()
    assert (pdf.status, pdf.forsok) == ("klar", 1) and pdf.sider >= 2 and pdf.storrelse > 1000
    assert pdf.fil.name.endswith(f"tildelingsbrev-{brev.pk}-standard-{pdf.innholdshash[:16]}.pdf")

    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        igjen = bestill_pdf(kind="tildelingsbrev", obj=brev, variant="standard", user=dep)
    assert igjen.pk == pdf.pk and igjen.status == "klar"
    assert callbacks == [] and ko.sendt == [pdf.pk]  # nothing enqueued, nothing rendered

    brev.avsnitt.create(nummer="1", tittel="Innledning", tekst="Ny tekst i brevet.")
    with django_capture_on_commit_callbacks(execute=True):
        endret = bestill_pdf(kind="tildelingsbrev", obj=brev, variant="standard", user=dep)
    assert endret.pk == pdf.pk and endret.innholdshash != pdf.innholdshash
    assert ko.sendt == [pdf.pk, pdf.pk]
    assert render_pdf_task(pdf.pk) == "klar"
    endret.refresh_from_db()
    assert endret.forsok == 2 and endret.fil.name != pdf.fil.name
    assert len(_filer(media)) == 2  # the earlier version is kept beside the new one
    # The PDF shows up in history: ordered, rendering, ready.
    statuser = list(PdfDokument.history.filter(id=pdf.pk).order_by("history_id").values_list("status", flat=True))
    assert statuser[:3] == ["venter", "lager", "klar"] and statuser[-1] == "klar"
    assert set(PdfDokument.history.filter(id=pdf.pk).values_list("history_user", flat=True)) == {dep.pk}


def test_an_order_while_a_render_waits_builds_nothing_and_the_render_takes_the_current_content(
        brev, dep, ko, media, monkeypatch, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        pdf = bestill_pdf(kind="tildelingsbrev", obj=brev, variant="standard", user=dep)
    pdf.refresh_from_db()
    assert pdf.status == "i_ko" and ko.sendt == [pdf.pk]

    dokumenttype = registry.get("tildelingsbrev")
    ekte_bygg, bygget = dokumenttype.bygg, []
    monkeypatch.setattr(dokumenttype, "bygg", lambda obj: bygget.append(obj.pk) or ekte_bygg(obj))
    brev.avsnitt.create(nummer="1", tittel="Innledning", tekst="Endret mens PDF-en ventet i køen.")
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        igjen = bestill_pdf(kind="tildelingsbrev", obj=brev, variant="standard", user=dep)
    assert igjen.pk == pdf.pk and igjen.status == "i_ko"
    assert bygget == [] and callbacks == [] and ko.sendt == [pdf.pk]  # no build, no second message

    assert render_pdf_task(pdf.pk) == "klar"  # the waiting render builds what is current when it starts
    pdf.refresh_from_db()
    assert pdf.innholdshash == innholdshash(ekte_bygg(brev).html, "standard") and pdf.forsok == 1


def test_the_variants_are_separate_documents(brev, dep, ko, media, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        a = bestill_pdf(kind="tildelingsbrev", obj=brev, variant="standard", user=dep)
        b = bestill_pdf(kind="tildelingsbrev", obj=brev, variant="pdfa", user=dep)
    assert a.pk != b.pk
    assert sorted(ko.sendt) == sorted([a.pk, b.pk])
    assert render_pdf_task(a.pk) == render_pdf_task(b.pk) == "klar"
    a.refresh_from_db()
    b.refresh_from_db()
    assert a.innholdshash != b.innholdshash and a.fil.name != b.fil.name


def test_a_first_order_records_the_names_without_building_the_document(brev, dep, ko, media, monkeypatch,
                                                                        django_capture_on_commit_callbacks):
    """Building the letter only to hash it was the whole cost of a first order; the render builds it
    anyway. The order still records the title and download name the finished PDF gets."""
    dokumenttype = registry.get("tildelingsbrev")
    ekte_bygg, bygget = dokumenttype.bygg, []
    monkeypatch.setattr(dokumenttype, "bygg", lambda obj: bygget.append(obj.pk) or ekte_bygg(obj))
    with django_capture_on_commit_callbacks(execute=True):
        pdf = bestill_pdf(kind="tildelingsbrev", obj=brev, variant="standard", user=dep)
    assert bygget == [] and ko.sendt == [pdf.pk]
    pdf.refresh_from_db()
    bestilt = (pdf.tittel, pdf.filnavn)
    assert bestilt == ("Tildelingsbrev til Testdirektoratet for 2024",
                       f"tildelingsbrev-{brev.virksomhet.kortnavn}-{brev.aar}.pdf")
    assert str(pdf) == "Tildelingsbrev til Testdirektoratet for 2024 (Vanlig PDF)"
    assert render_pdf_task(pdf.pk) == "klar"
    pdf.refresh_from_db()
    assert bygget == [brev.pk] and (pdf.tittel, pdf.filnavn) == bestilt  # the render names it the same


def test_an_order_during_a_render_of_the_same_content_waits_for_that_render(brev, dep, ko, monkeypatch, media,
                                                                              django_capture_on_commit_callbacks):
    """The render records the hash of what it builds before the slow part, so an unchanged order placed
    while it runs is that render's, not a second one."""
    from dokumenter import services

    with django_capture_on_commit_callbacks(execute=True):
        pdf = bestill_pdf(kind="tildelingsbrev", obj=brev, variant="standard", user=dep)
    ekte_render, underveis = services.render_pdf_med_sider, []

    def bestill_underveis(*args, **kwargs):
        with django_capture_on_commit_callbacks(execute=True) as callbacks:
            underveis.append(bestill_pdf(kind="tildelingsbrev", obj=brev, variant="standard", user=dep))
        underveis.append(callbacks)
        return ekte_render(*args, **kwargs)

    monkeypatch.setattr(services, "render_pdf_med_sider", bestill_underveis)
    assert render_pdf_task(pdf.pk) == "klar"  # the order in between did not take the render's claim
    igjen, callbacks = underveis
    assert igjen.status == "lager" and callbacks == [] and ko.sendt == [pdf.pk]
    pdf.refresh_from_db()
    assert pdf.forsok == 1 and len(_filer(media)) == 1


def test_broker_down_leaves_the_order_waiting_and_the_sweep_enqueues_it(brev, dep, ko,
                                                                       django_capture_on_commit_callbacks):
    ko.nede = True
    with django_capture_on_commit_callbacks(execute=True):
        pdf = bestill_pdf(kind="tildelingsbrev", obj=brev, variant="pdfa", user=dep)
    pdf.refresh_from_db()
    assert pdf.status == "venter" and ko.sendt == []
    assert pdf_sweep() == []  # still down: still waiting, nothing lost
    pdf.refresh_from_db()
    assert pdf.status == "venter"

    ko.nede = False
    assert sweep_pdf() == 1
    pdf.refresh_from_db()
    assert pdf.status == "i_ko" and ko.sendt == [pdf.pk]
    assert sweep_pdf() == 0  # freshly queued rows are left alone
    assert render_pdf_task(pdf.pk) == "klar"


def test_running_the_task_twice_yields_one_file_and_one_ready_state(brev, dep, ko, media):
    pdf = bestill_pdf(kind="tildelingsbrev", obj=brev, variant="pdfa", user=dep)
    assert render_pdf_task(pdf.pk) == "klar"
    assert render_pdf_task(pdf.pk) == "klar"  # a duplicate message: nothing to claim
    pdf.refresh_from_db()
    assert pdf.forsok == 1
    assert len(_filer(media)) == 1
    assert PdfDokument.objects.count() == 1


def test_a_changed_document_ordered_during_a_render_is_not_overwritten_by_the_old_render(brev, dep, ko, monkeypatch,
                                                                                        media):
    from dokumenter import services

    pdf = bestill_pdf(kind="tildelingsbrev", obj=brev, variant="standard", user=dep)
    ekte_render = services.render_pdf_med_sider

    def endre_underveis(*args, **kwargs):
        brev.avsnitt.create(nummer="1", tittel="Innledning", tekst="Endret mens PDF-en ble laget.")
        bestill_pdf(kind="tildelingsbrev", obj=brev, variant="standard", user=dep)
        return ekte_render(*args, **kwargs)

    monkeypatch.setattr(services, "render_pdf_med_sider", endre_underveis)
    assert render_pdf_task(pdf.pk) == "venter"  # the old render may not record its result
    monkeypatch.undo()
    assert render_pdf_task(pdf.pk) == "klar"
    pdf.refresh_from_db()
    assert pdf.forsok == 2
    assert len(_filer(media)) == 1  # the old render's file was not kept


def test_a_failed_render_records_a_norwegian_reason_and_can_be_retried(brev, dep, ko):
    registry.register("tomt", model="styring.Tildelingsbrev",
                      bygg=lambda obj: registry.Bygget(html=" ", tittel="Tomt", filnavn="tomt.pdf"),
                      synlige=lambda user: brev.__class__.objects.for_user(user))
    try:
        pdf = bestill_pdf(kind="tomt", obj=brev, variant="standard", user=dep)
        assert render_pdf_task(pdf.pk) == "feilet"
        pdf.refresh_from_db()
        assert pdf.status == "feilet" and "Dokumentet er tomt" in pdf.feilmelding
        retry = bestill_pdf(kind="tomt", obj=brev, variant="standard", user=dep)  # "Prøv igjen"
        assert retry.status == "venter" and retry.feilmelding == ""
    finally:
        registry._TYPER.pop("tomt")


def test_a_deleted_document_fails_with_a_reason(brev, dep, ko):
    pdf = bestill_pdf(kind="tildelingsbrev", obj=brev, variant="standard", user=dep)
    PdfDokument.objects.filter(pk=pdf.pk).update(object_id=10**9)
    assert render_pdf_task(pdf.pk) == "feilet"
    pdf.refresh_from_db()
    assert pdf.feilmelding == "Dokumentet finnes ikke lenger."


def test_unknown_kind_and_variant_are_refused(brev, dep):
    with pytest.raises(registry.UkjentDokumenttype, match="Ukjent dokumenttype «brev»"):
        bestill_pdf(kind="brev", obj=brev, variant="standard", user=dep)
    with pytest.raises(ValueError, match="Ukjent PDF-variant"):
        bestill_pdf(kind="tildelingsbrev", obj=brev, variant="pdfx", user=dep)
