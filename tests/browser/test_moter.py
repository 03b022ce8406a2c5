"""The meeting journey in a real browser: the ministry plans a meeting whose agenda is drafted from
a red oppdrag, the agency proposes an item and attaches a document, the ministry writes the minutes
with two decisions and sends them, both sides approve, one decision becomes an oppdrag in the
letter's next tillegg, and the oppfølgingspunkt reminds its owner. axe-core (WCAG 2.1 AA) and the
CSP on every page and state on the way (empty, errors, draft, out for comments, approved)."""

from __future__ import annotations

from datetime import date

import pytest

from brukere.models import Rolle
from moter.models import Mote, Vedtak
from oppdrag.models import Oppdrag
from oppdrag.services import oppdrag_set_status
from tests.factories import OppdragFactory, TildelingsbrevFactory, UserFactory

from .conftest import axe_sjekk, forvent_tekst

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.browser]


def _ingen_brudd(page, hva: str):
    rapport = axe_sjekk(page)
    assert rapport == "", f"{hva}:\n{rapport}"
    assert page.csp_feil == [], f"{hva}: CSP-feil {page.csp_feil}"


def test_agenda_referat_vedtak_blir_oppdrag_og_punktet_minner(innlogget, tmp_path, settings, mailoutbox):
    settings.MEDIA_ROOT = str(tmp_path)
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    brev = TildelingsbrevFactory(aar=2026, sendt_brev=True)
    dep = UserFactory(username="saksbehandler", first_name="Siri", last_name="Saksbehandler",
                      organisasjon=brev.departement, rolle=Rolle.DEPARTEMENT_REDAKTOR)
    brev.kontaktperson = dep
    brev.save()
    kontakt = UserFactory(username="kontakt", first_name="Kari", last_name="Kontakt", organisasjon=brev.virksomhet,
                          rolle=Rolle.VIRKSOMHET_KONTAKT)
    leder = UserFactory(username="leder", first_name="Lars", last_name="Leder", organisasjon=brev.virksomhet,
                        rolle=Rolle.VIRKSOMHET_LEDER)
    rod = OppdragFactory(tildelingsbrev=brev, nummer="2026-03", tittel="Kartlegge tolkebehovet")
    oppdrag_set_status(oppdrag=rod, status="paagaar", risiko="rod", risiko_tekst="Data mangler.",
                       gjelder_dato=date(2026, 5, 1), acting_user=kontakt)

    # The ministry plans the meeting; the empty form shows its errors.
    side = innlogget(dep)
    side.goto("/")
    side.goto("/moter/")
    _ingen_brudd(side, "møtelisten uten møter")
    side.click(f"a[href='/moter/ny/{brev.pk}/']")
    side.click("button:has-text('Opprett møtet')")
    forvent_tekst(side, "Skriv datoen for møtet.")
    _ingen_brudd(side, "nytt møte med feil")
    side.select_option("#id_mote-type", "etatsstyringsmote")
    side.fill("#id_mote-tittel", "Etatsstyringsmøte vår")
    side.fill("#id_mote-dato", "3. juni 2099")
    side.fill("#id_mote-sted", "Akersgata 64")
    side.fill("#id_mote-dagsorden_frist", "20.05.2099")
    side.click("button:has-text('Opprett møtet')")
    forvent_tekst(side, "Oppdrag 2026-03 Kartlegge tolkebehovet")  # drafted from the red oppdrag
    mote = Mote.objects.get(tittel="Etatsstyringsmøte vår")
    _ingen_brudd(side, "møtesiden med utkast til dagsorden")

    # The agency proposes an item (first empty: the error), and attaches a document.
    virk = innlogget(kontakt)
    virk.goto(f"/moter/{mote.pk}/")
    virk.click("form[action$='/saker/'] button[type=submit]")
    forvent_tekst(virk, "Skriv hva saken gjelder.")
    _ingen_brudd(virk, "forslag uten tekst")
    virk.fill("#id_sak-tittel", "Kommunenes kapasitet for bosetting")
    virk.click("form[action$='/saker/'] button[type=submit]")
    forvent_tekst(virk, "er foreslått til dagsordenen")
    pdf = tmp_path / "innspill.pdf"
    pdf.write_bytes(b"%PDF-1.4\n1 0 obj<</Type/Catalog>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n")
    virk.fill("#id_vedlegg-tittel", "Innspill fra virksomheten")
    virk.set_input_files("#id_vedlegg-fil", str(pdf))
    virk.click("form[action$='/dokumenter/'] button[type=submit]")
    forvent_tekst(virk, "Innspill fra virksomheten")
    _ingen_brudd(virk, "møtesiden med forslag og dokument")

    # The ministry holds the meeting: the minutes start with one heading per item.
    side.goto(f"/moter/{mote.pk}/")
    side.click("form[action$='/referat/start/'] button[type=submit]")
    assert "Sak 2: Kommunenes kapasitet for bosetting" in side.input_value("#id_referat-tekst")
    _ingen_brudd(side, "referat i utkast")
    assert virk.goto(f"/moter/{mote.pk}/referat/").status == 404  # the draft is the ministry's
    side.fill("#id_referat-tekst", "Sak 1: Oppdraget er forsinket.\n\nSak 2: Partene drøftet kapasiteten.")
    side.click("form[action$='/referat/'] button[type=submit]")
    side.click("text=Før et vedtak")
    side.check("input[name='vedtak-art'][value='oppfolging']")
    side.fill("#id_vedtak-tittel", "Revidert leveranseplan")
    side.click("button:has-text('Lagre vedtaket')")
    forvent_tekst(side, "Et oppfølgingspunkt må ha en frist.")
    _ingen_brudd(side, "vedtak med feil")
    side.select_option("#id_vedtak-ansvarlig", str(leder.pk))
    side.fill("#id_vedtak-frist", "15.09.2099")
    side.click("button:has-text('Lagre vedtaket')")
    side.click("text=Før et vedtak")
    side.check("input[name='vedtak-art'][value='oppdrag']")
    side.fill("#id_vedtak-tittel", "Kartlegge kommunenes kapasitet")
    side.fill("#id_vedtak-frist", "1. november 2099")
    side.click("button:has-text('Lagre vedtaket')")
    side.click("button:has-text('Send referatet til')")
    forvent_tekst(side, "sendt til")

    # The agency reads, comments and approves; then the ministry approves and the minutes lock.
    virk.goto(f"/moter/{mote.pk}/referat/")
    forvent_tekst(virk, "Partene drøftet kapasiteten.")
    virk.fill("#id_merknad-tekst", "Presiser at kartleggingen gjøres med KS.")
    virk.click("form[action$='/merknad/'] button[type=submit]")
    _ingen_brudd(virk, "referat til kommentar")
    virk.click("button:has-text('Godkjenn referatet')")
    side.goto(f"/moter/{mote.pk}/referat/")
    side.click("button:has-text('Godkjenn referatet')")
    forvent_tekst(side, "godkjent av begge parter og er nå låst")
    assert side.locator("#id_referat-tekst").count() == 0
    _ingen_brudd(side, "godkjent referat")

    # The new oppdrag goes into the letter's next tillegg (a new draft), ready to complete there.
    side.click("button:has-text('Legg inn som oppdrag i neste tillegg')")
    forvent_tekst(side, "er lagt inn som oppdrag")  # the answer first: then the server is done
    oppdrag = Oppdrag.objects.get(tittel="Kartlegge kommunenes kapasitet")
    assert oppdrag.tillegg.status == "utkast" and oppdrag.tillegg.tildelingsbrev_id == brev.pk
    assert f"/tillegg/{oppdrag.tillegg.nummer}/" in side.url

    # The oppfølgingspunkt is on the owner's Min side and reminds them a week ahead.
    ledersiden = innlogget(leder)
    ledersiden.goto("/")
    forvent_tekst(ledersiden, "Revidert leveranseplan")
    _ingen_brudd(ledersiden, "Min side med oppfølgingspunkt")
    ledersiden.goto(f"/moter/{mote.pk}/referat/")
    ledersiden.click("summary:has-text('Følg opp vedtak 1')")
    ledersiden.select_option(f"#punkt-{Vedtak.objects.get(mote=mote, nummer=1).pk}-status", "paagaar")
    ledersiden.fill("textarea[name='punkt-tekst']", "Planen er under arbeid.")
    ledersiden.click("button:has-text('Lagre oppfølging')")
    forvent_tekst(ledersiden, "Planen er under arbeid.")
    _ingen_brudd(ledersiden, "referat med oppfølging")

    from varsler.services import paaminnelser_kjor

    paaminnelser_kjor(dato=date(2099, 9, 8))
    emner = [(m.to[0], m.subject) for m in mailoutbox]
    assert (leder.email, "Påminnelse: frist om 7 dager (15.09.2099) – Oppfølgingspunkt «Revidert leveranseplan» fra "
                         "etatsstyringsmøte vår 03.06.2099") in emner
