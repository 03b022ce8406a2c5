"""The edit pages on IMDi's real letters (demo data): a tillegg to the sent 2024 letter."""

from __future__ import annotations

import pytest
from django.urls import reverse

from oppdrag.models import Oppdrag
from styring.models import Tildelingsbrev, Tillegg
from tests.demodata import last_demo
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def demo():
    last_demo()
    return Tildelingsbrev.objects.get(virksomhet__kortnavn="IMDi", aar=2024)


def test_tillegg_til_ekte_brev_kan_redigeres(client, demo):
    client.force_login(UserFactory(organisasjon=demo.departement))
    Tillegg.objects.create(tildelingsbrev=demo, nummer=9, tittel="Tillegg nr. 9")
    assert client.get(reverse("brev:rediger-oversikt", args=[demo.pk])).status_code == 200
    assert client.get(reverse("brev:rediger-tillegg", args=[demo.pk, 9])).status_code == 200
    side = client.get(reverse("brev:rediger-tillegg-budsjett", args=[demo.pk, 9])).content.decode()
    assert "Kap. 671" in side
    o = Oppdrag.objects.filter(virksomhet=demo.virksomhet, aar=2023).first()
    side = client.get(reverse("brev:rediger-tillegg-tidligere", args=[demo.pk, 9, o.pk])).content.decode()
    assert o.nummer in side and "Frister fra andre brev" in side
    side = client.get(reverse("brev:rediger-tillegg-oppdrag-ny", args=[demo.pk, 9])).content.decode()
    # The form says the status of what is edited: the tillegg is a draft, though the letter is sent.
    assert "Tildelingsbrev 2024 – IMDi · Tillegg nr. 9 · Utkast</p>" in side and "· Sendt</p>" not in side
