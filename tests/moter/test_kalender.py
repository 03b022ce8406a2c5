"""Every meeting in the letter's calendar is a meeting in the portal: made when the letter or a
tillegg is sent and when a sent letter is read in from the archive; never for a draft, never twice;
an entry changed before a later tillegg moves a meeting not yet held; a meeting planned by hand for
the entry is linked, not duplicated."""

from __future__ import annotations

from datetime import date

import pytest

from arkiv.eksport import export_tildelingsbrev
from arkiv.innlesing import import_tildelingsbrev
from brev.services import brev_godkjenn_og_send, brev_send_til_godkjenning, tillegg_opprett, tillegg_send
from brukere.models import Rolle
from kjerne.historikk import acting_user
from moter import services
from moter.models import Mote, Motetype
from styring.models import Moete
from tests.factories import DepartementFactory, TildelingsbrevFactory, UserFactory, VirksomhetFactory
from tests.moter.verden import holdt_mote, mote

pytestmark = pytest.mark.django_db


@pytest.fixture
def w(db):
    class W:
        pass

    w = W()
    w.dep, w.virk = DepartementFactory(kortnavn="AID"), VirksomhetFactory(kortnavn="IMDi")
    w.red = UserFactory(username="red", organisasjon=w.dep, rolle=Rolle.DEPARTEMENT_REDAKTOR)
    w.godkj = UserFactory(username="godkj", organisasjon=w.dep, rolle=Rolle.DEPARTEMENT_GODKJENNER)
    w.kontakt = UserFactory(username="kontakt", organisasjon=w.virk, rolle=Rolle.VIRKSOMHET_KONTAKT)
    w.brev = TildelingsbrevFactory(virksomhet=w.virk, departement=w.dep, aar=2026)
    return w


def _punkt(brev, user, **kw) -> Moete:
    with acting_user(user):
        return Moete.objects.create(tildelingsbrev=brev, **{"type": "etatsstyringsmote",
                                                            "tittel": "Etatsstyringsmøte vår", **kw})


def _send(w):
    if w.brev.status == "utkast":
        brev_send_til_godkjenning(brev=w.brev, acting_user=w.red)
    brev_godkjenn_og_send(brev=w.brev, acting_user=w.godkj)
    w.brev.refresh_from_db()


def _send_tillegg(w):
    tillegg = tillegg_opprett(brev=w.brev, acting_user=w.red)
    return tillegg_send(tillegg=tillegg, acting_user=w.godkj)


def test_sending_the_letter_makes_each_dated_calendar_entry_a_meeting_and_a_draft_makes_none(w):
    var = _punkt(w.brev, w.red, dato=date(2026, 5, 2))
    _punkt(w.brev, w.red, type="ledersamling", tittel="Ledersamling", dato=date(2026, 10, 1))
    _punkt(w.brev, w.red, type="annet", tittel="Kontaktmøte", dato=date(2026, 6, 1))
    _punkt(w.brev, w.red, type="strategimote", tittel="Strategimøte", dato=None, tidspunkt_tekst="våren 2026")
    brev_send_til_godkjenning(brev=w.brev, acting_user=w.red)
    w.brev.refresh_from_db()
    assert not Mote.objects.exists()  # til godkjenning is still a draft

    _send(w)

    moter = {m.tittel: m for m in Mote.objects.all()}
    assert set(moter) == {"Etatsstyringsmøte vår", "Ledersamling", "Kontaktmøte"}
    assert (moter["Etatsstyringsmøte vår"].type, moter["Etatsstyringsmøte vår"].dato) == (
        Motetype.ETATSSTYRINGSMOTE, date(2026, 5, 2))
    assert moter["Etatsstyringsmøte vår"].kalenderpunkt == var
    assert moter["Ledersamling"].type == Motetype.LEDERSAMLING
    assert moter["Kontaktmøte"].type == Motetype.SAERMOTE
    assert moter["Etatsstyringsmøte vår"].opprettet_av == w.godkj
    assert moter["Etatsstyringsmøte vår"].history.first().history_user == w.godkj
    # The undated entry is left for the ministry to plan by hand.
    assert Moete.objects.filter(portalmote__isnull=True).get().tittel == "Strategimøte"

    # Again (a tillegg sent, the service run twice): no duplicates.
    _send_tillegg(w)
    services.moter_fra_kalender(brev=w.brev, acting_user=w.red)
    assert Mote.objects.count() == 3


def test_an_entry_changed_before_a_later_tillegg_moves_its_meeting_unless_held(w):
    var = _punkt(w.brev, w.red, dato=date(2026, 5, 2))
    host = _punkt(w.brev, w.red, tittel="Etatsstyringsmøte høst", dato=date(2026, 10, 20))
    _send(w)
    holdt = Mote.objects.get(kalenderpunkt=var)
    services.referat_start(mote=holdt, acting_user=w.red)
    planlagt = Mote.objects.get(kalenderpunkt=host)

    with acting_user(w.red):
        for punkt, ny in ((var, date(2026, 5, 9)), (host, date(2026, 10, 27))):
            punkt.dato = ny
            punkt.tittel += " (flyttet)"
            punkt.save()
    tillegg = _send_tillegg(w)

    planlagt.refresh_from_db()
    assert (planlagt.dato, planlagt.tittel) == (date(2026, 10, 27), "Etatsstyringsmøte høst (flyttet)")
    assert planlagt.history.first().history_change_reason == f"Endret i brevets kalender (tillegg nr. {tillegg.nummer})"
    holdt.refresh_from_db()
    assert (holdt.dato, holdt.tittel) == (date(2026, 5, 2), "Etatsstyringsmøte vår")  # held: as it was held
    assert Mote.objects.count() == 2


def test_a_meeting_moved_by_hand_stays_where_the_ministry_put_it_when_the_entry_did_not_change(w):
    punkt = _punkt(w.brev, w.red, dato=date(2026, 5, 2))
    _send(w)
    m = Mote.objects.get(kalenderpunkt=punkt)
    m.dato = date(2026, 5, 6)
    services._lagre(m, w.red)
    _send_tillegg(w)
    m.refresh_from_db()
    assert m.dato == date(2026, 5, 6)


def test_a_meeting_planned_by_hand_is_linked_not_duplicated(w):
    _punkt(w.brev, w.red, dato=date(2026, 5, 2))
    _send(w)
    Mote.objects.all().delete()
    for_haand = mote(w.brev, w.red, dato=date(2026, 5, 2), tittel="Vårmøtet")
    _punkt(w.brev, w.red, type="ledersamling", tittel="Ledersamling", dato=date(2026, 9, 1))
    linket = mote(w.brev, w.red, type=Motetype.LEDERSAMLING, dato=date(2026, 9, 3), tittel="Ledersamlingen",
                  kalenderpunkt=Moete.objects.get(tittel="Ledersamling"))

    _send_tillegg(w)

    assert Mote.objects.count() == 2
    for_haand.refresh_from_db()
    assert for_haand.kalenderpunkt.tittel == "Etatsstyringsmøte vår"
    assert for_haand.tittel == "Vårmøtet"
    linket.refresh_from_db()
    assert linket.dato == date(2026, 9, 3)


def test_a_letter_read_in_as_sent_gets_its_meetings_once(w):
    _punkt(w.brev, w.red, dato=date(2026, 5, 2))
    _send(w)
    holdt_mote(w.brev, w.red, w.kontakt, dato=date(2026, 6, 1))
    data = export_tildelingsbrev(w.brev)
    assert [k["tittel"] for k in data["kalender"]] == ["Etatsstyringsmøte vår"]
    data.update(virksomhet="NYV", organisasjoner=[*data["organisasjoner"],
                                                   {"kortnavn": "NYV", "navn": "Ny virksomhet", "type": "virksomhet"}])

    brev = import_tildelingsbrev(data, user=w.red, opprett_organisasjoner=True)

    mote_ = Mote.objects.get(tildelingsbrev=brev)
    assert (mote_.tittel, mote_.dato, mote_.kalenderpunkt.tildelingsbrev) == ("Etatsstyringsmøte vår",
                                                                             date(2026, 5, 2), brev)
    services.moter_fra_kalender(brev=brev, acting_user=w.red)
    assert Mote.objects.filter(tildelingsbrev=brev).count() == 1

    data["status"] = "utkast"
    data.update(aar=2027)
    utkast = import_tildelingsbrev(data, user=w.red, opprett_organisasjoner=True)
    assert not Mote.objects.filter(tildelingsbrev=utkast).exists()
