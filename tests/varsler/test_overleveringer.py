"""Hand-off notices: each hand-off reaches the right people (in the inbox and by e-mail), nobody who
may not see the object, never the person who acted; each person's choices are respected; each
e-mail goes out once, also when the task runs twice or after a crash."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from brev.services import (
    brev_godkjenn_og_send,
    brev_send_til_godkjenning,
    brev_send_tilbake,
    tillegg_opprett,
    tillegg_send,
)
from brukere.models import Rolle
from oppdrag.services import leveranse_create, oppdrag_avslutt, oppdrag_kommenter, oppdrag_set_status
from tests.factories import (
    DepartementFactory,
    OppdragFactory,
    TildelingsbrevFactory,
    UserFactory,
    VirksomhetFactory,
)
from varsler.models import Varsel, Varselinnstilling
from varsler.services import varsel_eposter_send_klare

pytestmark = pytest.mark.django_db


class Verden:
    """Two ministries steer one agency (A this year, B a draft of its own); a second agency."""

    def __init__(self):
        self.dep_a, self.dep_b = DepartementFactory(kortnavn="AAD"), DepartementFactory(kortnavn="BBD")
        self.virk, self.annen_virk = VirksomhetFactory(kortnavn="VIRK"), VirksomhetFactory()
        self.a_red = UserFactory(username="a_red", organisasjon=self.dep_a, rolle=Rolle.DEPARTEMENT_REDAKTOR)
        self.a_red2 = UserFactory(username="a_red2", organisasjon=self.dep_a, rolle=Rolle.DEPARTEMENT_REDAKTOR)
        self.a_god = UserFactory(username="a_god", organisasjon=self.dep_a, rolle=Rolle.DEPARTEMENT_GODKJENNER)
        self.a_god2 = UserFactory(username="a_god2", organisasjon=self.dep_a, rolle=Rolle.DEPARTEMENT_GODKJENNER)
        self.b_red = UserFactory(username="b_red", organisasjon=self.dep_b, rolle=Rolle.DEPARTEMENT_REDAKTOR)
        self.b_god = UserFactory(username="b_god", organisasjon=self.dep_b, rolle=Rolle.DEPARTEMENT_GODKJENNER)
        self.v_kontakt = UserFactory(username="v_kontakt", organisasjon=self.virk, rolle=Rolle.VIRKSOMHET_KONTAKT)
        self.v_leder = UserFactory(username="v_leder", organisasjon=self.virk, rolle=Rolle.VIRKSOMHET_LEDER)
        self.v_eier = UserFactory(username="v_eier", organisasjon=self.virk, rolle=Rolle.VIRKSOMHET_OPPDRAGSEIER)
        self.x_kontakt = UserFactory(username="x_kontakt", organisasjon=self.annen_virk,
                                     rolle=Rolle.VIRKSOMHET_KONTAKT)
        self.observator = UserFactory(username="obs", observator=True)
        self.brev = TildelingsbrevFactory(virksomhet=self.virk, departement=self.dep_a, aar=2025,
                                          kontaktperson=self.a_red)
        self.oppdrag = OppdragFactory(tildelingsbrev=self.brev, departement=self.dep_a, nummer="2025-01",
                                      tittel="Utrede tolkebehov", ansvarlig=self.v_eier)

    def alle(self):
        return [self.a_red, self.a_red2, self.a_god, self.a_god2, self.b_red, self.b_god, self.v_kontakt,
                self.v_leder, self.v_eier, self.x_kontakt, self.observator]


@pytest.fixture
def v(db):
    return Verden()


def _mottakere(art: str) -> set[str]:
    return set(Varsel.objects.filter(art=art).values_list("mottaker__username", flat=True))


def _til_godkjenning(v, cb):
    with cb(execute=True):
        brev_send_til_godkjenning(brev=v.brev, acting_user=v.a_red)


def _send(v, cb):
    _til_godkjenning(v, cb)
    with cb(execute=True):
        brev_godkjenn_og_send(brev=v.brev, acting_user=v.a_god)
    v.brev.refresh_from_db()
    v.oppdrag.refresh_from_db()  # drops the cached draft letter


def test_til_godkjenning_naar_departementets_godkjennere_og_ingen_andre(v, celery_eager,
                                                                       django_capture_on_commit_callbacks):
    _til_godkjenning(v, django_capture_on_commit_callbacks)
    assert _mottakere("brev_til_godkjenning") == {"a_god", "a_god2"}
    assert sorted(m.to[0] for m in mail.outbox) == ["a_god2@example.no", "a_god@example.no"]
    msg = mail.outbox[0]
    assert msg.subject == "Tildelingsbrev 2025 til VIRK er sendt til godkjenning"
    varsel = Varsel.objects.get(mottaker=v.a_god)
    lokal = timezone.localtime(varsel.opprettet)
    assert f"{lokal:%d.%m.%Y} kl. {lokal:%H.%M}" in msg.body  # Europe/Oslo, one way
    assert f"/brev/{v.brev.pk}/" in msg.body and str(v.a_red) in msg.body
    assert Varsel.objects.filter(status="sendt").count() == 2


def test_sendt_tilbake_naar_redaktoren_med_begrunnelsen(v, celery_eager, django_capture_on_commit_callbacks):
    _til_godkjenning(v, django_capture_on_commit_callbacks)
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        brev_send_tilbake(brev=v.brev, grunn="Budsjettet for kap. 671 mangler", acting_user=v.a_god)
    assert _mottakere("brev_sendt_tilbake") == {"a_red"}  # not a_red2, who never touched it
    assert [m.to for m in mail.outbox] == [["a_red@example.no"]]
    assert "Budsjettet for kap. 671 mangler" in mail.outbox[0].body
    assert "Budsjettet for kap. 671 mangler" in Varsel.objects.get(art="brev_sendt_tilbake").tekst


def test_sendt_brev_naar_virksomhetens_kontakter_og_leder_med_nye_oppdrag(v, celery_eager,
                                                                         django_capture_on_commit_callbacks):
    _send(v, django_capture_on_commit_callbacks)
    assert _mottakere("brev_sendt") == {"v_kontakt", "v_leder"}
    varsel = Varsel.objects.get(art="brev_sendt", mottaker=v.v_leder)
    assert varsel.nye_oppdrag == ["2025-01 Utrede tolkebehov"]
    # The draft was never announced outside the ministry.
    assert not Varsel.objects.filter(mottaker__organisasjon=v.virk, art="brev_til_godkjenning").exists()


def test_sendt_tillegg_naar_virksomheten(v, celery_eager, django_capture_on_commit_callbacks):
    _send(v, django_capture_on_commit_callbacks)
    tillegg = tillegg_opprett(brev=v.brev, acting_user=v.a_red, tittel="Tillegg om tolketjenester")
    assert not Varsel.objects.filter(art="tillegg_sendt").exists()  # a draft tillegg tells nobody
    with django_capture_on_commit_callbacks(execute=True):
        tillegg_send(tillegg=tillegg, acting_user=v.a_god)
    assert _mottakere("tillegg_sendt") == {"v_kontakt", "v_leder"}
    assert "Tillegg om tolketjenester" in Varsel.objects.filter(art="tillegg_sendt").first().tekst


def test_oppdrag_rodt_eller_gult_og_leveranse_naar_departementets_kontakt(v, settings, tmp_path, celery_eager,
                                                                         django_capture_on_commit_callbacks):
    settings.MEDIA_ROOT = tmp_path
    _send(v, django_capture_on_commit_callbacks)
    with django_capture_on_commit_callbacks(execute=True):
        oppdrag_set_status(oppdrag=v.oppdrag, status="paagaar", risiko="gronn", risiko_tekst="I rute",
                           acting_user=v.v_eier)
    assert not Varsel.objects.filter(art="oppdrag_risiko").exists()  # green is no hand-off
    with django_capture_on_commit_callbacks(execute=True):
        oppdrag_set_status(oppdrag=v.oppdrag, status="paagaar", risiko="gul", risiko_tekst="Forsinket anbud",
                           acting_user=v.v_eier)
    assert _mottakere("oppdrag_risiko") == {"a_red"}
    assert Varsel.objects.get(art="oppdrag_risiko").tittel == "VIRK har satt oppdrag 2025-01 til gul"
    with django_capture_on_commit_callbacks(execute=True):  # still yellow: no new notice
        oppdrag_set_status(oppdrag=v.oppdrag, status="paagaar", risiko="gul", risiko_tekst="Fortsatt",
                           acting_user=v.v_eier)
    with django_capture_on_commit_callbacks(execute=True):
        oppdrag_set_status(oppdrag=v.oppdrag, status="paagaar", risiko="rod", risiko_tekst="Anbudet stanset",
                           acting_user=v.v_eier)
    assert Varsel.objects.filter(art="oppdrag_risiko").count() == 2
    with django_capture_on_commit_callbacks(execute=True):
        leveranse_create(oppdrag=v.oppdrag, tittel="Delrapport", type="rapport",
                         fil=SimpleUploadedFile("delrapport.pdf", b"%PDF-1.4\n%%EOF\n"), acting_user=v.v_kontakt)
    assert _mottakere("oppdrag_leveranse") == {"a_red"}
    assert not Varsel.objects.filter(mottaker__in=[v.b_red, v.b_god, v.a_god2]).exclude(
        art__in=["brev_til_godkjenning"]).exists()


def test_kommentar_og_avslutning_naar_oppdragets_eier(v, celery_eager, django_capture_on_commit_callbacks):
    _send(v, django_capture_on_commit_callbacks)
    with django_capture_on_commit_callbacks(execute=True):
        oppdrag_kommenter(oppdrag=v.oppdrag, tekst="Ta med kommunene i utredningen.", acting_user=v.a_red)
        oppdrag_avslutt(oppdrag=v.oppdrag, status="levert", kommentar="Godt levert.", acting_user=v.a_red)
    assert _mottakere("oppdrag_kommentar") == {"v_eier"}
    assert _mottakere("oppdrag_avsluttet") == {"v_eier"}
    assert "Ta med kommunene" in Varsel.objects.get(art="oppdrag_kommentar").tekst
    assert Varsel.objects.get(art="oppdrag_avsluttet").tittel == "Oppdrag 2025-01 er satt til levert"


def test_rapport_sendt_til_departementet_mottatt_og_kommentert_til_virksomheten(celery_eager,
                                                                               django_capture_on_commit_callbacks):
    from rapportering.services import rapport_kommenter, rapport_motta, rapport_opprett, rapport_send
    from tests.rapportering.conftest import bygg_oppsett

    o = bygg_oppsett()
    dep2 = UserFactory(organisasjon=o.dep.organisasjon, rolle=Rolle.DEPARTEMENT_GODKJENNER)
    rapport = rapport_opprett(punkt=o.punkt_aar, user=o.kontakt)
    assert not Varsel.objects.exists()  # a draft report is nobody else's business
    with django_capture_on_commit_callbacks(execute=True):
        rapport_send(rapport=rapport, user=o.leder)
    # No contact person on the letter: the ministry's editors.
    assert set(Varsel.objects.filter(art="rapport_sendt").values_list("mottaker", flat=True)) == {o.dep.pk}
    with django_capture_on_commit_callbacks(execute=True):
        rapport_motta(rapport=rapport, user=dep2)
        rapport_kommenter(rapport=rapport, tekst="Utdyp avviket på post 21.", user=dep2)
    for art in ("rapport_mottatt", "rapport_kommentert"):
        assert set(Varsel.objects.filter(art=art).values_list("mottaker", flat=True)) == {o.kontakt.pk, o.leder.pk}
    assert not Varsel.objects.filter(mottaker__in=[o.annet_dep, o.annen_virksomhet, o.observator]).exists()
    assert len(mail.outbox) == Varsel.objects.count() == 5


def test_valgene_per_hendelse_og_kanal_holdes(v, celery_eager, django_capture_on_commit_callbacks, client):
    client.force_login(v.a_god)
    # a_god: the approval notices by e-mail only.
    svar = client.post("/innstillinger/varsler/", {"paaminnelser": "on", "dager": ["7"], "forfalt": "on",
                                                  "i_portalen": ["oppdrag_risiko"],
                                                  "paa_epost": ["brev_til_godkjenning"]})
    assert svar.status_code == 302
    Varselinnstilling.objects.create(bruker=v.a_god2, av_i_portalen=[], av_paa_epost=["brev_til_godkjenning"])
    _til_godkjenning(v, django_capture_on_commit_callbacks)
    assert [m.to for m in mail.outbox] == [["a_god@example.no"]]
    assert not Varsel.objects.get(mottaker=v.a_god).i_innboks
    assert Varsel.objects.get(mottaker=v.a_god2).i_innboks
    assert Varsel.objects.get(mottaker=v.a_god2).status == ""
    # The settings page shows what was chosen.
    html = client.get("/innstillinger/varsler/").content.decode()
    assert re.search(r'name="paa_epost" value="brev_til_godkjenning"[^>]*checked', html)
    assert not re.search(r'name="i_portalen" value="brev_til_godkjenning"[^>]*checked', html)
    # Both channels off: nothing at all.
    Varselinnstilling.objects.filter(bruker=v.a_god).update(av_i_portalen=["brev_til_godkjenning"],
                                                             av_paa_epost=["brev_til_godkjenning"])
    with django_capture_on_commit_callbacks(execute=True):
        brev_send_tilbake(brev=v.brev, grunn="Ny runde", acting_user=v.a_red)
    _til_godkjenning(v, django_capture_on_commit_callbacks)
    assert Varsel.objects.filter(mottaker=v.a_god).count() == 1


def test_e_posten_gaar_en_gang_selv_om_oppgaven_kjores_to_ganger(v, celery_eager,
                                                                 django_capture_on_commit_callbacks):
    from varsler.tasks import send_varsel_epost

    _til_godkjenning(v, django_capture_on_commit_callbacks)
    assert len(mail.outbox) == 2
    for varsel in Varsel.objects.all():
        assert send_varsel_epost.delay(varsel.pk).get() == "sendt"
    assert varsel_eposter_send_klare()["sendt"] == 0
    assert len(mail.outbox) == 2


def test_e_post_som_ble_avbrutt_eller_aldri_lagt_i_ko_sendes_av_feiingen_en_gang(v,
                                                                                django_capture_on_commit_callbacks):
    # No on-commit callbacks run: the broker never got the tasks (a crash right after commit).
    with django_capture_on_commit_callbacks(execute=False):
        brev_send_til_godkjenning(brev=v.brev, acting_user=v.a_red)
    forste, andre = Varsel.objects.order_by("pk")
    lenge_siden = timezone.now() - timedelta(hours=1)
    # The first was claimed by a process that then died (a stale claim); the second was only planned.
    Varsel.objects.filter(pk=forste.pk).update(status="sender", krav="dod", sist_forsok=lenge_siden, forsok=1)
    Varsel.objects.filter(pk=andre.pk).update(opprettet=lenge_siden)
    assert varsel_eposter_send_klare()["sendt"] == 2
    assert varsel_eposter_send_klare()["sendt"] == 0
    assert sorted(m.to[0] for m in mail.outbox) == ["a_god2@example.no", "a_god@example.no"]


def test_feilet_e_post_proves_igjen_og_sendes_en_gang(v, monkeypatch, django_capture_on_commit_callbacks):
    from django.core.mail.backends.locmem import EmailBackend

    with django_capture_on_commit_callbacks(execute=False):
        brev_send_til_godkjenning(brev=v.brev, acting_user=v.a_red)
    Varsel.objects.update(opprettet=timezone.now() - timedelta(hours=1))
    ekte = EmailBackend.send_messages
    monkeypatch.setattr(EmailBackend, "send_messages", lambda self, m: (_ for _ in ()).throw(OSError("nede")))
    assert varsel_eposter_send_klare()["feilet"] == 2
    assert set(Varsel.objects.values_list("status", "forsok")) == {("feilet", 1)}
    monkeypatch.setattr(EmailBackend, "send_messages", ekte)
    assert varsel_eposter_send_klare()["sendt"] == 0  # the backoff is not over
    Varsel.objects.update(neste_forsok=timezone.now() - timedelta(seconds=1))
    assert varsel_eposter_send_klare()["sendt"] == 2
    assert varsel_eposter_send_klare()["sendt"] == 0
    assert len(mail.outbox) == 2


def test_markor_i_utkast_og_annet_departements_brev_naar_aldri_andre(v, settings, tmp_path, celery_eager,
                                                                     django_capture_on_commit_callbacks):
    """A unique string in ministry B's draft letter (title and oppdrag) and in the agency's follow-up
    of B's oppdrag reaches only ministry B's own people."""
    settings.MEDIA_ROOT = tmp_path
    markor = "MARKØR-7f3a9c"
    brev_b = TildelingsbrevFactory(virksomhet=v.virk, departement=v.dep_b, aar=2026, tittel=f"Utkast {markor}",
                                   kontaktperson=v.b_red)
    oppdrag_b = OppdragFactory(tildelingsbrev=brev_b, departement=v.dep_b, nummer="2026-01",
                               tittel=f"Hemmelig {markor}", ansvarlig=v.v_eier)
    with django_capture_on_commit_callbacks(execute=True):
        brev_send_til_godkjenning(brev=brev_b, acting_user=v.b_red)
        brev_send_tilbake(brev=brev_b, grunn=f"Grunn {markor}", acting_user=v.b_god)
    _send(v, django_capture_on_commit_callbacks)  # ministry A's letter goes all the way
    # B's draft oppdrag: the agency cannot act on it, and a comment from A is refused.
    with pytest.raises(PermissionDenied):
        oppdrag_set_status(oppdrag=oppdrag_b, status="paagaar", risiko="rod", acting_user=v.v_eier)
    with pytest.raises(PermissionDenied):
        oppdrag_kommenter(oppdrag=oppdrag_b, tekst="x", acting_user=v.a_red)
    # B's sent letter of an earlier year (visible to the agency): its oppdrag turning red is told to
    # B's contact only, not to ministry A, which steers the agency this year.
    sendt_b = TildelingsbrevFactory(virksomhet=v.virk, departement=v.dep_b, aar=2023, sendt_brev=True,
                                    kontaktperson=v.b_red)
    gammelt = OppdragFactory(tildelingsbrev=sendt_b, departement=v.dep_b, nummer="2023-09",
                             tittel="Gammelt oppdrag fra BBD", ansvarlig=v.v_eier)
    with django_capture_on_commit_callbacks(execute=True):
        oppdrag_set_status(oppdrag=gammelt, status="paagaar", risiko="rod", risiko_tekst="Stanset",
                           acting_user=v.v_eier)
    assert _mottakere("oppdrag_risiko") == {"b_red"}
    utenfor = [u for u in v.alle() if u.organisasjon_id != v.dep_b.pk]
    assert Varsel.objects.filter(mottaker__in=utenfor).exists()  # they did get A's notices
    for varsel in Varsel.objects.filter(mottaker__in=utenfor):
        assert markor not in varsel.tittel + varsel.tekst
    adresser = {u.email for u in utenfor}
    for m in mail.outbox:
        if set(m.to) & adresser:
            assert markor not in m.subject + m.body + m.alternatives[0][0]
    # B's own people were told.
    assert Varsel.objects.filter(mottaker=v.b_god, tittel__contains="2026").exists()
    for u in utenfor:
        Varselinnstilling.objects.filter(bruker=u).delete()
    from django.test import Client

    for u in utenfor:
        c = Client()
        c.force_login(u)
        assert markor not in c.get("/innboks/").content.decode()
        assert markor not in c.get("/").content.decode()


def test_innboks_uleste_les_og_alle_lest(v, client, celery_eager, django_capture_on_commit_callbacks):
    _send(v, django_capture_on_commit_callbacks)
    client.force_login(v.v_leder)
    assert "1<span class=\"visuelt-skjult\"> uleste</span>" in client.get("/innboks/antall/").content.decode()
    html = client.get("/innboks/").content.decode()
    assert "Tildelingsbrev 2025 til VIRK er sendt fra AAD" in html and "Ny</span>" in html
    # Min side: new since last time, with the letter's new oppdrag.
    side = client.get("/").content.decode()
    assert "Nytt siden sist" in side and "2025-01 Utrede tolkebehov" in side
    varsel = Varsel.objects.get(mottaker=v.v_leder)
    annen = Varsel.objects.get(mottaker=v.v_kontakt)
    assert client.post(f"/innboks/{annen.pk}/les/").status_code == 404  # not one's own
    svar = client.post(f"/innboks/{varsel.pk}/les/", {"apne": "1"})
    assert svar.status_code == 302 and svar["Location"] == f"/brev/{v.brev.pk}/"
    assert client.get(svar["Location"]).status_code == 200
    assert client.get("/innboks/antall/").content.decode().strip() == ""
    assert "Nytt siden sist" not in client.get("/").content.decode()
    annen.refresh_from_db()
    assert annen.lest is None
    client.force_login(v.v_kontakt)
    client.post("/innboks/alle-lest/")
    annen.refresh_from_db()
    assert annen.lest is not None


def test_innboksen_har_fast_antall_sporringer(v, client, django_assert_num_queries):
    Varsel.objects.bulk_create([Varsel(mottaker=v.a_red, art="oppdrag_risiko", tittel=f"Varsel {i}", sti="/",
                                       utfort_av=v.v_eier) for i in range(40)])
    client.force_login(v.a_red)
    client.get("/innboks/")
    # session, user, the header's organisation, unread count, page count, the page (with who acted)
    with django_assert_num_queries(6):
        assert client.get("/innboks/").status_code == 200


def test_innstillingssiden_viser_standardvalgene_og_bare_egne_hendelser(v, client):
    client.force_login(v.v_kontakt)
    html = client.get("/innstillinger/varsler/").content.decode()
    for dager in (14, 7, 1):  # no choice made yet: every lead time on
        assert re.search(rf'name="dager" value="{dager}"[^>]*checked', html)
    for art in ("brev_sendt", "tillegg_sendt", "oppdrag_kommentar", "rapport_mottatt"):
        assert re.search(rf'name="i_portalen" value="{art}"[^>]*checked', html)
        assert re.search(rf'name="paa_epost" value="{art}"[^>]*checked', html)
    assert "brev_til_godkjenning" not in html  # a ministry's hand-off is not offered to the agency
    client.force_login(v.observator)
    assert 'name="i_portalen"' not in client.get("/innstillinger/varsler/").content.decode()
