"""A small agency with one sent 2024 letter: two parameters (one numeric target, one in words),
two oppdrag (one with follow-up before and after 30.06), one post with tillegg, and the people."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

import pytest
from django.utils import timezone

from brukere.models import Rolle
from budsjett.models import Budsjettendring
from oppdrag.services import oppdrag_set_status
from styring.models import Maaleverdi, Resultatkrav, Tillegg
from tests.factories import (
    BudsjettkapittelFactory,
    BudsjettpostFactory,
    DepartementFactory,
    MaalFactory,
    OppdragFactory,
    RapporteringspunktFactory,
    StyringsparameterFactory,
    TildelingsbrevFactory,
    UserFactory,
    VirksomhetFactory,
)


@dataclass
class Oppsett:
    brev: object
    punkt_halvaar: object
    punkt_aar: object
    sp_tall: object
    sp_tekst: object
    oppdrag_fulgt: object
    oppdrag_uten: object
    post: object
    kontakt: object
    leder: object
    dep: object
    annet_dep: object
    annen_virksomhet: object
    observator: object


def bygg_oppsett() -> Oppsett:
    dep_org = DepartementFactory()
    virk = VirksomhetFactory()
    brev = TildelingsbrevFactory(virksomhet=virk, departement=dep_org, aar=2024, sendt_brev=True)
    maal = MaalFactory(tildelingsbrev=brev, nummer=1, tittel="Flere innvandrere deltar i arbeidslivet")
    sp_tall = StyringsparameterFactory(maal=maal, kode="SP 1", rekkefolge=1,
                                       tekst="Andel deltakere i arbeid eller utdanning")
    Resultatkrav.objects.create(styringsparameter=sp_tall, verdi=Decimal("70"), enhet="prosent")
    Maaleverdi.objects.create(styringsparameter=sp_tall, periode="2023", verdi=Decimal("65.5"), enhet="prosent")
    sp_tekst = StyringsparameterFactory(maal=maal, kode="SP 2", rekkefolge=2, tekst="Kvalitet i veiledningen")
    Resultatkrav.objects.create(styringsparameter=sp_tekst, tekst="Kommunene får bedre veiledning")

    kontakt = UserFactory(organisasjon=virk, rolle=Rolle.VIRKSOMHET_KONTAKT)
    leder = UserFactory(organisasjon=virk, rolle=Rolle.VIRKSOMHET_LEDER)
    fulgt = OppdragFactory(tildelingsbrev=brev, maal=maal, nummer="2024-01", tittel="Evaluere veiledningen")
    oppdrag_set_status(oppdrag=fulgt, status="paagaar", risiko="gul", risiko_tekst="Noe forsinket.",
                       gjelder_dato=date(2024, 6, 1), acting_user=kontakt)
    # Registered later and about a date after the half-year's telletidspunkt: not in the half-year report.
    oppdrag_set_status(oppdrag=fulgt, status="levert", risiko="gronn", risiko_tekst="Levert.",
                       gjelder_dato=date(2024, 7, 15), acting_user=kontakt)
    uten = OppdragFactory(tildelingsbrev=brev, maal=maal, nummer="2024-02", tittel="Kartlegge tolkebehov")

    post = BudsjettpostFactory(kapittel=BudsjettkapittelFactory(tildelingsbrev=brev, nummer=671), post=21,
                               betegnelse="Spesielle driftsutgifter", tildelt_kr=37_510_000)
    for nummer, dato, status, belop in ((1, date(2024, 5, 1), "sendt", 1_000_000),
                                        (2, date(2024, 9, 1), "sendt", 5_000_000),
                                        (3, date(2024, 3, 1), "utkast", 9_000_000)):
        tillegg = Tillegg.objects.create(tildelingsbrev=brev, nummer=nummer, dato=dato, status=status,
                                         sendt=timezone.now() if status == "sendt" else None)
        Budsjettendring.objects.create(tillegg=tillegg, post=post, endring_kr=belop)

    return Oppsett(
        brev=brev,
        punkt_halvaar=RapporteringspunktFactory(tildelingsbrev=brev, type="halvaarsrapport",
                                                betegnelse="Halvårsrapportering for 2024",
                                                telletidspunkt=date(2024, 6, 30), frist=date(2024, 8, 18)),
        punkt_aar=RapporteringspunktFactory(tildelingsbrev=brev),
        sp_tall=sp_tall, sp_tekst=sp_tekst, oppdrag_fulgt=fulgt, oppdrag_uten=uten, post=post,
        kontakt=kontakt, leder=leder,
        dep=UserFactory(organisasjon=dep_org, rolle=Rolle.DEPARTEMENT_REDAKTOR),
        annet_dep=UserFactory(rolle=Rolle.DEPARTEMENT_REDAKTOR),
        annen_virksomhet=UserFactory(virksomhet=True),
        observator=UserFactory(observator=True),
    )


@pytest.fixture
def oppsett(db) -> Oppsett:
    return bygg_oppsett()
