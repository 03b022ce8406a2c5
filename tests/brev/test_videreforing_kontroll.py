"""Carrying IMDi's 2024 letter forward gives a 2025 draft ready to edit: headings and set phrases
moved on, what still reads as last year listed by the check and blocking approval until it is
fixed or acknowledged with a reason; a sent letter's check reads as sent."""

from __future__ import annotations

import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from brukere.models import User
from styring.models import Maal, Tildelingsbrev
from tests.styring.brevdata import load_demo

pytestmark = pytest.mark.django_db


@pytest.fixture
def redaktor(client):
    load_demo()
    client.force_login(User.objects.get(username="dep.redaktor"))
    return client


def _viderefor(client, brev) -> Tildelingsbrev:
    client.post(reverse("brev:brev-viderefor", args=[brev.pk]))
    return Tildelingsbrev.objects.get(virksomhet=brev.virksomhet, aar=brev.aar + 1)


def _side(client, brev) -> str:
    return client.get(reverse("brev:brev", args=[brev.pk])).content.decode()


def _funn(html: str) -> dict[str, str]:
    """The findings offered for acknowledgement: label text -> key."""
    nokler = dict(re.findall(r'name="funn" value="([^"]+)" id="(funn-\d+)"', html))
    etiketter = dict(re.findall(r'<label for="(funn-\d+)">(.*?)</label>', html, re.S))
    return {etiketter[i]: n for n, i in nokler.items()}


def test_years_move_on_in_headings_set_phrases_and_standard_paragraphs_only(redaktor):
    ny = _viderefor(redaktor, load_demo()[2024])
    titler = list(ny.avsnitt.values_list("tittel", flat=True))
    assert "Overordnede prioriteringer for 2025" in titler and "Integreringskonferanser 2025" in titler
    innledning = " ".join(ny.avsnitt.get(nummer="1").tekst.split())
    assert "Prop.1 S (2024-2025)" in innledning and "Innst. 16 S (2024-2025)" in innledning
    assert "budsjettvedtak av 15. desember 2024" in innledning and "Tildelingsbrevet for 2025" in innledning
    # Chapter 7 was in the 2023 letter with every year one lower: a standard paragraph, moved whole.
    moter = " ".join(ny.avsnitt.get(nummer="7").tekst.split())
    assert "to etatsstyringsmøter i 2025" in moter and "årsrapporten for 2024 og halvårsrapporten for 2025" in moter
    # Substantive text keeps what it said: mål 3 still names 2023 (a finding, not a silent rewrite).
    assert "leveringsfrist i 2023 eller senere" in Maal.objects.get(tildelingsbrev=ny, nummer=3).overskrift_tidligere_oppdrag
    assert "siden 2014" in ny.avsnitt.get(nummer="3.2").tekst
    assert "oppdrag 2022-09" in " ".join(ny.avsnitt.get(nummer="3.2").tekst.split())
    assert sorted(ny.rapporteringspunkter.values_list("rapport_aar", "frist__year")) == [
        (2024, 2025), (2025, 2025), (2025, 2026)]


def test_findings_block_approval_until_fixed_or_acknowledged_with_a_recorded_reason(redaktor):
    ny = _viderefor(redaktor, load_demo()[2024])
    html = _side(redaktor, ny)
    funn = _funn(html)
    maal3 = [t for t in funn if t.startswith("Mål 3, overskriften over oppdrag gitt tidligere")]
    assert maal3 and "nevner 2023" in maal3[0]
    post01 = [t for t in funn if t.startswith("Kap. 670 post 01")]
    assert post01 and "videreført fra 2024 og må oppdateres" in post01[0]
    # The substantive chapter 2 names 2024 three times, word for word as last year.
    assert sum(t.startswith("Kapittel 2 «Overordnede prioriteringer for 2025»") for t in funn) == 3
    assert re.search(r'<button class="ds-button sekundar"[^>]*>Send til godkjenning', html)

    response = redaktor.post(reverse("brev:brev-til-godkjenning", args=[ny.pk]), follow=True)
    ny.refresh_from_db()
    assert ny.status == "utkast"
    assert "feil som må rettes før det kan sendes til godkjenning" in response.content.decode()

    # A reason is required; nothing is recorded without one.
    response = redaktor.post(reverse("brev:brev-kvitter", args=[ny.pk]),
                             {"funn": [funn[post01[0]]], "grunn": "  "}, follow=True)
    assert "Skriv hvorfor funnene kan stå som de er." in response.content.decode()
    assert not ny.kvitteringer.exists()

    # Fixing the heading removes its finding.
    m = Maal.objects.get(tildelingsbrev=ny, nummer=3)
    m.overskrift_tidligere_oppdrag = m.overskrift_tidligere_oppdrag.replace("2023", "2025")
    m.save()
    html = _side(redaktor, ny)
    funn = _funn(html)
    assert not [t for t in funn if t.startswith("Mål 3, overskriften")]

    # Acknowledging the rest with a reason lets the letter go to approval.
    response = redaktor.post(reverse("brev:brev-kvitter", args=[ny.pk]),
                             {"funn": list(funn.values()), "grunn": "Rammene er vedtatt uendret."}, follow=True)
    html = response.content.decode()
    assert f"{len(funn)} funn er kvittert ut med begrunnelse." in html
    assert ny.kvitteringer.count() == len(funn)
    assert "Kvittert ut av" in html and "Begrunnelse: Rammene er vedtatt uendret." in html
    saksgang = re.search(r'<h2 id="saksgang-tittel">Saksgang</h2>(.*?)</section>', html, re.S).group(1)
    # One entry for the one acknowledgement, with its reason.
    assert saksgang.count(f"Kvitterte ut {len(funn)} funn i kontrollen.") == 1
    assert "Begrunnelse: Rammene er vedtatt uendret." in saksgang
    assert re.search(r'<button class="ds-button" type="submit">Send til godkjenning', html)

    redaktor.post(reverse("brev:brev-til-godkjenning", args=[ny.pk]))
    ny.refresh_from_db()
    assert ny.status == "til_godkjenning"


def test_a_changed_text_is_a_new_finding_even_after_an_acknowledgement(redaktor):
    ny = _viderefor(redaktor, load_demo()[2024])
    funn = _funn(_side(redaktor, ny))
    post01 = next(t for t in funn if t.startswith("Kap. 670 post 01"))
    redaktor.post(reverse("brev:brev-kvitter", args=[ny.pk]), {"funn": [funn[post01]], "grunn": "Uendret ramme."})
    html = _side(redaktor, ny)
    assert post01 not in _funn(html)
    assert f"Kvitterte ut funn i kontrollen: {post01} Begrunnelse: Uendret ramme." in html
    # A key that is no finding of the letter is refused, and nothing is stored.
    response = redaktor.post(reverse("brev:brev-kvitter", args=[ny.pk]),
                             {"funn": ["videreføring:finnes-ikke"], "grunn": "Uendret."}, follow=True)
    assert "finnes ikke lenger" in response.content.decode()
    assert ny.kvitteringer.count() == 1


def test_saksgang_lists_the_carry_forward_once(redaktor):
    ny = _viderefor(redaktor, load_demo()[2024])
    assert _side(redaktor, ny).count("Videreført fra tildelingsbrevet for 2024") == 1


def test_no_next_year_letter_from_an_unsent_draft(redaktor):
    ny = _viderefor(redaktor, load_demo()[2024])
    html = _side(redaktor, ny)
    assert "Lag tildelingsbrev for 2026" not in html
    response = redaktor.post(reverse("brev:brev-viderefor", args=[ny.pk]), follow=True)
    assert "Tildelingsbrevet for 2026 kan bare lages fra et brev som er sendt" in response.content.decode()
    assert not Tildelingsbrev.objects.filter(virksomhet=ny.virksomhet, aar=2026).exists()
    assert "Lag tildelingsbrev for 2026" not in redaktor.get(reverse("brev:brev-liste")).content.decode()


def test_a_sent_letter_shows_its_check_as_one_folded_line_below_the_actions(redaktor):
    html = _side(redaktor, load_demo()[2024])
    assert "før brevet kan sendes til godkjenning" not in html
    oppsummering = re.search(r"<details>\s*<summary>(Kontrollen fant \d+ forhold i brevet slik det ble sendt[^<]*)",
                             html)
    assert oppsummering and "hvorav 3 feil" in oppsummering.group(1)
    brevet = html.index('class="dokument brev"')
    # The demo's 2024 letter has tillegg nr. 1 (the spring meeting's decision), so the next one is nr. 2.
    for handling in ("Lag PDF", "Sammenlign med 2023", "Historikk", "Lag tillegg nr. 2", "Lag tildelingsbrev for 2025"):
        assert html.index(handling) < html.index("Kontrollen fant") < brevet, handling


def test_another_ministrys_draft_is_not_compared_with(client):
    """DEPB's draft must not learn, through the check, that its text equals DEPA's unsent draft."""
    from brukere.models import Rolle
    from styring.models import Brevavsnitt
    from tests.factories import DepartementFactory, TildelingsbrevFactory, UserFactory, VirksomhetFactory

    virk, dep_a, dep_b = VirksomhetFactory(), DepartementFactory(), DepartementFactory()
    forrige = TildelingsbrevFactory(virksomhet=virk, departement=dep_a, aar=2026)
    utkast = TildelingsbrevFactory(virksomhet=virk, departement=dep_b, aar=2027)
    for b in (forrige, utkast):
        Brevavsnitt.objects.create(tildelingsbrev=b, nummer="1", tittel="Innledning", tekst="Rammene for 2026 gjelder.")
    client.force_login(UserFactory(organisasjon=dep_b, rolle=Rolle.DEPARTEMENT_REDAKTOR))
    assert not _funn(_side(client, utkast))
    forrige.status, forrige.sendt = "sendt", timezone.now()
    forrige.save()
    assert list(_funn(_side(client, utkast))) == [
        "Kapittel 1 «Innledning» står som i tildelingsbrevet for 2026 og nevner 2026: «Rammene for 2026 gjelder.»"]


def test_the_draft_page_runs_as_many_queries_with_many_findings_as_with_few(client, django_assert_num_queries):
    from brukere.models import Rolle
    from styring.models import Brevavsnitt
    from tests.factories import (
        BudsjettkapittelFactory,
        BudsjettpostFactory,
        DepartementFactory,
        TildelingsbrevFactory,
        UserFactory,
        VirksomhetFactory,
    )

    virk, dep = VirksomhetFactory(), DepartementFactory()
    sendt = TildelingsbrevFactory(virksomhet=virk, departement=dep, aar=2024, status="sendt", sendt=timezone.now())
    utkast = TildelingsbrevFactory(virksomhet=virk, departement=dep, aar=2025)
    kapitler = {b: BudsjettkapittelFactory(tildelingsbrev=b, nummer=670) for b in (sendt, utkast)}

    def legg_til(fra: int, til: int):
        for i in range(fra, til):
            for b in (sendt, utkast):
                Brevavsnitt.objects.create(tildelingsbrev=b, nummer=str(i), tittel=f"Kapittel {i}",
                                           tekst=f"Tiltak {i} gjennomføres i 2024.", rekkefolge=i)
                BudsjettpostFactory(kapittel=kapitler[b], post=i + 1, tildelt_kr=1_000_000 * (i + 1))

    client.force_login(UserFactory(organisasjon=dep, rolle=Rolle.DEPARTEMENT_REDAKTOR))
    legg_til(0, 2)
    url = reverse("brev:brev", args=[utkast.pk])
    client.get(url)
    with CaptureQueriesContext(connection) as faa:
        assert len(_funn(client.get(url).content.decode())) == 4
    legg_til(2, 20)
    with django_assert_num_queries(len(faa.captured_queries)):
        assert len(_funn(client.get(url).content.decode())) == 40


def test_budget_and_fellesforing_headings_move_on(client):
    from brev import services
    from brukere.models import Rolle
    from styring.models import Fellesforing
    from tests.factories import (
        BudsjettkapittelFactory,
        BudsjettpostFactory,
        DepartementFactory,
        TildelingsbrevFactory,
        UserFactory,
        VirksomhetFactory,
    )

    virk, dep = VirksomhetFactory(), DepartementFactory()
    sendt = TildelingsbrevFactory(virksomhet=virk, departement=dep, aar=2024, status="sendt", sendt=timezone.now())
    kap = BudsjettkapittelFactory(tildelingsbrev=sendt, nummer=670, betegnelse="Direktoratet 2024")
    BudsjettpostFactory(kapittel=kap, post=1, overskrift="Post 01 Driftsutgifter 2024")
    Fellesforing.objects.create(tildelingsbrev=sendt, tittel="Konsulentbruk i 2024", tekst="Rapporter.")
    ny = services.brev_viderefor(brev=sendt, acting_user=UserFactory(organisasjon=dep,
                                                                     rolle=Rolle.DEPARTEMENT_REDAKTOR))
    nk = ny.kapitler.get()
    assert nk.betegnelse == "Direktoratet 2025"
    assert nk.poster.get().overskrift == "Post 01 Driftsutgifter 2025"
    assert ny.fellesforinger.get().tittel == "Konsulentbruk i 2025"
