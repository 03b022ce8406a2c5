"""The reports list (#12 item 8): each report once, due and overdue first, "Opprett" only where a
report can be made now."""

from __future__ import annotations

import re
from datetime import date

import pytest
from django.urls import reverse

from brukere.models import Rolle
from rapportering import services
from rapportering.oversikt import rapportoversikt
from tests.factories import RapporteringspunktFactory, TildelingsbrevFactory, UserFactory, VirksomhetFactory

pytestmark = pytest.mark.django_db


def _to_brev():
    """An agency with IMDi's pattern: the 2023 and the 2024 letter both ask for Årsrapport 2023."""
    virk = VirksomhetFactory()
    b23 = TildelingsbrevFactory(virksomhet=virk, aar=2023, sendt_brev=True)
    b24 = TildelingsbrevFactory(virksomhet=virk, departement=b23.departement, aar=2024, sendt_brev=True)
    p = {
        "aar22": RapporteringspunktFactory(tildelingsbrev=b23, rapport_aar=2022),
        "halv23": RapporteringspunktFactory(tildelingsbrev=b23, type="halvaarsrapport", rapport_aar=2023,
                                            betegnelse="Halvårsrapportering for 2023",
                                            telletidspunkt=date(2023, 6, 30), frist=date(2023, 8, 18)),
        "aar23_i_23": RapporteringspunktFactory(tildelingsbrev=b23, rapport_aar=2023),
        "aar23": RapporteringspunktFactory(tildelingsbrev=b24, rapport_aar=2023),
        "halv24": RapporteringspunktFactory(tildelingsbrev=b24, type="halvaarsrapport", rapport_aar=2024,
                                            betegnelse="Halvårsrapportering for 2024",
                                            telletidspunkt=date(2024, 6, 30), frist=date(2024, 8, 18)),
        "aar24": RapporteringspunktFactory(tildelingsbrev=b24, rapport_aar=2024),
    }
    kontakt = UserFactory(organisasjon=virk, rolle=Rolle.VIRKSOMHET_KONTAKT)
    dep = UserFactory(organisasjon=b23.departement, rolle=Rolle.DEPARTEMENT_REDAKTOR)
    return p, kontakt, dep


def _titler(rader):
    return [(r.punkt.type, r.punkt.rapport_aar) for r in rader]


def test_hver_rapport_en_gang_og_forfalte_foerst():
    p, kontakt, _ = _to_brev()
    o = rapportoversikt(kontakt, date(2024, 9, 1))
    alle = o.aa_levere + o.kommende + o.sendt + o.eldre
    assert len(alle) == 5  # six rows, Årsrapport 2023 stands in both letters' tables
    [aar23] = [r for r in alle if _titler([r]) == [("aarsrapport", 2023)]]
    assert aar23.punkt == p["aar23"] and aar23.brev_aar == "2023 og 2024"
    # 1 September 2024: the half-year report (deadline 18.08) is overdue, Årsrapport 2023 too.
    assert _titler(o.aa_levere) == [("aarsrapport", 2023), ("halvaarsrapport", 2024)]
    assert all(r.forfalt for r in o.aa_levere) and o.antall_forfalt == 2
    assert _titler(o.kommende) == [("aarsrapport", 2024)]
    assert not o.kommende[0].forfalt and o.kommende[0].kan_opprette  # its year has begun
    # Older rows replaced by a later one of the same kind whose deadline has passed: history only.
    assert sorted(_titler(o.eldre)) == [("aarsrapport", 2022), ("halvaarsrapport", 2023)]
    assert not any(r.kan_opprette for r in o.eldre)


def test_en_senere_rapport_gjor_den_gamle_til_historikk():
    p, kontakt, _ = _to_brev()
    services.rapport_opprett(punkt=p["aar24"], user=kontakt)
    o = rapportoversikt(kontakt, date(2025, 1, 10))
    # The 2024 report exists, so the unwritten Årsrapport 2023 is history; the draft is due now.
    assert ("aarsrapport", 2023) in _titler(o.eldre)
    assert _titler(o.aa_levere) == [("halvaarsrapport", 2024), ("aarsrapport", 2024)]
    assert [r.kan_opprette for r in o.aa_levere] == [True, False]
    assert o.aa_levere[0].forfalt and not o.aa_levere[1].forfalt


def test_siden_viser_forfalt_i_ord_og_bare_aktuelle_knapper(client):
    p, kontakt, dep = _to_brev()
    client.force_login(kontakt)
    html = client.get(reverse("rapportering:liste")).content.decode().replace("\xa0", " ")
    # Today is after every deadline here: the two current reports are due, marked in words.
    assert html.count("Forfalt:") == 2
    assert html.count(">Opprett rapport<") == 2
    knapper = re.findall(r'action="(/rapporter/[^"]+)"', html)
    assert knapper == [reverse("rapportering:opprett", args=[p["halv24"].pk]),
                       reverse("rapportering:opprett", args=[p["aar24"].pk])]
    assert html.count("Årsrapport og regnskap for budsjettåret 2023") == 1
    assert "Eldre rapporteringspunkter (3)" in html
    assert html.index("Skal leveres") < html.index("Eldre rapporteringspunkter")
    # The ministry sees the same list without buttons, and not the agency's drafts.
    client.force_login(dep)
    html = client.get(reverse("rapportering:liste")).content.decode()
    assert "Opprett rapport" not in html and html.count("Forfalt:") == 2 and "Ikke mottatt" in html


def test_rapportlisten_har_fast_antall_sporringer(client, django_assert_num_queries):
    p, kontakt, _ = _to_brev()
    client.force_login(kontakt)
    with django_assert_num_queries(6):
        client.get(reverse("rapportering:liste"))
    for aar in range(2015, 2022):
        b = TildelingsbrevFactory(virksomhet=kontakt.organisasjon, departement=p["aar22"].tildelingsbrev.departement,
                                  aar=aar, sendt_brev=True)
        punkt = RapporteringspunktFactory(tildelingsbrev=b)
        RapporteringspunktFactory(tildelingsbrev=b, type="halvaarsrapport", betegnelse=f"Halvår {aar}",
                                  telletidspunkt=date(aar, 6, 30), frist=date(aar, 8, 18))
        services.rapport_opprett(punkt=punkt, user=kontakt)
    with django_assert_num_queries(6):
        response = client.get(reverse("rapportering:liste"))
    assert response.content.decode().count("Utkast") == 7
