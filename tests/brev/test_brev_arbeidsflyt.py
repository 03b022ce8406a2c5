"""The approval workflow of a letter and its tillegg: who may move it, and that a sent letter is locked."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from brev import services
from budsjett.models import Budsjettkapittel
from styring.models import Tildelingsbrev
from tests.factories import BudsjettkapittelFactory, TildelingsbrevFactory, UserFactory
from tests.styring.brevdata import departement_bruker, virksomhet_bruker

pytestmark = pytest.mark.django_db


@pytest.fixture
def utkast():
    return TildelingsbrevFactory(dato=None)


def test_editor_sends_to_approval_but_cannot_send_the_letter(client, utkast):
    redaktor = departement_bruker(utkast)
    client.force_login(redaktor)
    response = client.post(reverse("brev:brev-til-godkjenning", args=[utkast.pk]), follow=True)
    assert "Brevet er sendt til godkjenning." in response.content.decode()
    utkast.refresh_from_db()
    assert utkast.status == "til_godkjenning"
    assert client.post(reverse("brev:brev-send", args=[utkast.pk])).status_code == 403
    with pytest.raises(PermissionDenied):
        services.brev_godkjenn_og_send(brev=utkast, acting_user=redaktor)
    utkast.refresh_from_db()
    assert utkast.status == "til_godkjenning"


def test_approver_sends_the_letter_and_history_records_who(client, utkast):
    utkast.status = "til_godkjenning"
    utkast.save()
    godkjenner = departement_bruker(utkast, godkjenner=True)
    client.force_login(godkjenner)
    response = client.post(reverse("brev:brev-send", args=[utkast.pk]), follow=True)
    assert "Brevet er godkjent og sendt" in response.content.decode()
    utkast.refresh_from_db()
    assert utkast.status == "sendt" and utkast.sendt is not None and utkast.godkjent_av == godkjenner
    assert utkast.dato is not None
    siste = utkast.history.order_by("-history_date").first()
    assert siste.history_user == godkjenner and siste.history_change_reason == "Godkjent og sendt"
    assert "Saksgang" in response.content.decode()


def test_sent_letter_refuses_every_write_via_service_and_view(client):
    brev = TildelingsbrevFactory(sendt_brev=True)
    godkjenner = departement_bruker(brev, godkjenner=True)
    for call in (lambda: services.brev_send_til_godkjenning(brev=brev, acting_user=godkjenner),
                 lambda: services.brev_godkjenn_og_send(brev=brev, acting_user=godkjenner),
                 lambda: services.brev_send_tilbake(brev=brev, grunn="x", acting_user=godkjenner),
                 lambda: services.krev_ulaast(brev)):
        with pytest.raises(ValidationError, match="sendt og kan ikke endres"):
            call()
    client.force_login(godkjenner)
    response = client.post(reverse("brev:brev-til-godkjenning", args=[brev.pk]), follow=True)
    assert "sendt og kan ikke endres" in response.content.decode()
    response = client.post(reverse("brev:brev-send-tilbake", args=[brev.pk]), {"grunn": "Feil"}, follow=True)
    assert "sendt og kan ikke endres" in response.content.decode()
    brev.refresh_from_db()
    assert brev.status == "sendt"


def test_consistency_errors_stop_the_letter_from_going_to_approval(client, utkast):
    BudsjettkapittelFactory(tildelingsbrev=utkast, typed_sum_kr=5_000)  # no posts: computed sum 0
    client.force_login(departement_bruker(utkast))
    response = client.post(reverse("brev:brev-til-godkjenning", args=[utkast.pk]), follow=True)
    html = response.content.decode()
    assert "feil som må rettes før det kan sendes til godkjenning" in html
    utkast.refresh_from_db()
    assert utkast.status == "utkast"
    kap = Budsjettkapittel.objects.get(tildelingsbrev=utkast)
    kap.typed_sum_kr = None
    kap.save()
    client.post(reverse("brev:brev-til-godkjenning", args=[utkast.pk]))
    utkast.refresh_from_db()
    assert utkast.status == "til_godkjenning"


def test_send_back_needs_a_reason_which_the_history_keeps(client, utkast):
    utkast.status = "til_godkjenning"
    utkast.save()
    client.force_login(departement_bruker(utkast, godkjenner=True))
    response = client.post(reverse("brev:brev-send-tilbake", args=[utkast.pk]), {"grunn": " "}, follow=True)
    assert "Skriv hvorfor brevet sendes tilbake." in response.content.decode()
    response = client.post(reverse("brev:brev-send-tilbake", args=[utkast.pk]),
                           {"grunn": "Mål 2 mangler styringsparameter"}, follow=True)
    utkast.refresh_from_db()
    assert utkast.status == "utkast"
    assert "Sendt tilbake: Mål 2 mangler styringsparameter" in response.content.decode()


def _tilstand(*brev: Tildelingsbrev) -> list:
    """What a refused request must leave as it was: each letter's workflow fields and history, its
    tillegg, and which letters exist."""
    rader = [(b.pk, b.status, b.sendt, b.godkjent_av_id, b.dato, b.history.count(), list(b.tillegg.values_list("pk")))
             for b in Tildelingsbrev.objects.filter(pk__in=[b.pk for b in brev]).order_by("pk")]
    return [rader, sorted(Tildelingsbrev.objects.values_list("pk", "virksomhet_id", "aar"))]


def test_agency_and_other_ministry_cannot_act(client, utkast):
    sendt = TildelingsbrevFactory(sendt_brev=True)
    for_ = _tilstand(utkast, sendt)
    client.force_login(UserFactory(godkjenner=True))  # another ministry
    assert client.post(reverse("brev:brev-til-godkjenning", args=[utkast.pk])).status_code == 404
    assert client.post(reverse("brev:brev-send", args=[utkast.pk])).status_code == 404
    client.force_login(virksomhet_bruker(sendt))
    assert client.post(reverse("brev:brev-til-godkjenning", args=[sendt.pk])).status_code == 403
    assert client.post(reverse("brev:tillegg-opprett", args=[sendt.pk])).status_code == 403
    assert client.post(reverse("brev:brev-viderefor", args=[sendt.pk])).status_code == 403
    assert client.get(reverse("brev:brev-send", args=[sendt.pk])).status_code == 405
    # Nothing changed: no status moved, no tillegg, no letter for the next year, no history written.
    assert _tilstand(utkast, sendt) == for_
    utkast.refresh_from_db()
    assert utkast.status == "utkast"


def test_tillegg_get_the_next_number_and_only_an_approver_sends_them(client):
    brev = TildelingsbrevFactory(sendt_brev=True)
    redaktor = departement_bruker(brev)
    client.force_login(redaktor)
    response = client.post(reverse("brev:tillegg-opprett", args=[brev.pk]), follow=True)
    assert "Tillegg nr. 1 er laget som utkast." in response.content.decode()
    t2 = services.tillegg_opprett(brev=brev, acting_user=redaktor)
    assert t2.nummer == 2
    assert client.post(reverse("brev:tillegg-send", args=[brev.pk, 1])).status_code == 403
    client.force_login(departement_bruker(brev, godkjenner=True))
    client.post(reverse("brev:tillegg-send", args=[brev.pk, 1]))
    t1 = brev.tillegg.get(nummer=1)
    assert t1.status == "sendt" and t1.sendt is not None
    response = client.post(reverse("brev:tillegg-send", args=[brev.pk, 1]), follow=True)
    assert "allerede sendt" in response.content.decode()


def test_a_draft_letter_gets_no_tillegg():
    brev = TildelingsbrevFactory()
    with pytest.raises(ValidationError, match="Tillegg kan bare lages"):
        services.tillegg_opprett(brev=brev, acting_user=departement_bruker(brev))
    assert not Tildelingsbrev.objects.get(pk=brev.pk).tillegg.exists()
