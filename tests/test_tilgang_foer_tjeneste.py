"""Views check permission before they call a service (and the service checks again).

Each case is a user who may *see* the object (it comes through ``for_user``) but may not do the
action: the view must answer 403 without calling the service at all, so the service's own check is
a second line, never the only one. The service is replaced by a mock to prove it was not reached;
a permitted user reaching the same mock shows the patch is in the right place.
"""

from __future__ import annotations

from unittest import mock

import pytest
from django.urls import reverse

from brev import services as brev_services
from rapportering import services as rapport_services
from tests.factories import TildelingsbrevFactory, UserFactory
from tests.rapportering.conftest import bygg_oppsett
from tests.styring.brevdata import departement_bruker, virksomhet_bruker

pytestmark = pytest.mark.django_db


@pytest.fixture
def brev_send_mock():
    with mock.patch.object(brev_services, "brev_godkjenn_og_send", autospec=True) as m:
        yield m


def _post(client, user, url):
    client.force_login(user)
    return client.post(url)


# --- /brev/<id>/send/ ------------------------------------------------------------------------------


@pytest.mark.parametrize("hvem", ["redaktor", "virksomhet", "observator"])
def test_brev_send_avvises_for_sendt_brev_uten_aa_kalle_tjenesten(client, brev_send_mock, hvem):
    """The reported case: on a sent letter the view went straight to the service for anyone."""
    brev = TildelingsbrevFactory(sendt_brev=True)
    bruker = {
        "redaktor": lambda: departement_bruker(brev),  # the letter's own ministry, but not an approver
        "virksomhet": lambda: virksomhet_bruker(brev),
        "observator": lambda: UserFactory(observator=True),
    }[hvem]()
    client.force_login(bruker)
    assert client.get(reverse("brev:brev", args=[brev.pk])).status_code == 200  # may see it
    assert _post(client, bruker, reverse("brev:brev-send", args=[brev.pk])).status_code == 403
    brev_send_mock.assert_not_called()


def test_brev_send_avvises_for_redaktor_uten_aa_kalle_tjenesten(client, brev_send_mock):
    brev = TildelingsbrevFactory(dato=None, status="til_godkjenning")
    assert _post(client, departement_bruker(brev), reverse("brev:brev-send", args=[brev.pk])).status_code == 403
    brev_send_mock.assert_not_called()


def test_brev_send_naar_tjenesten_for_godkjenneren(client, brev_send_mock):
    brev = TildelingsbrevFactory(dato=None, status="til_godkjenning")
    godkjenner = departement_bruker(brev, godkjenner=True)
    assert _post(client, godkjenner, reverse("brev:brev-send", args=[brev.pk])).status_code == 302
    brev_send_mock.assert_called_once_with(brev=mock.ANY, acting_user=godkjenner)


def test_brev_send_dobbelt_innsendt_gir_fortsatt_tjenestens_melding(client):
    """The approver's second click on a sent letter reaches the service, which explains it."""
    brev = TildelingsbrevFactory(sendt_brev=True)
    client.force_login(departement_bruker(brev, godkjenner=True))
    r = client.post(reverse("brev:brev-send", args=[brev.pk]), follow=True)
    assert "sendt og kan ikke endres" in r.content.decode()


# --- reports: send and receive ---------------------------------------------------------------------


@pytest.fixture
def rapport():
    o = bygg_oppsett()
    r = rapport_services.rapport_opprett(punkt=o.punkt_aar, user=o.kontakt)
    return o, r


def test_rapport_send_avvises_for_kontaktperson_uten_aa_kalle_tjenesten(client, rapport):
    o, r = rapport
    with mock.patch.object(rapport_services, "rapport_send", autospec=True) as m:
        assert _post(client, o.kontakt, reverse("rapportering:send", args=[r.pk])).status_code == 403
        m.assert_not_called()
        assert _post(client, o.leder, reverse("rapportering:send", args=[r.pk])).status_code == 302
        m.assert_called_once_with(rapport=mock.ANY, user=o.leder)


@pytest.mark.parametrize("hvem", ["dep"])
def test_rapport_send_avvises_for_andre_enn_virksomheten_paa_sendt_rapport(client, rapport, hvem):
    o, r = rapport
    rapport_services.rapport_send(rapport=r, user=o.leder)
    bruker = getattr(o, hvem)
    client.force_login(bruker)
    assert client.get(reverse("rapportering:detalj", args=[r.pk])).status_code == 200  # may see it
    with mock.patch.object(rapport_services, "rapport_send", autospec=True) as m:
        assert _post(client, bruker, reverse("rapportering:send", args=[r.pk])).status_code == 403
        m.assert_not_called()


@pytest.mark.parametrize("hvem", ["leder", "kontakt"])
def test_rapport_motta_avvises_for_andre_enn_departementet_uten_aa_kalle_tjenesten(client, rapport, hvem):
    o, r = rapport
    rapport_services.rapport_send(rapport=r, user=o.leder)
    bruker = getattr(o, hvem)
    client.force_login(bruker)
    assert client.get(reverse("rapportering:detalj", args=[r.pk])).status_code == 200  # may see it
    with mock.patch.object(rapport_services, "rapport_motta", autospec=True) as m:
        r_ = _post(client, bruker, reverse("rapportering:motta", args=[r.pk]))
        assert r_.status_code == 403 and "Bare departementet" in r_.content.decode()
        m.assert_not_called()
        assert _post(client, o.dep, reverse("rapportering:motta", args=[r.pk])).status_code == 302
        m.assert_called_once_with(rapport=mock.ANY, user=o.dep)


def test_observator_paa_mottatt_rapport_naar_ingen_tjeneste(client, rapport):
    o, r = rapport
    rapport_services.rapport_send(rapport=r, user=o.leder)
    rapport_services.rapport_motta(rapport=r, user=o.dep)
    client.force_login(o.observator)
    assert client.get(reverse("rapportering:detalj", args=[r.pk])).status_code == 200  # may read it
    with (mock.patch.object(rapport_services, "rapport_send", autospec=True) as send,
          mock.patch.object(rapport_services, "rapport_motta", autospec=True) as motta):
        assert client.post(reverse("rapportering:send", args=[r.pk])).status_code == 403
        assert client.post(reverse("rapportering:motta", args=[r.pk])).status_code == 403
        send.assert_not_called()
        motta.assert_not_called()
