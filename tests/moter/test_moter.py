"""Meetings: the agenda drafted from what needs discussing, the minutes' workflow and lock,
decisions becoming oppdrag in the next tillegg or oppfølgingspunkter that remind and return to the
next agenda, documents, the pages and their query counts."""

from __future__ import annotations

from datetime import date

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from brukere.models import Rolle
from moter import services
from moter.dagsorden import dagsorden
from moter.models import Mote, Sak, Vedtak
from oppdrag.models import Oppdrag
from oppdrag.services import oppdrag_set_status
from tests.factories import (
    DepartementFactory,
    OppdragFactory,
    TildelingsbrevFactory,
    UserFactory,
    VirksomhetFactory,
)
from tests.moter.verden import holdt_mote, mote

pytestmark = pytest.mark.django_db


@pytest.fixture
def w(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path

    class W:
        pass

    w = W()
    w.dep = DepartementFactory(kortnavn="AID")
    w.dep2 = DepartementFactory(kortnavn="KD")
    w.virk = VirksomhetFactory(kortnavn="IMDi")
    w.red = UserFactory(username="red", organisasjon=w.dep, rolle=Rolle.DEPARTEMENT_REDAKTOR)
    w.godkj = UserFactory(username="godkj", organisasjon=w.dep, rolle=Rolle.DEPARTEMENT_GODKJENNER)
    w.kd = UserFactory(username="kd", organisasjon=w.dep2, rolle=Rolle.DEPARTEMENT_GODKJENNER)
    w.kontakt = UserFactory(username="kontakt", organisasjon=w.virk, rolle=Rolle.VIRKSOMHET_KONTAKT)
    w.leder = UserFactory(username="leder", organisasjon=w.virk, rolle=Rolle.VIRKSOMHET_LEDER)
    w.virk.kontaktperson = w.kontakt
    w.virk.save()
    w.brev = TildelingsbrevFactory(virksomhet=w.virk, departement=w.dep, aar=2024, sendt_brev=True,
                                   kontaktperson=w.red)
    w.brev_kd = TildelingsbrevFactory(virksomhet=w.virk, departement=w.dep2, aar=2025, sendt_brev=True)
    return w


def _klient(user) -> Client:
    c = Client()
    c.force_login(user)
    return c


# --- the agenda ----------------------------------------------------------------------------------

def test_dagsorden_tar_med_rode_og_gule_oppdrag_fra_eget_departement(w):
    rod = OppdragFactory(tildelingsbrev=w.brev, nummer="2024-01", tittel="Forsinket kartlegging")
    gronn = OppdragFactory(tildelingsbrev=w.brev, nummer="2024-02", tittel="I rute")
    kd = OppdragFactory(tildelingsbrev=w.brev_kd, nummer="2024-03", tittel="KDs gule oppdrag")
    for o, risiko in ((rod, "rod"), (gronn, "gronn"), (kd, "gul")):
        oppdrag_set_status(oppdrag=o, status="paagaar", risiko=risiko, risiko_tekst="Vurdering",
                           gjelder_dato=date(2024, 5, 1), acting_user=w.kontakt)
    m = mote(w.brev, w.red, dato=date(2024, 6, 1))
    titler = [p.tittel for p in dagsorden(m, w.red)]
    assert titler == ["Oppdrag 2024-01 Forsinket kartlegging"]  # not green, not KD's


def test_avvik_fra_sendt_rapport_men_ikke_fra_utkast(w):
    from rapportering.services import rapport_opprett, rapport_send
    from tests.factories import MaalFactory, RapporteringspunktFactory, StyringsparameterFactory

    maal = MaalFactory(tildelingsbrev=w.brev, nummer=1)
    StyringsparameterFactory(maal=maal, kode="SP 1", tekst="Andel i arbeid")
    punkt = RapporteringspunktFactory(tildelingsbrev=w.brev, type="aarsrapport", rapport_aar=2024)
    rapport = rapport_opprett(punkt=punkt, user=w.kontakt)
    rapport.parameterresultater.update(risiko="rod", vurdering="Langt under målet.")
    m = mote(w.brev, w.red, dato=date(2025, 5, 1), grunnlag=rapport)
    assert [p for p in dagsorden(m, w.red) if p.kilde == Sak.Kilde.AVVIK] == []  # the agency's draft
    rapport_send(rapport=rapport, user=w.leder)
    m.refresh_from_db()
    avvik = [p for p in dagsorden(m, w.red) if p.kilde == Sak.Kilde.AVVIK]
    assert [(p.tittel, p.beskrivelse) for p in avvik] == [
        ("Årsrapport 2024: SP 1 Andel i arbeid", "Rød. Langt under målet.")]


def test_aapne_punkter_kommer_tilbake_paa_neste_dagsorden_til_de_er_lukket(w):
    var = holdt_mote(w.brev, w.red, w.kontakt, dato=date(2024, 5, 2), punkt="Revidert leveranseplan",
                     frist=date(2024, 9, 15))
    host = mote(w.brev, w.red, dato=date(2024, 10, 24))
    kd_mote = mote(w.brev_kd, w.kd, dato=date(2024, 10, 25))
    assert [p.tittel for p in dagsorden(host, w.red)] == [
        f"Oppfølgingspunkt fra etatsstyringsmøte {var.dato:%d.%m.%Y}: Revidert leveranseplan"]
    assert dagsorden(kd_mote, w.kd) == []  # another ministry's meeting gets nothing of AID's
    punkt = var.vedtak.get(art="oppfolging")
    services.punkt_oppdater(vedtak=punkt, status="utfort", tekst="Planen er sendt.", acting_user=w.kontakt)
    assert len(dagsorden(host, w.red)) == 1  # done by the agency, still open until the ministry closes it
    with pytest.raises(ValidationError, match="Bare departementet kan lukke"):
        services.punkt_oppdater(vedtak=punkt, status="lukket", tekst="Ferdig.", acting_user=w.kontakt)
    services.punkt_oppdater(vedtak=punkt, status="lukket", tekst="Godtatt.", acting_user=w.red)
    assert dagsorden(host, w.red) == []


def test_forslag_til_dagsorden_innen_fristen_og_laast_naar_referatet_begynner(w):
    m = mote(w.brev, w.red, dato=date(2024, 5, 2), dagsorden_frist=date(2024, 4, 18))
    services.sak_foreslaa(mote=m, acting_user=w.kontakt, tittel="Bosetting 2025", idag=date(2024, 4, 18))
    with pytest.raises(ValidationError, match="Fristen for å foreslå saker til dagsorden var 18.04.2024"):
        services.sak_foreslaa(mote=m, acting_user=w.kontakt, tittel="For sent", idag=date(2024, 4, 19))
    services.sak_foreslaa(mote=m, acting_user=w.red, tittel="Departementets sak", idag=date(2024, 4, 30))
    with pytest.raises(PermissionDenied):
        services.sak_foreslaa(mote=m, acting_user=w.kd, tittel="KD", idag=date(2024, 4, 1))
    services.referat_start(mote=m, acting_user=w.red)
    m.refresh_from_db()
    assert [s.tittel for s in m.saker.all()] == ["Bosetting 2025", "Departementets sak"]
    assert "Sak 1: Bosetting 2025" in m.referat.tekst
    with pytest.raises(ValidationError, match="Møtet er holdt"):
        services.sak_foreslaa(mote=m, acting_user=w.red, tittel="Etterpå", idag=date(2024, 4, 30))


# --- the minutes ---------------------------------------------------------------------------------

def test_referatet_er_departementets_til_det_sendes_og_laases_naar_begge_har_godkjent(w):
    m = holdt_mote(w.brev, w.red, w.kontakt, sendt=False, tekst="Utkast fra departementet.")
    side = _klient(w.kontakt).get(f"/moter/{m.pk}/referat/")
    assert side.status_code == 404
    assert "Utkast fra departementet" not in _klient(w.kontakt).get(f"/moter/{m.pk}/").content.decode()
    with pytest.raises(ValidationError, match="sendes til virksomheten før"):
        services.referat_godkjenn(mote=m, acting_user=w.leder)
    services.referat_send(mote=m, acting_user=w.red)
    assert "Utkast fra departementet" in _klient(w.kontakt).get(f"/moter/{m.pk}/referat/").content.decode()
    services.referat_merknad(mote=m, tekst="Presiser sak 2.", acting_user=w.kontakt)
    services.referat_godkjenn(mote=m, acting_user=w.leder)
    # The ministry changes the text after the agency approved: the agency must approve again.
    r = _klient(w.red).post(f"/moter/{m.pk}/referat/", {
        "referat-tekst": "Rettet etter merknaden.", "referat-versjon": _versjon(m.referat)})
    assert r.status_code == 302
    m.referat.refresh_from_db()
    assert m.referat.godkjent_virksomhet is None and m.referat.status == "til_kommentar"
    services.referat_godkjenn(mote=m, acting_user=w.godkj)
    assert m.referat.__class__.objects.get(pk=m.referat.pk).status == "til_kommentar"
    services.referat_godkjenn(mote=m, acting_user=w.leder)
    m.referat.refresh_from_db()
    assert m.referat.status == "godkjent"
    r = _klient(w.red).post(f"/moter/{m.pk}/referat/", {"referat-tekst": "Endret etterpå.",
                                                          "referat-versjon": _versjon(m.referat)})
    assert r.status_code == 403
    m.referat.refresh_from_db()
    assert m.referat.tekst == "Rettet etter merknaden."
    with pytest.raises(ValidationError, match="godkjent av begge parter"):
        services.vedtak_lagre(vedtak=Vedtak(mote=m, art="oppfolging", tittel="For sent", ansvarlig=w.kontakt,
                                            frist=date(2025, 1, 1)), acting_user=w.red)
    # The history holds each step, with who did it.
    grunner = list(m.referat.history.order_by("history_date").values_list("history_change_reason", "history_user"))
    assert ("Godkjent av begge parter og låst", w.leder.pk) in [(g, u) for g, u in grunner]


def _versjon(referat) -> str:
    from kjerne.konflikt import signer

    return signer(type(referat).objects.get(pk=referat.pk), ["tekst"])


def test_oppfolgingspunkt_krever_ansvarlig_og_frist_med_norsk_melding(w):
    m = holdt_mote(w.brev, w.red, w.kontakt, sendt=False, vedtak=False)
    r = _klient(w.red).post(f"/moter/{m.pk}/vedtak/ny/", {"vedtak-art": "oppfolging", "vedtak-tittel": "Følg opp"})
    assert r.status_code == 400
    side = r.content.decode()
    assert "Et oppfølgingspunkt må ha en frist." in side and "Et oppfølgingspunkt må ha en ansvarlig." in side
    assert not m.vedtak.exists()
    r = _klient(w.red).post(f"/moter/{m.pk}/vedtak/ny/", {
        "vedtak-art": "oppfolging", "vedtak-tittel": "Følg opp", "vedtak-ansvarlig": w.leder.pk,
        "vedtak-frist": "15. september 2024"})
    assert r.status_code == 302
    assert m.vedtak.get().frist == date(2024, 9, 15)


# --- decisions become oppdrag and reminders ------------------------------------------------------

def test_vedtak_blir_oppdrag_i_neste_utkast_til_tillegg(w):
    OppdragFactory(tildelingsbrev=w.brev, nummer="2024-07")
    m = holdt_mote(w.brev, w.red, w.kontakt)
    vedtak = m.vedtak.get(art="oppdrag")
    with pytest.raises(PermissionDenied):
        services.vedtak_til_oppdrag(vedtak=vedtak, acting_user=w.kontakt)
    oppdrag = services.vedtak_til_oppdrag(vedtak=vedtak, acting_user=w.red)
    assert (oppdrag.nummer, oppdrag.tittel, oppdrag.tillegg.nummer, oppdrag.tillegg.status) == (
        "2024-08", "Nytt oppdrag fra møtet", 1, "utkast")
    assert [f.dato for f in oppdrag.frister.all()] == [date(2026, 12, 20)]
    # A draft tillegg is the ministry's: the agency does not see the oppdrag until it is sent.
    assert not Oppdrag.objects.for_user(w.kontakt).filter(pk=oppdrag.pk).exists()
    with pytest.raises(ValidationError, match="allerede lagt inn"):
        services.vedtak_til_oppdrag(vedtak=vedtak, acting_user=w.red)
    # The next decision goes into the same draft tillegg.
    m2 = holdt_mote(w.brev, w.red, w.kontakt, dato=date(2026, 12, 11))
    o2 = services.vedtak_til_oppdrag(vedtak=m2.vedtak.get(art="oppdrag"), acting_user=w.red)
    assert o2.tillegg_id == oppdrag.tillegg_id and o2.nummer == "2024-09"
    from brev.services import tillegg_send

    tillegg_send(tillegg=oppdrag.tillegg, acting_user=w.godkj)
    assert Oppdrag.objects.for_user(w.kontakt).filter(pk=oppdrag.pk).exists()


def test_oppfolgingspunkt_og_dagsordenfrist_minner_en_gang(w, settings, mailoutbox):
    from varsler.models import Paaminnelse
    from varsler.services import paaminnelser_kjor

    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    holdt_mote(w.brev, w.red, w.leder, punkt="Revidert leveranseplan", frist=date(2024, 9, 15),
               dato=date(2024, 5, 2))
    holdt_mote(w.brev, w.red, w.leder, sendt=False, punkt="Utkastpunkt", frist=date(2024, 9, 15),
               dato=date(2024, 5, 3))
    mote(w.brev, w.red, dato=date(2024, 10, 24), tittel="Etatsstyringsmøte høst", dagsorden_frist=date(2024, 9, 15))
    paaminnelser_kjor(dato=date(2024, 9, 8))
    emner = sorted((m.to[0], m.subject) for m in mailoutbox)
    assert emner == [
        ("kontakt@example.no", "Påminnelse: frist om 7 dager (15.09.2024) – Saker til dagsorden for etatsstyringsmøte "
                               "høst 24.10.2024"),
        ("leder@example.no", "Påminnelse: frist om 7 dager (15.09.2024) – Oppfølgingspunkt «Revidert leveranseplan» "
                             "fra etatsstyringsmøte 02.05.2024"),
        ("red@example.no", "Påminnelse: frist om 7 dager (15.09.2024) – Oppfølgingspunkt «Revidert leveranseplan» "
                           "fra etatsstyringsmøte 02.05.2024"),
        ("red@example.no", "Påminnelse: frist om 7 dager (15.09.2024) – Saker til dagsorden for etatsstyringsmøte "
                           "høst 24.10.2024"),
    ]
    antall = Paaminnelse.objects.count()
    paaminnelser_kjor(dato=date(2024, 9, 8))
    assert Paaminnelse.objects.count() == antall and len(mailoutbox) == 4  # never twice


def test_motet_i_kalenderstroemmen_og_paa_min_side(w):
    from varsler.kalender import kalender_ics

    m = holdt_mote(w.brev, w.red, w.kontakt, punkt="Leveranseplan", frist=date(2026, 12, 20), dato=date(2026, 12, 5),
                   sted="Akersgata 64")
    from icalendar import Calendar

    def hendelser(bruker):
        cal = Calendar.from_ical(kalender_ics(bruker, fra=date(2026, 12, 1), til=date(2026, 12, 31)))
        return {(str(e["summary"]), str(e.get("location", ""))) for e in cal.walk("VEVENT")}

    assert hendelser(w.kontakt) == {
        ("Møte: Etatsstyringsmøte (AID–IMDi)", "Akersgata 64"),
        ("Frist: Oppfølgingspunkt «Leveranseplan» fra etatsstyringsmøte 05.12.2026", ""),
    }
    assert hendelser(w.kd) == set()  # another ministry

    side = _klient(w.kontakt).get("/").content.decode()
    assert "Oppfølgingspunkter fra møter" in side and "Leveranseplan" in side
    assert f"/moter/{m.pk}/referat/#vedtak-1" in side


# --- documents -------------------------------------------------------------------------------------

def test_dokument_til_motet_har_samme_kontroll_som_leveranser(w):
    m = mote(w.brev, w.red)
    c = _klient(w.kontakt)
    falsk = SimpleUploadedFile("notat.pdf", b"MZ\x90\x00 ikke en pdf", content_type="application/pdf")
    r = c.post(f"/moter/{m.pk}/dokumenter/", {"vedlegg-tittel": "Notat", "vedlegg-fil": falsk})
    assert r.status_code == 400 and not m.vedlegg.exists()
    exe = SimpleUploadedFile("program.exe", b"MZ\x90\x00", content_type="application/octet-stream")
    r = c.post(f"/moter/{m.pk}/dokumenter/", {"vedlegg-tittel": "Program", "vedlegg-fil": exe})
    assert r.status_code == 400 and "Tillatte typer" in r.content.decode() and not m.vedlegg.exists()
    pdf = b"%PDF-1.4\n1 0 obj<</Type/Catalog>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n"
    r = c.post(f"/moter/{m.pk}/dokumenter/", {"vedlegg-tittel": "Risikovurdering",
                                               "vedlegg-fil": SimpleUploadedFile("risiko.pdf", pdf)})
    assert r.status_code == 302
    v = m.vedlegg.get()
    last_ned = _klient(w.red).get(f"/moter/{m.pk}/dokumenter/{v.pk}/")
    assert b"".join(last_ned.streaming_content) == pdf
    assert _klient(w.kd).get(f"/moter/{m.pk}/dokumenter/{v.pk}/").status_code == 404


# --- pages and query counts ----------------------------------------------------------------------

def test_motelisten_og_motesiden_har_fast_antall_sporringer(w, django_assert_max_num_queries):
    moter = [holdt_mote(w.brev, w.red, w.kontakt, dato=date(2026, 12, 1 + i)) for i in range(2)]
    c = _klient(w.red)
    c.get("/moter/")
    with django_assert_max_num_queries(14):
        r = c.get("/moter/")
    assert r.status_code == 200
    for i in range(8):
        holdt_mote(w.brev, w.red, w.kontakt, dato=date(2026, 12, 10 + i))
    with django_assert_max_num_queries(14):
        r = c.get("/moter/")
    assert r.content.decode().count("/referat/#vedtak-1") == 10  # every open point listed
    for i in range(3):
        services.sak_foreslaa(mote=mote(w.brev, w.red, dato=date(2027, 1, 1)), acting_user=w.kontakt,
                              tittel=f"Sak {i}", idag=date(2026, 1, 1))
    m = Mote.objects.order_by("-pk").first()
    with django_assert_max_num_queries(24):
        r = c.get(f"/moter/{m.pk}/")
    assert r.status_code == 200
    with django_assert_max_num_queries(24):
        r = c.get(f"/moter/{moter[0].pk}/referat/")
    assert r.status_code == 200


def test_demoen_har_to_etatsstyringsmoter_med_godkjent_referat_og_to_vedtak(db):
    from tests.demodata import last_demo

    last_demo()
    var, host = Mote.objects.filter(tildelingsbrev__virksomhet__kortnavn="IMDi", tildelingsbrev__aar=2024)
    assert (var.type, host.type) == ("etatsstyringsmote", "etatsstyringsmote")
    # Chapter 7: the spring meeting builds on the årsrapport, the autumn one on the halvårsrapport.
    assert (var.grunnlag.type, var.grunnlag.rapport_aar) == ("aarsrapport", 2023)
    assert (host.grunnlag.type, host.grunnlag.rapport_aar) == ("halvaarsrapport", 2024)
    assert var.referat.status == "godkjent" and not host.har_referat
    oppdrag_vedtak, punkt = var.vedtak.order_by("nummer")
    assert oppdrag_vedtak.oppdrag.tillegg.status == "sendt"
    assert punkt.art == "oppfolging" and punkt.status == "aapen"
    from brukere.models import User

    punkter = dagsorden(host, User.objects.get(username="dep.redaktor"))
    assert [p.punkt for p in punkter if p.kilde == Sak.Kilde.OPPFOLGING] == [punkt]
    # The autumn agenda also holds the red and yellow oppdrag, the deviations in the halvårsrapport
    # it builds on, the shared risk assessment and the open Riksrevisjonen remark of the demo.
    assert {p.kilde for p in punkter} == {"oppdrag", "avvik", "risiko", "revisjon", "oppfolging"}
