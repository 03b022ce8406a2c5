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
from rapportering.models import Paaminnelse, Ukesoppsummering, Varselinnstilling
from rapportering.paaminnelser import forekomster, horisont, mest_relevante, planlegg
from rapportering.services import oppsummering_send, paaminnelser_kjor, paaminnelser_rydd
from tests.factories import (
    FristFactory,
    OppdragFactory,
    RapporteringspunktFactory,
    TildelingsbrevFactory,
    UserFactory,
)

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
    assert planlegg(date(2024, 12, 14)) == [] or all(p.dager != 1 for p in planlegg(date(2024, 12, 16)))


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


def test_failed_send_is_recorded_and_retried_not_lost(brev, monkeypatch):
    _oppdrag(brev, "30.06.2024")

    def broken(self, *a, **k):
        raise ConnectionRefusedError("SMTP-tjeneren svarer ikke")

    monkeypatch.setattr("django.core.mail.EmailMessage.send", broken)
    res = paaminnelser_kjor(dato=date(2024, 6, 23))
    assert res["feilet"] == 2
    row = Paaminnelse.objects.first()
    assert (row.status, row.forsok) == ("feilet", 1) and "SMTP-tjeneren svarer ikke" in row.feil
    monkeypatch.undo()
    from rapportering.services import paaminnelse_send

    for p in Paaminnelse.objects.all():
        assert paaminnelse_send(paaminnelse_id=p.pk) == "sendt"
    assert len(mail.outbox) == 2
    assert set(Paaminnelse.objects.values_list("status", "forsok")) == {("sendt", 2)}


def test_crash_between_sending_and_recording_is_resent_once(brev):
    """The one window that is not exactly-once: the mail server accepted, the ledger says 'sender'."""
    _oppdrag(brev, "30.06.2024")
    paaminnelser_kjor(dato=date(2024, 6, 23))
    row = Paaminnelse.objects.first()
    Paaminnelse.objects.filter(pk=row.pk).update(status="sender", sist_forsok=row.sendt - timedelta(hours=1))
    assert paaminnelser_rydd() == [row.pk]
    from rapportering.services import paaminnelse_send

    assert paaminnelse_send(paaminnelse_id=row.pk) == "sendt"
    assert paaminnelse_send(paaminnelse_id=row.pk) == "sendt"  # a second attempt does nothing
    assert len(mail.outbox) == 3  # 2 first, 1 resent after the crash


def test_two_claims_on_one_row_send_once(brev):
    from rapportering.services import _claim

    _oppdrag(brev, "30.06.2024")
    call_command("send_reminders", "--date", "2024-06-23", "--dry-run", stdout=StringIO())
    assert Paaminnelse.objects.count() == 0  # dry run writes nothing
    from rapportering.services import paaminnelser_planlegg

    rows = paaminnelser_planlegg(dato=date(2024, 6, 23))
    assert paaminnelser_planlegg(dato=date(2024, 6, 23)) == []  # a second run plans nothing new
    assert Paaminnelse.objects.count() == 2
    assert _claim(rows[0].pk) is True
    assert _claim(rows[0].pk) is False


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
    call_command("load_demo", stdout=StringIO())
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
    from rapporter.services import rapport_opprett, rapport_send

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
