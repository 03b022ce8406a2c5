"""The whole journey in a real browser: a ministry editor creates the 2025 letter from 2024 and
adds an oppdrag with a two-part frist, the approver sends it; an IMDi user sets that oppdrag to
yellow with a comment and uploads a delivery; the ministry user sees it on the dashboard and in
the history."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from brukere.models import Rolle, User
from oppdrag.models import Frist, Leveranse, Oppdrag
from styring.models import Organisasjon, Tildelingsbrev

from .conftest import axe_sjekk, forvent_tekst, innhold

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.browser]

PASSORD = "et-langt-testpassord-2025"


def _bruker(brukernavn: str, org: str, rolle: str, fornavn: str, etternavn: str) -> User:
    return User.objects.create_user(brukernavn, f"{brukernavn}@example.no", PASSORD, first_name=fornavn,
                                    last_name=etternavn, organisasjon=Organisasjon.objects.get(kortnavn=org),
                                    rolle=rolle)


def _logg_inn(nettleser, live_server, brukernavn: str):
    """Through the login page, as a person would."""
    context = nettleser.new_context(base_url=live_server.url, locale="nb-NO")
    context.set_default_timeout(20_000)
    page = context.new_page()
    page.goto("/")
    assert "/logg-inn/" in page.url
    page.get_by_label("Brukernavn").fill(brukernavn)
    page.get_by_label("Passord").fill(PASSORD)
    page.get_by_role("button", name="Logg inn").click()
    page.wait_for_url(re.compile(r"/$"))
    return context, page


def test_hele_reisen_fra_nytt_brev_til_oppfolging_og_historikk(nettleser, live_server, demo_live, tmp_path, settings):
    settings.MEDIA_ROOT = tmp_path
    redaktor = _bruker("kari.redaktor", "AID", Rolle.DEPARTEMENT_REDAKTOR, "Kari", "Redaktør")
    _bruker("per.godkjenner", "AID", Rolle.DEPARTEMENT_GODKJENNER, "Per", "Godkjenner")
    _bruker("ola.imdi", "IMDi", Rolle.VIRKSOMHET_OPPDRAGSEIER, "Ola", "Oppfølger")
    brev_2024 = Tildelingsbrev.objects.get(virksomhet__kortnavn="IMDi", aar=2024)

    # 1. The editor carries the 2024 letter forward to 2025.
    ctx, page = _logg_inn(nettleser, live_server, "kari.redaktor")
    page.goto(f"/brev/{brev_2024.pk}/")
    page.get_by_role("button", name="Lag tildelingsbrev for 2025").click()
    page.wait_for_url(re.compile(r"/brev/\d+/$"))
    brev_2025 = Tildelingsbrev.objects.get(virksomhet__kortnavn="IMDi", aar=2025)
    assert f"/brev/{brev_2025.pk}/" in page.url
    forvent_tekst(page, "Tildelingsbrevet for 2025 er laget som utkast")
    assert brev_2025.maal.count() == brev_2024.maal.count()

    # 2. … and adds an oppdrag with a two-part frist.
    page.get_by_role("link", name="Rediger brevet").click()
    page.get_by_role("link", name="Nytt oppdrag").click()
    page.fill("#id_oppdrag-nummer", "2025-01")
    page.fill("#id_oppdrag-tittel", "Kartlegge introduksjonsprogrammet i kommunene")
    page.select_option("#id_oppdrag-maal", index=1)
    page.fill("#id_frister-0-tekst", "Del 1: 1. juni 2025")
    page.fill("#id_frister-1-tekst", "Del 2: 1. desember 2025")
    page.get_by_role("button", name=re.compile("^Lagre")).first.click()
    page.wait_for_load_state()
    oppdrag = Oppdrag.objects.get(virksomhet__kortnavn="IMDi", nummer="2025-01")
    frister = sorted(Frist.objects.filter(oppdrag=oppdrag).values_list("dato", flat=True))
    assert [f"{d:%d.%m.%Y}" for d in frister] == ["01.06.2025", "01.12.2025"]

    # 3. … acknowledges what the check lists as carried over unchanged, and puts it forward for approval.
    page.goto(f"/brev/{brev_2025.pk}/")
    for boks in page.locator("input[name=funn]").all():
        boks.check()
    page.get_by_label("Begrunnelse for at de avkryssede funnene kan stå").fill("Gjennomgått; står som i fjor.")
    page.get_by_role("button", name="Kvitter ut avkryssede funn").click()
    page.wait_for_load_state()
    forvent_tekst(page, "funn er kvittert ut med begrunnelse")
    page.get_by_role("button", name="Send til godkjenning").click()
    page.wait_for_load_state()
    forvent_tekst(page, "sendt til godkjenning")
    ctx.close()

    # 4. The approver sends it.
    ctx, page = _logg_inn(nettleser, live_server, "per.godkjenner")
    page.goto(f"/brev/{brev_2025.pk}/")
    page.get_by_role("button", name="Godkjenn og send brevet").click()
    page.wait_for_load_state()
    forvent_tekst(page, "godkjent og sendt")
    brev_2025.refresh_from_db()
    assert brev_2025.status == "sendt"
    ctx.close()

    # 5. IMDi sets the oppdrag to yellow with a comment and uploads a delivery.
    ctx, page = _logg_inn(nettleser, live_server, "ola.imdi")
    page.goto(f"/oppdrag/{oppdrag.pk}/")
    skjema = page.locator("form[data-skjema=oppfolging]")
    skjema.get_by_label("Status").select_option("paagaar")
    skjema.locator("input[name=risiko][value=gul]").check()
    skjema.get_by_label("Vurdering").fill("Del 1 blir tre uker forsinket fordi kommunene svarer sent.")
    skjema.get_by_label("Kommentar").fill("Purring sendt til 40 kommuner.")
    skjema.get_by_role("button", name="Registrer statusoppdatering").click()
    # htmx swaps the page's content in place; wait for the new entry in the timeline.
    expect(page.locator("ol.oppfolging dd", has_text="Purring sendt til 40 kommuner.").first).to_be_visible()
    fil = tmp_path / "delrapport.pdf"
    fil.write_bytes(b"%PDF-1.7\n1 0 obj << >> endobj\ntrailer << >>\n%%EOF\n")
    levering = page.locator("form[data-skjema=leveranse]")
    levering.get_by_label("Tittel").fill("Delrapport 1")
    levering.locator("input[type=file]").set_input_files(str(fil))
    levering.get_by_role("button", name="Last opp").click()
    expect(page.get_by_role("link", name=re.compile("Delrapport 1")).first).to_be_visible()
    assert Leveranse.objects.filter(oppdrag=oppdrag, tittel="Delrapport 1").exists()
    assert axe_sjekk(page) == ""
    ctx.close()

    # 6. The ministry sees it on the dashboard and in the history.
    ctx, page = _logg_inn(nettleser, live_server, "kari.redaktor")
    html = innhold(page)
    assert "2025-01" in html and "Purring sendt til 40 kommuner." in html
    assert "Gul" in page.locator("#risiko ~ div").first.inner_text()
    page.goto(f"/oppdrag/{oppdrag.pk}/")
    page.locator("#historikk + details > summary").click()
    historikk = page.locator("#historikk + details").inner_text()
    assert "Ola Oppfølger" in historikk and "Gul" in historikk
    ctx.close()

    # Each step is recorded under the person who took it.
    brev_2025.refresh_from_db()
    assert brev_2025.history.earliest("history_date").history_user == redaktor
    assert oppdrag.history.earliest("history_date").history_user == redaktor
    assert brev_2025.godkjent_av.username == "per.godkjenner"
    assert [s.opprettet_av.username for s in oppdrag.statusoppdateringer.all()] == ["ola.imdi"]
