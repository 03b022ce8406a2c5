"""Hand-off notices of the meetings and the risk picture: minutes sent to the agency for comments, a
comment, each side's approval (the second locks them), and a risk assessment shared with the
ministry reach the other side (inbox and e-mail, once), only people who may see the object, never
the one who acted; each person's choice per kind holds."""

from __future__ import annotations

import re
from datetime import date

import pytest
from django.core import mail

from brukere.models import Rolle
from moter import services
from moter.models import Side
from risiko.services import vurdering_del
from tests.factories import DepartementFactory, TildelingsbrevFactory, UserFactory, VirksomhetFactory
from tests.moter.verden import holdt_mote
from tests.risiko.verden import lag_vurdering
from varsler.models import Varsel, Varselinnstilling

pytestmark = pytest.mark.django_db


@pytest.fixture
def v(db):
    class V:
        pass

    v = V()
    v.dep, v.dep_b = DepartementFactory(kortnavn="AAD"), DepartementFactory(kortnavn="BBD")
    v.virk, v.annen = VirksomhetFactory(kortnavn="VIRK"), VirksomhetFactory(kortnavn="ANNEN")
    ny = UserFactory
    v.red = ny(username="red", organisasjon=v.dep, rolle=Rolle.DEPARTEMENT_REDAKTOR)
    v.red2 = ny(username="red2", organisasjon=v.dep, rolle=Rolle.DEPARTEMENT_REDAKTOR)
    v.god = ny(username="god", organisasjon=v.dep, rolle=Rolle.DEPARTEMENT_GODKJENNER)
    v.b_red = ny(username="b_red", organisasjon=v.dep_b, rolle=Rolle.DEPARTEMENT_REDAKTOR)
    v.kontakt = ny(username="kontakt", organisasjon=v.virk, rolle=Rolle.VIRKSOMHET_KONTAKT)
    v.leder = ny(username="leder", organisasjon=v.virk, rolle=Rolle.VIRKSOMHET_LEDER)
    v.eier = ny(username="eier", organisasjon=v.virk, rolle=Rolle.VIRKSOMHET_OPPDRAGSEIER)
    v.x_kontakt = ny(username="x_kontakt", organisasjon=v.annen, rolle=Rolle.VIRKSOMHET_KONTAKT)
    v.obs = ny(username="obs", observator=True)
    v.brev = TildelingsbrevFactory(virksomhet=v.virk, departement=v.dep, aar=2026, sendt_brev=True, kontaktperson=v.red)
    v.mote = holdt_mote(v.brev, v.red, v.leder, sendt=False, vedtak=False, dato=date(2026, 5, 2),
                        tittel="Etatsstyringsmøte vår")
    # The agency's oppdrag owner and the ministry's approver take part in the meeting.
    services.deltaker_legg_til(mote=v.mote, acting_user=v.red, side=Side.VIRKSOMHET, bruker=v.eier)
    services.deltaker_legg_til(mote=v.mote, acting_user=v.red, side=Side.DEPARTEMENT, bruker=v.god)
    return v


def _mottakere(art: str) -> set[str]:
    return set(Varsel.objects.filter(art=art).values_list("mottaker__username", flat=True))


def test_minutes_through_comments_and_approval_tell_the_other_side(v, celery_eager,
                                                                  django_capture_on_commit_callbacks):
    assert not Varsel.objects.exists()  # draft minutes: nobody is told
    with django_capture_on_commit_callbacks(execute=True):
        services.referat_send(mote=v.mote, acting_user=v.red)
    # The agency: its contacts and leader, and its participants; never the ministry, another agency, observers.
    assert _mottakere("referat_til_kommentar") == {"kontakt", "leder", "eier"}
    varsel = Varsel.objects.get(art="referat_til_kommentar", mottaker=v.kontakt)
    assert varsel.tittel == "Referat til kommentar: Etatsstyringsmøte vår 02.05.2026"
    assert varsel.sti == f"/moter/{v.mote.pk}/referat/"
    assert sorted(m.to[0] for m in mail.outbox) == ["eier@example.no", "kontakt@example.no", "leder@example.no"]

    with django_capture_on_commit_callbacks(execute=True):
        services.referat_merknad(mote=v.mote, tekst="Presiser sak 2, MERKNADTEKST.", acting_user=v.kontakt)
    # The ministry: the letter's contact person and its participants (not the one who wrote the comment).
    assert _mottakere("referat_merknad") == {"red", "god"}
    assert "MERKNADTEKST" in Varsel.objects.get(art="referat_merknad", mottaker=v.god).tekst

    with django_capture_on_commit_callbacks(execute=True):
        services.referat_godkjenn(mote=v.mote, acting_user=v.god)
    assert _mottakere("referat_godkjent") == {"kontakt", "leder", "eier"}
    assert Varsel.objects.get(art="referat_godkjent", mottaker=v.leder).tittel == (
        "Referatet fra Etatsstyringsmøte vår 02.05.2026 er godkjent av AAD")

    Varsel.objects.filter(art="referat_godkjent").delete()
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        services.referat_godkjenn(mote=v.mote, acting_user=v.leder)
    assert _mottakere("referat_godkjent") == {"red", "god"}  # locked: the other side, not the leader
    varsel = Varsel.objects.get(art="referat_godkjent", mottaker=v.red)
    assert varsel.tittel == "Referatet fra Etatsstyringsmøte vår 02.05.2026 er godkjent av begge parter"
    assert "referatet er låst" in varsel.tekst
    assert sorted(m.to[0] for m in mail.outbox) == ["god@example.no", "red@example.no"]
    for u in (v.b_red, v.x_kontakt, v.obs, v.red2):
        assert not Varsel.objects.filter(mottaker=u).exists()


def test_the_ministrys_comment_tells_the_agency_and_choices_per_kind_hold(v, celery_eager, client,
                                                                         django_capture_on_commit_callbacks):
    client.force_login(v.kontakt)
    html = client.get("/innstillinger/varsler/").content.decode()
    for art in ("referat_til_kommentar", "referat_merknad", "referat_godkjent"):
        assert re.search(rf'name="i_portalen" value="{art}"[^>]*checked', html)
    assert "risiko_delt" not in html  # the ministry's kind is not offered to the agency
    Varselinnstilling.objects.create(bruker=v.kontakt, av_i_portalen=["referat_merknad"],
                                     av_paa_epost=["referat_til_kommentar", "referat_merknad"])
    with django_capture_on_commit_callbacks(execute=True):
        services.referat_send(mote=v.mote, acting_user=v.red)
        services.referat_merknad(mote=v.mote, tekst="Departementets svar.", acting_user=v.red)
    kontakt = Varsel.objects.filter(mottaker=v.kontakt)
    assert [(x.art, x.i_innboks, x.status) for x in kontakt.order_by("pk")] == [
        ("referat_til_kommentar", True, "")]  # the comment: both channels off, so no row at all
    assert _mottakere("referat_merknad") == {"leder", "eier"}
    assert "kontakt@example.no" not in [m.to[0] for m in mail.outbox]


def test_a_shared_risk_assessment_tells_the_ministry_and_a_draft_tells_nobody(v, celery_eager, client,
                                                                             django_capture_on_commit_callbacks):
    vurdering, _ = lag_vurdering(virksomhet=v.virk, departement=v.dep, aar=2026, tittel="UTKASTRISIKO")
    assert not Varsel.objects.exists()
    with django_capture_on_commit_callbacks(execute=True):
        vurdering_del(vurdering=vurdering, acting_user=v.leder)
    assert _mottakere("risiko_delt") == {"red"}  # the letter's contact person at the ministry
    varsel = Varsel.objects.get(art="risiko_delt")
    assert varsel.tittel == "VIRK har delt risikovurderingen for 2026" and varsel.sti == f"/risiko/{vurdering.pk}/"
    assert [m.to for m in mail.outbox] == [["red@example.no"]]
    client.force_login(v.red)
    assert re.search(r'name="paa_epost" value="risiko_delt"[^>]*checked',
                     client.get("/innstillinger/varsler/").content.decode())
