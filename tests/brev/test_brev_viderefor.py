"""Carrying a letter forward: next year's draft with the structure, not the oppdrag."""

from __future__ import annotations

import re

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from brev import services
from brukere.models import User
from oppdrag.models import Oppdrag
from oppdrag.querysets import oppdrag_i_brev
from oppdrag.services import oppdrag_set_status
from styring.models import Styringsparameter, Tildelingsbrev
from tests.styring.brevdata import load_demo

pytestmark = pytest.mark.django_db


def test_carry_forward_2024_to_2025_from_the_letter_page(client):
    brev = load_demo()[2024]
    redaktor = User.objects.get(username="dep.redaktor")
    ferdig = Oppdrag.objects.get(virksomhet=brev.virksomhet, nummer="2024-10")
    oppdrag_set_status(oppdrag=ferdig, status="levert", acting_user=User.objects.get(username="imdi.oppdrag"))
    client.force_login(redaktor)
    html = client.get(reverse("brev:brev", args=[brev.pk])).content.decode()
    assert "Lag tildelingsbrev for 2025" in html

    response = client.post(reverse("brev:brev-viderefor", args=[brev.pk]), follow=True)
    ny = Tildelingsbrev.objects.get(virksomhet=brev.virksomhet, aar=2025)
    assert response.redirect_chain[-1][0] == reverse("brev:brev", args=[ny.pk])
    assert ny.status == "utkast" and ny.departement_id == brev.departement_id and ny.dato is None
    assert list(ny.maal.values_list("nummer", "tittel")) == list(brev.maal.values_list("nummer", "tittel"))
    sp1 = Styringsparameter.objects.get(maal__tildelingsbrev=ny, kode="SP 1")
    assert "Jobbsjansen" in sp1.tekst
    assert ny.nye_oppdrag.count() == 0  # oppdrag are not copied
    assert ny.kapitler.count() == brev.kapitler.count()
    rp = {(r.rapport_aar, r.frist.year) for r in ny.rapporteringspunkter.all()}
    assert (2025, 2026) in rp and (2024, 2025) in rp
    assert ny.history.first().history_user == redaktor

    listing = {e.oppdrag.nummer: e for g in oppdrag_i_brev(ny) for e in g.tidligere}
    assert "2024-07" in listing  # open: frist 31.12.2027
    assert "2024-10" not in listing  # delivered
    assert "2024-02" not in listing  # frist in 2024

    html = response.content.decode()
    tidligere = " ".join(re.findall(r'<table class="[^"]*responsiv oppdrag oppdrag-tidligere">(.*?)</table>', html, re.S))
    assert ">2024-07<" in tidligere
    assert "Videreført fra 2024 – må oppdateres" in html
    assert "Oppdrag som er gitt tidligere med leveringsfrist i 2025 eller senere" in html


def test_carry_forward_refuses_when_next_year_exists():
    brev = load_demo()[2023]
    with pytest.raises(ValidationError, match="allerede et tildelingsbrev for 2024"):
        services.brev_viderefor(brev=brev, acting_user=User.objects.get(username="dep.redaktor"))
