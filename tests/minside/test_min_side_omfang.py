"""Min side asks for the reminders of the agencies the person may see, as a list (oversikt, omfang):
at 200 agencies the database otherwise found every open frist in the window nationwide before
keeping the person's (5 s on PostgreSQL). The list must lose nothing: report deadlines of a letter
to an agency that has no oppdrag still show, and nothing of another ministry's agencies does."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from brukere.models import Rolle
from tests.factories import (
    FristFactory,
    OppdragFactory,
    RapporteringspunktFactory,
    TildelingsbrevFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db


def test_min_side_keeps_report_deadlines_of_agencies_without_oppdrag_and_nothing_of_others(client):
    idag = timezone.localdate()
    brev = TildelingsbrevFactory(sendt_brev=True, aar=idag.year)  # no oppdrag at all
    RapporteringspunktFactory(tildelingsbrev=brev, type="halvaarsrapport", betegnelse="Halvårsrapport uten oppdrag",
                              telletidspunkt=idag, frist=idag + timedelta(days=5))
    annet = TildelingsbrevFactory(sendt_brev=True, aar=idag.year)  # another ministry, another agency
    o = OppdragFactory(tildelingsbrev=annet, nummer=f"{idag.year}-001", tittel="Et annet departements oppdrag")
    FristFactory(oppdrag=o, tildelingsbrev=annet, dato=idag + timedelta(days=3), tekst="om tre dager")
    RapporteringspunktFactory(tildelingsbrev=annet, type="halvaarsrapport", betegnelse="Annen halvårsrapport",
                              telletidspunkt=idag, frist=idag + timedelta(days=4))

    client.force_login(UserFactory(organisasjon=brev.departement, rolle=Rolle.DEPARTEMENT_REDAKTOR))
    html = client.get("/").content.decode()
    assert "Halvårsrapport uten oppdrag" in html
    assert "Et annet departements oppdrag" not in html
    assert "Annen halvårsrapport" not in html

    client.force_login(UserFactory(organisasjon=annet.virksomhet, rolle=Rolle.VIRKSOMHET_KONTAKT))
    html = client.get("/").content.decode()
    assert "Et annet departements oppdrag" in html and "Annen halvårsrapport" in html
    assert "Halvårsrapport uten oppdrag" not in html
