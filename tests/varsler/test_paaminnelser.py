"""Reminders before every frist: the right day, the right people, never twice, never lost."""

from datetime import date, datetime, timedelta
from io import StringIO
from zoneinfo import ZoneInfo

import pytest
from django.core import mail
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from oppdrag.frister import parse_frist
from oppdrag.services import apply_frist_text, oppdrag_set_status
from tests.demodata import last_demo
from tests.factories import (
    FristFactory,
    OppdragFactory,
    RapporteringspunktFactory,
    TildelingsbrevFactory,
    UserFactory,
)
from varsler.models import Paaminnelse, Ukesoppsummering, Varselinnstilling
from varsler.paaminnelser import forekomster, horisont, mest_relevante, planlegg
from varsler.services import oppsummering_send, paaminnelser_kjor

pytestmark = pytest.mark.django_db


@pytest.fixture
def brev(db):
    dep_kontakt = UserFactory(username="dep.kontakt")
    b = TildelingsbrevFactory(sendt_brev=True, aar=2024, kontaktperson=dep_kontakt, departement=dep_kontakt.organisasjon)
    virk_kontakt = UserFactory(username="virk.kontakt", organisasjon=b.virksomhet, rolle="virk_kontakt")
    b.virksomhet.kontaktperson = virk_kontakt
    b.virksomhet.save()
    return b


def _oppdrag(brev, *frister, ansvarlig=None, nummer=None, tittel="Kartlegge tolkebehov"):
    kwargs = {"nummer": nummer} if nummer else {}
    o = OppdragFactory(tildelingsbrev=brev, ansvarlig=ansvarlig, tittel=tittel, **kwargs)
    for tekst in frister:
        f = FristFactory.build(oppdrag=o, tildelingsbrev=brev, tekst=tekst)
        apply_frist_text(f, aar=brev.aar, virksomhet_id=brev.virksomhet_id, kontekst=o.tittel)
        f.save()
    return o


def _sent_to(outbox):
    return sorted((m.to[0].split("@")[0], m.subject) for m in outbox)


# --- Lead-time arithmetic --------------------------------------------------------------------

@pytest.mark.parametrize(("igjen", "til_horisont", "forventet"), [
    (20, 20, None), (14, 14, 14), (13, 13, 14), (7, 7, 7), (5, 5, 7), (1, 1, 1), (0, 0, 1), (-1, -1, None),
    (3, 1, 1),  # Friday, frist on Monday: the 1-day reminder goes out on the last working day
])
def test_most_relevant_lead_time(igjen, til_horisont, forventet):
    assert mest_relevante(dager_igjen=igjen, dager_til_horisont=til_horisont, valgte=[14, 7, 1]) == forventet


def test_fridays_cover_the_weekend():
    assert horisont(date(2024, 12, 13)) == date(2024, 12, 15)  # Friday
    assert horisont(date(2024, 12, 12)) == date(2024, 12, 12)


def test_reminders_over_the_turn_of_the_year_and_a_leap_day(brev):
    o = _oppdrag(brev, "02.01.2025", "29.02.2024")
    assert [p.dager for p in planlegg(date(2024, 12, 19)) if p.mottaker == brev.virksomhet.kontaktperson] == [14]
    assert [p.dager for p in planlegg(date(2024, 12, 26)) if p.mottaker == brev.virksomhet.kontaktperson] == [7]
    leap = [p for p in planlegg(date(2024, 2, 22)) if p.mottaker == brev.virksomhet.kontaktperson]
    assert [(p.forekomst.dato, p.dager) for p in leap] == [(date(2024, 2, 29), 7)]
    assert o.frister.count() == 2


def test_frist_on_a_weekend_is_reminded_on_friday(brev):
    _oppdrag(brev, "15.12.2024")  # a Sunday
    planned = [p for p in planlegg(date(2024, 12, 13)) if p.mottaker == brev.virksomhet.kontaktperson]
    assert [(p.dager, p.dager_igjen) for p in planned] == [(1, 2)]
    assert "frist om 2 dager (15.12.2024)" in planned[0].emne
    assert paaminnelser_kjor(dato=date(2024, 12, 13))["sendt"] == 2  # Friday's run sends the 1-day reminder
    # The daily run also fires on Saturday and Sunday: nothing more before the frist …
    assert planlegg(date(2024, 12, 14)) == []
    assert planlegg(date(2024, 12, 15)) == []
    # … and on Monday only the notice that it has passed without delivery.
    assert sorted((p.mottaker.username, p.dager) for p in planlegg(date(2024, 12, 16))) == [
        ("dep.kontakt", Paaminnelse.FORFALT), ("virk.kontakt", Paaminnelse.FORFALT)]


def test_daily_run_is_at_seven_oslo_time_across_the_summer_time_change(settings):
    from celery.schedules import crontab

    oslo = ZoneInfo("Europe/Oslo")
    schedule = settings.CELERY_BEAT_SCHEDULE["paaminnelser-daglig"]["schedule"]
    assert isinstance(schedule, crontab)
    # The night the clocks go forward (31.03.2024): the next run is still 07:00 local time.
    last = datetime(2024, 3, 30, 7, 0, tzinfo=oslo)
    nxt = last + schedule.remaining_delta(last, tz=oslo)[1]
    assert nxt.astimezone(oslo).replace(tzinfo=None) == datetime(2024, 3, 31, 7, 0)


# --- Fuzzy frist forms -----------------------------------------------------------------------

def test_fuzzy_forms_give_dates_and_lopende_never_reminds(brev):
    RapporteringspunktFactory(tildelingsbrev=brev, type="halvaarsrapport", rapport_aar=2024,
                              betegnelse="Halvårsrapport 2024", telletidspunkt=date(2024, 6, 30), frist=date(2024, 8, 31))
    _oppdrag(brev, "Ut 2024", nummer="2024-01")
    _oppdrag(brev, "Første halvdel av 2024", nummer="2024-02")
    _oppdrag(brev, "IMDis halvårsrapport 2024", nummer="2024-03")
    _oppdrag(brev, "Løpende", nummer="2024-04")
    _oppdrag(brev, "Del 2: 01.08.2024 (årlig)", nummer="2024-05")
    by_day = {}
    day = date(2024, 1, 1)
    while day <= date(2025, 12, 31):
        for p in planlegg(day):
            if p.mottaker == brev.virksomhet.kontaktperson and p.dager >= 0:
                by_day.setdefault(p.forekomst.hva.split()[1], set()).add(p.forekomst.dato)
        day += timedelta(days=7)
    assert by_day["2024-01"] == {date(2024, 12, 31)}
    assert by_day["2024-02"] == {date(2024, 6, 30)}
    assert by_day["2024-03"] == {date(2024, 8, 31)}  # the half-year report's deadline in the letter
    assert by_day["2024-05"] == {date(2024, 8, 1), date(2025, 8, 1)}  # recurring yearly
    assert "2024-04" not in by_day


# --- Recipients, content, delivered ----------------------------------------------------------

def test_recipients_and_content(brev):
    eier = UserFactory(username="eier", organisasjon=brev.virksomhet, rolle="virk_oppdragseier", first_name="Ola",
                       last_name="Eier")
    _oppdrag(brev, "Del 1: 30.06.2024", ansvarlig=eier, nummer="2024-07", tittel="Kartlegge tolkebehov")
    _oppdrag(brev, "30.06.2024", nummer="2024-08", tittel="Uten ansvarlig")
    res = paaminnelser_kjor(dato=date(2024, 6, 23))
    assert res["sendt"] == 4
    assert [t for t, _ in _sent_to(mail.outbox)] == ["dep.kontakt", "dep.kontakt", "eier", "virk.kontakt"]
    msg = next(m for m in mail.outbox if m.to == ["eier@example.no"])
    assert msg.subject == "Påminnelse: frist om 7 dager (30.06.2024) – Oppdrag 2024-07 Kartlegge tolkebehov"
    assert "Hei Ola Eier" in msg.body and "«Del 1: 30.06.2024»" in msg.body and "Dato: 30.06.2024" in msg.body
    assert "/oppdrag/" in msg.body
    html = msg.alternatives[0][0]
    assert 'lang="nb"' in html and "om 7 dager" in html


def test_delivered_oppdrag_get_no_more_reminders(brev):
    o = _oppdrag(brev, "30.06.2024")
    oppdrag_set_status(oppdrag=o, status="levert", acting_user=brev.kontaktperson)
    assert planlegg(date(2024, 6, 23)) == []
    assert planlegg(date(2024, 7, 2)) == []  # nor an overdue notice


def test_overdue_notice_once_and_not_for_old_frister(brev):
    _oppdrag(brev, "30.06.2024")
    assert paaminnelser_kjor(dato=date(2024, 7, 2))["sendt"] == 2
    assert all(m.subject.startswith("Frist passert 30.06.2024") for m in mail.outbox)
    assert paaminnelser_kjor(dato=date(2024, 7, 3))["sendt"] == 0
    assert planlegg(date(2024, 8, 30)) == []  # far past: no burst on first deployment


# --- Never twice, never lost -----------------------------------------------------------------

def test_rerun_and_catch_up_after_an_outage(brev):
    _oppdrag(brev, "30.06.2024")
    assert paaminnelser_kjor(dato=date(2024, 6, 16))["sendt"] == 2  # 14 days
    assert paaminnelser_kjor(dato=date(2024, 6, 16))["sendt"] == 0  # re-run: nothing
    # No run from 17.06 to 26.06: the 7-day reminder was missed; the next run sends only it.
    mail.outbox.clear()
    assert paaminnelser_kjor(dato=date(2024, 6, 27))["sendt"] == 2
    assert {m.subject.split(" (")[0] for m in mail.outbox} == {"Påminnelse: frist om 3 dager"}
    assert set(Paaminnelse.objects.values_list("dager", flat=True)) == {14, 7}


def test_outage_past_two_lead_times_sends_one_reminder_not_a_burst(brev):
    _oppdrag(brev, "30.06.2024")
    assert paaminnelser_kjor(dato=date(2024, 6, 29))["sendt"] == 2
    assert list(Paaminnelse.objects.values_list("dager", flat=True).distinct()) == [1]


def _broken_mail(monkeypatch):
    def broken(self, *a, **k):
        raise ConnectionRefusedError("SMTP-tjeneren svarer ikke")

    monkeypatch.setattr("django.core.mail.EmailMessage.send", broken)


def _later(monkeypatch, **delta):
    """Move the clock the services read forward (backoff and stale claims are measured with it)."""
    now = timezone.now()
    monkeypatch.setattr("django.utils.timezone.now", lambda: now + timedelta(**delta))


def _run(*args) -> str:
    out = StringIO()
    call_command("send_reminders", *args, stdout=out)
    return out.getvalue()


def test_failed_send_waits_its_backoff_and_the_next_command_run_sends_it(brev, monkeypatch):
    _oppdrag(brev, "30.06.2024")
    _broken_mail(monkeypatch)
    with pytest.raises(CommandError, match="prøves igjen ved neste kjøring"):
        _run("--date", "2024-06-23")
    rows = list(Paaminnelse.objects.all())
    assert [(r.status, r.forsok) for r in rows] == [("feilet", 1), ("feilet", 1)]
    assert all("SMTP-tjeneren svarer ikke" in r.feil for r in rows)
    assert all(timedelta(seconds=60) <= r.neste_forsok - r.sist_forsok < timedelta(seconds=65) for r in rows)
    monkeypatch.undo()

    assert "0 sendt" in _run("--date", "2024-06-23")  # the backoff is not over: not yet
    assert mail.outbox == []
    _later(monkeypatch, minutes=2)
    out = _run("--date", "2024-06-23")
    assert "2 påminnelse(r) som feilet tidligere, er prøvd på nytt" in out and "0 planlagt, 2 sendt" in out
    assert len(mail.outbox) == 2
    assert set(Paaminnelse.objects.values_list("status", "forsok", "neste_forsok")) == {("sendt", 2, None)}
    assert "0 sendt" in _run("--date", "2024-06-23")  # and never again
    assert len(mail.outbox) == 2


def test_a_row_the_command_failed_is_retried_by_the_celery_task(brev, monkeypatch, celery_eager,
                                                                django_capture_on_commit_callbacks):
    from varsler.tasks import kjor_paaminnelser

    _oppdrag(brev, "30.06.2024")
    _broken_mail(monkeypatch)
    with pytest.raises(CommandError):
        _run("--date", "2024-06-23")
    monkeypatch.undo()
    with django_capture_on_commit_callbacks(execute=True):
        assert kjor_paaminnelser.apply(args=["2024-06-23"]).get() == 0  # the backoff is not over
    assert mail.outbox == []
    _later(monkeypatch, minutes=2)
    with django_capture_on_commit_callbacks(execute=True):
        assert kjor_paaminnelser.apply(args=["2024-06-23"]).get() == 2
    assert len(mail.outbox) == 2
    assert set(Paaminnelse.objects.values_list("status", "forsok")) == {("sendt", 2)}


def test_the_send_task_comes_back_when_the_row_is_due_again(brev, monkeypatch):
    """The task's retry follows the row: after a failure at its ``neste_forsok``; when another
    process holds the row, when that claim would be stale (in case the holder has died)."""
    from celery.exceptions import Retry

    from varsler.services import _claim, paaminnelser_planlegg
    from varsler.tasks import send_paaminnelse

    _oppdrag(brev, "30.06.2024")
    forste, andre = paaminnelser_planlegg(dato=date(2024, 6, 23))
    igjen = []
    monkeypatch.setattr(send_paaminnelse, "retry", lambda **kw: igjen.append(kw["eta"]) or Retry())
    _broken_mail(monkeypatch)
    with pytest.raises(Retry):
        send_paaminnelse(forste.pk, "2024-06-23")
    forste.refresh_from_db()
    assert forste.status == "feilet" and igjen == [forste.neste_forsok]

    token = _claim(andre.pk)  # as another worker would
    with pytest.raises(Retry):
        send_paaminnelse(andre.pk, "2024-06-23")
    andre.refresh_from_db()
    assert (andre.status, andre.krav, andre.forsok) == ("sender", token, 1)  # left alone
    assert igjen[1] == andre.sist_forsok + timedelta(minutes=10, seconds=1)


def test_backoff_doubles_and_a_row_gives_up_visibly_after_the_last_attempt(brev, monkeypatch, settings):
    settings.PAAMINNELSE_MAKS_FORSOK = 3
    _oppdrag(brev, "30.06.2024")
    Varselinnstilling.objects.create(bruker=brev.kontaktperson, paaminnelser=False)  # one row
    _broken_mail(monkeypatch)
    ventet = []
    for minutter in (0, 2, 5, 10):
        _later(monkeypatch, minutes=minutter)
        try:
            _run("--date", "2024-06-23")
        except CommandError:
            pass
        row = Paaminnelse.objects.get()
        ventet.append((row.forsok, row.neste_forsok and (row.neste_forsok - row.sist_forsok) // timedelta(minutes=1)))
    # 1 minute after the first failure, 2 after the second, then no more: three attempts in all.
    assert ventet == [(1, 1), (2, 2), (3, None), (3, None)]
    assert row.status == "feilet" and "SMTP-tjeneren svarer ikke" in row.feil
    assert mail.outbox == []


def test_a_run_that_dies_after_the_server_took_a_mail_resends_only_that_one(brev, monkeypatch):
    """The reclaim path, for real: the run is interrupted inside the send, after the mail server
    has accepted the second message and before the ledger says so (what SIGKILL does at the worst
    moment; tests/rapportering/test_paaminnelser_kill.py does it with a real kill on PostgreSQL)."""
    from django.core.mail.backends.locmem import EmailBackend

    class Drept(BaseException):  # not an Exception: nothing in the run may catch it, like SIGKILL
        pass

    _oppdrag(brev, "30.06.2024", nummer="2024-01")
    _oppdrag(brev, "30.06.2024", nummer="2024-02")
    levert = EmailBackend.send_messages

    def dies_after_the_second(self, messages):
        n = levert(self, messages)
        if len(mail.outbox) == 2:
            raise Drept
        return n

    monkeypatch.setattr(EmailBackend, "send_messages", dies_after_the_second)
    with pytest.raises(Drept):
        _run("--date", "2024-06-23")
    monkeypatch.undo()
    assert len(mail.outbox) == 2
    by_status = {}
    for r in Paaminnelse.objects.order_by("pk"):
        by_status.setdefault(r.status, []).append(r.pk)
    i_luften = int(mail.outbox[1].extra_headers["X-Styringsportalen-Paaminnelse"])
    assert by_status["sender"] == [i_luften]  # exactly one row in flight when the run died
    assert len(by_status["sendt"]) == 1 and len(by_status["planlagt"]) == 2

    # The next run, at once: the claim is fresh (it might be a live run's), so it is left alone.
    out = _run("--date", "2024-06-23")
    assert "0 planlagt, 2 sendt" in out and "avbrutt" not in out
    assert Paaminnelse.objects.get(pk=i_luften).status == "sender"
    # A run after the stale-claim timeout takes it over and sends it again: the one duplicate.
    _later(monkeypatch, minutes=11)
    out = _run("--date", "2024-06-23")
    assert "1 påminnelse(r) som ble avbrutt under sending, er sendt på nytt" in out
    ids = [int(m.extra_headers["X-Styringsportalen-Paaminnelse"]) for m in mail.outbox]
    assert len(ids) == 5 and sorted(set(ids)) == sorted(Paaminnelse.objects.values_list("pk", flat=True))
    assert [i for i in set(ids) if ids.count(i) > 1] == [i_luften]
    assert set(Paaminnelse.objects.values_list("status", flat=True)) == {"sendt"}
    assert Paaminnelse.objects.get(pk=i_luften).forsok == 2
    assert "0 sendt" in _run("--date", "2024-06-23")


def test_a_failed_reminder_that_a_more_urgent_one_has_replaced_is_not_sent_late(brev, monkeypatch):
    _oppdrag(brev, "30.06.2024")
    _broken_mail(monkeypatch)
    with pytest.raises(CommandError):
        _run("--date", "2024-06-16")  # the 14-day reminder fails
    monkeypatch.undo()
    _later(monkeypatch, minutes=5)
    _run("--date", "2024-06-23")  # a week later the 7-day one is due; the 14-day one is stale
    assert sorted(Paaminnelse.objects.values_list("dager", "status")) == [
        (7, "sendt"), (7, "sendt"), (14, "bortfalt"), (14, "bortfalt")]
    assert {m.subject.split(" (")[0] for m in mail.outbox} == {"Påminnelse: frist om 7 dager"}


def test_two_claims_on_one_row_send_once(brev):
    from varsler.services import _claim

    _oppdrag(brev, "30.06.2024")
    call_command("send_reminders", "--date", "2024-06-23", "--dry-run", stdout=StringIO())
    assert Paaminnelse.objects.count() == 0  # dry run writes nothing
    from varsler.services import paaminnelser_planlegg

    rows = paaminnelser_planlegg(dato=date(2024, 6, 23))
    assert paaminnelser_planlegg(dato=date(2024, 6, 23)) == []  # a second run plans nothing new
    assert Paaminnelse.objects.count() == 2
    assert _claim(rows[0].pk) is not None
    assert _claim(rows[0].pk) is None


# --- Line breaks in user text ----------------------------------------------------------------

@pytest.mark.parametrize("tittel", ["Kartlegge\ntolkebehov", "Kartlegge\r\ntolkebehov", "Kartlegge\rtolkebehov",
                                    "Kartlegge \u2028 tolkebehov", "Kartlegge\x0b\x0ctolkebehov\n"])
def test_a_line_break_in_a_title_gives_a_one_line_subject_and_the_reminder_is_sent(brev, tittel):
    _oppdrag(brev, "30.06.2024", nummer="2024-07", tittel=tittel)
    assert "0 feilet" in _run("--date", "2024-06-23")
    assert len(mail.outbox) == 2
    for m in mail.outbox:
        assert m.subject == "Påminnelse: frist om 7 dager (30.06.2024) – Oppdrag 2024-07 Kartlegge tolkebehov"
        assert m.message()["Subject"]  # the real header renders (BadHeaderError before)
    assert set(Paaminnelse.objects.values_list("status", "emne")) == {
        ("sendt", "Påminnelse: frist om 7 dager (30.06.2024) – Oppdrag 2024-07 Kartlegge tolkebehov")}


def test_a_ledger_row_stored_with_a_line_break_before_the_fix_is_sent_on_retry(brev):
    """Rows that failed with BadHeaderError keep their old subject; the retry builds a clean one."""
    o = _oppdrag(brev, "30.06.2024", nummer="2024-08", tittel="Gammel\ntittel")
    Paaminnelse.objects.create(kilde="frist", kilde_id=o.frister.get().pk, forfallsdato=date(2024, 6, 30), dager=7,
                               mottaker=brev.kontaktperson, planlagt_dato=date(2024, 6, 23), status="feilet",
                               forsok=1, emne="Påminnelse: … Oppdrag 2024-08 Gammel\ntittel",
                               feil="BadHeaderError: Header values can't contain newlines")
    _run("--date", "2024-06-23")
    assert sorted(m.subject for m in mail.outbox) == 2 * [
        "Påminnelse: frist om 7 dager (30.06.2024) – Oppdrag 2024-08 Gammel tittel"]
    assert set(Paaminnelse.objects.values_list("status", flat=True)) == {"sendt"}


def test_en_linje_folds_every_kind_of_line_break():
    from varsler.epost import en_linje

    assert en_linje("a\nb\r\nc\rd\x0be\x0cf\x1cg\x85h\u2028i\u2029j\tk\x00l  ") == "a b c d e f g h i j k l"
    assert en_linje("Ærlig talt – «riktig»") == "Ærlig talt – «riktig»"


# --- Choices ---------------------------------------------------------------------------------

def test_opting_out_and_choosing_lead_times(brev):
    _oppdrag(brev, "30.06.2024")
    kontakt = brev.virksomhet.kontaktperson
    Varselinnstilling.objects.create(bruker=kontakt, dager=[1])
    Varselinnstilling.objects.create(bruker=brev.kontaktperson, paaminnelser=False)
    assert planlegg(date(2024, 6, 16)) == []
    assert [(p.mottaker, p.dager) for p in planlegg(date(2024, 6, 29))] == [(kontakt, 1)]


def test_settings_page(client, brev):
    kontakt = brev.virksomhet.kontaktperson
    client.force_login(kontakt)
    page = client.get("/innstillinger/varsler/")
    assert page.status_code == 200 and "Hvor mange dager før fristen" in page.content.decode()
    bad = client.post("/innstillinger/varsler/", {"paaminnelser": "on"})
    assert "Velg minst én dag" in bad.content.decode()
    assert not Varselinnstilling.objects.filter(bruker=kontakt).exists()
    ok = client.post("/innstillinger/varsler/", {"paaminnelser": "on", "dager": ["7", "1"], "forfalt": "on"})
    assert ok.status_code == 302
    assert Varselinnstilling.objects.get(bruker=kontakt).dager == [7, 1]


def test_settings_page_needs_login(client):
    assert client.get("/innstillinger/varsler/").status_code == 302


# --- Digest ----------------------------------------------------------------------------------

def test_weekly_digest_content_and_once_per_week(brev):
    dep = brev.kontaktperson
    _oppdrag(brev, "30.06.2024", nummer="2024-10", tittel="Kommende oppdrag")
    sent = _oppdrag(brev, "10.06.2024", nummer="2024-11", tittel="Forsinket oppdrag")
    oppdrag_set_status(oppdrag=sent, status="paagaar", risiko="rod", risiko_tekst="Mangler data", acting_user=dep)
    Varselinnstilling.objects.create(bruker=dep, ukentlig_oppsummering=True)
    assert oppsummering_send(bruker=dep, dato=date(2024, 6, 17)) == "sendt"
    assert oppsummering_send(bruker=dep, dato=date(2024, 6, 18)) == "sendt"  # same week: not again
    assert len(mail.outbox) == 1
    body = mail.outbox[0].body
    assert mail.outbox[0].subject.startswith("Ukeoversikt uke 25")
    kommende, forfalt, risiko = body.split("Passerte frister")[0], body.split("Passerte frister")[1].split(
        "Oppdrag med rød")[0], body.split("Oppdrag med rød")[1]
    assert "30.06.2024  Oppdrag 2024-10 Kommende oppdrag" in kommende
    assert "10.06.2024  Oppdrag 2024-11 Forsinket oppdrag" in forfalt
    assert "Rød:" in risiko and "2024-11 Forsinket oppdrag" in risiko
    assert Ukesoppsummering.objects.get().status == "sendt"


# --- Operators -------------------------------------------------------------------------------

def test_send_reminders_command_on_the_demo(db):
    last_demo()
    out = StringIO()
    call_command("send_reminders", "--date", "2024-06-17", "--dry-run", stdout=out)
    assert "Oppdrag 2024-13" in out.getvalue() and "frist om 13 dager (30.06.2024)" in out.getvalue()
    assert Paaminnelse.objects.count() == 0
    out = StringIO()
    call_command("send_reminders", "--date", "2024-06-17", stdout=out)
    assert "sendt" in out.getvalue() and len(mail.outbox) == Paaminnelse.objects.filter(status="sendt").count() > 0
    with pytest.raises(CommandError, match="Ugyldig dato"):
        call_command("send_reminders", "--date", "17.06.2024")


def test_finding_what_is_due_takes_a_fixed_number_of_queries(brev):
    def run():
        with CaptureQueriesContext(connection) as ctx:
            planlegg(date(2024, 6, 23))
        return len(ctx.captured_queries)

    _oppdrag(brev, "30.06.2024")
    few = run()
    for i in range(30):
        _oppdrag(brev, "30.06.2024", "Del 2: 28.06.2024", nummer=f"2024-{20 + i}")
    assert run() == few


def test_parse_and_plan_agree_on_recurring_tertial(brev):
    _oppdrag(brev, "F.o.m 20.03.24", tittel="Tertialvis analyse av status")
    assert parse_frist("F.o.m 20.03.24", aar=2024, kontekst="Tertialvis").intervall_mnd == 4
    datoer = {p.forekomst.dato for d in (date(2024, 3, 19), date(2024, 7, 19), date(2024, 11, 19))
              for p in planlegg(d)}
    assert datoer == {date(2024, 3, 20), date(2024, 7, 20), date(2024, 11, 20)}


def test_utkast_til_tillegg_gir_ingen_paaminnelser():
    """An oppdrag or a new frist in a tillegg that is not sent yet is not the agency's business."""
    from styring.models import Tillegg

    brev = TildelingsbrevFactory(sendt_brev=True, aar=2024)
    tillegg = Tillegg.objects.create(tildelingsbrev=brev, nummer=1, tittel="Tillegg 1")
    o = OppdragFactory(tildelingsbrev=brev, tillegg=tillegg)
    FristFactory(oppdrag=o, tildelingsbrev=brev, tillegg=tillegg, dato=date(2024, 6, 20), tekst="20.06.2024")
    assert forekomster(date(2024, 6, 1), date(2024, 6, 30)) == []
    tillegg.status, tillegg.sendt = "sendt", timezone.now()
    tillegg.save()
    assert [f.dato for f in forekomster(date(2024, 6, 1), date(2024, 6, 30))] == [date(2024, 6, 20)]


def test_rapportfrist_minner_til_rapporten_er_sendt_og_varsler_naar_den_er_passert(brev):
    """A halvårsrapport not sent by its deadline gets the overdue notice; once sent, nothing more."""
    from rapportering.services import rapport_opprett, rapport_send

    RapporteringspunktFactory(tildelingsbrev=brev, type="halvaarsrapport", rapport_aar=2024,
                              betegnelse="Halvårsrapport 2024", telletidspunkt=date(2024, 6, 30),
                              frist=date(2024, 8, 15))
    planlagt = planlegg(date(2024, 8, 16))
    assert sorted((p.mottaker.username, p.dager) for p in planlagt) == [("dep.kontakt", Paaminnelse.FORFALT),
                                                                        ("virk.kontakt", Paaminnelse.FORFALT)]
    assert "Frist passert 15.08.2024: Halvårsrapport 2024" in planlagt[0].emne
    leder = UserFactory(username="virk.leder", organisasjon=brev.virksomhet, rolle="virk_leder")
    rapport_send(rapport=rapport_opprett(punkt=brev.rapporteringspunkter.get(), user=leder), user=leder)
    assert planlegg(date(2024, 8, 16)) == []
    assert planlegg(date(2024, 8, 14)) == []  # nor a reminder before the deadline once it is in
