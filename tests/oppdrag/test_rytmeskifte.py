"""A reporting rhythm that changes within the year (#13 item 5): "Månedlig frem til 1. juli,
deretter kvartalsvis" is one frist, typed once and shown as written, whose dates are monthly until
the switch and quarterly after it, for reminders, the calendar feed, the editor and the archive."""

from __future__ import annotations

from datetime import date

import pytest
from django.core import mail
from django.urls import reverse
from icalendar import Calendar

from brev.forms import tolkning
from oppdrag.frister import occurrences, parse_frist, split_frist
from oppdrag.models import Frist, Oppdrag
from oppdrag.services import apply_frist_text
from tests.brev.test_redigering import formsett, oppdrag_data
from tests.factories import FristFactory, OppdragFactory, TildelingsbrevFactory, UserFactory
from tests.rapportering.skjema import skjemadata
from tests.varsler.test_paaminnelser import brev  # noqa: F401  (a sent 2024 letter with both contacts)
from varsler.kalender import kalender_ics
from varsler.models import Paaminnelse
from varsler.services import paaminnelser_kjor

MAANEDLIG_SAA_KVARTALSVIS = [date(2024, 1, 31), date(2024, 2, 29), date(2024, 3, 31), date(2024, 4, 30),
                             date(2024, 5, 31), date(2024, 6, 30), date(2024, 9, 30), date(2024, 12, 31)]


@pytest.mark.parametrize("tekst", [
    "Månedlig frem til 1. juli, deretter kvartalsvis",
    "Månedlig fram til 30. juni 2024, deretter kvartalsvis",
    "Hver måned til og med juni og deretter hvert kvartal",
    "månedlig til juli, så kvartalsvis ut året",
])
def test_skiftende_rytme_gir_maanedlige_og_saa_kvartalsvise_datoer(tekst):
    f = parse_frist(tekst, aar=2024)
    assert (f.form, f.intervall_mnd, f.ny_rytme_fra, f.ny_rytme_intervall_mnd) == (
        "gjentakende", 1, date(2024, 7, 1), 3)
    assert occurrences(f, fra=date(2024, 1, 1), til=date(2026, 12, 31)) == MAANEDLIG_SAA_KVARTALSVIS
    # A window inside the year gives only its own dates.
    assert occurrences(f, fra=date(2024, 6, 1), til=date(2024, 10, 31)) == [date(2024, 6, 30), date(2024, 9, 30)]
    assert [d.tekst for d in split_frist(tekst, aar=2024)] == [tekst]  # one frist, kept as written


def test_kvartalsvis_saa_maanedlig_og_tolkningen_i_ord():
    f = parse_frist("Kvartalsvis frem til 1. juli 2024, deretter månedlig", aar=2024)
    assert occurrences(f, fra=date(2024, 1, 1), til=date(2024, 12, 31)) == [
        date(2024, 3, 31), date(2024, 6, 30), date(2024, 7, 31), date(2024, 8, 31), date(2024, 9, 30),
        date(2024, 10, 31), date(2024, 11, 30), date(2024, 12, 31)]
    frist = Frist(tekst="Månedlig frem til 1. juli 2024, deretter kvartalsvis")
    apply_frist_text(frist, aar=2024, virksomhet_id=None)
    assert tolkning(frist) == ("gjentakende hver måned, første gang 31.01.2024; fra 01.07.2024 hver 3. måned "
                               "(ved slutten av hver periode), til 31.12.2024")


def test_skifte_som_ikke_finnes_avvises_med_grunn():
    from oppdrag.frister import UgyldigFrist

    with pytest.raises(UgyldigFrist, match="tidspunktet for skiftet ble ikke forstått"):
        split_frist("Månedlig frem til 31.02.2024, deretter kvartalsvis", aar=2024)


@pytest.mark.django_db
def test_en_paaminnelse_per_forekomst_og_riktige_datoer_i_kalenderen(brev):  # noqa: F811
    o = OppdragFactory(tildelingsbrev=brev, nummer="2024-09", tittel="Rapportere om bosetting")
    f = FristFactory.build(oppdrag=o, tildelingsbrev=brev, tekst="Månedlig frem til 1. juli, deretter kvartalsvis")
    apply_frist_text(f, aar=2024, virksomhet_id=brev.virksomhet_id)
    f.save()
    # The day before each occurrence (the 1-day lead time): one reminder to each of the two contacts.
    sendt = 0
    for dag in MAANEDLIG_SAA_KVARTALSVIS:
        sendt += paaminnelser_kjor(dato=date.fromordinal(dag.toordinal() - 1))["sendt"]
    rader = Paaminnelse.objects.filter(kilde="frist", kilde_id=f.pk, dager=1)
    assert sorted({p.forfallsdato for p in rader}) == MAANEDLIG_SAA_KVARTALSVIS
    assert rader.count() == sendt == 2 * len(MAANEDLIG_SAA_KVARTALSVIS)
    assert not any("31.07.2024" in m.subject or "31.08.2024" in m.subject for m in mail.outbox)
    # The calendar feed of the agency's contact: the same eight dates, no monthly ones after July.
    kontakt = brev.virksomhet.kontaktperson
    cal = Calendar.from_ical(kalender_ics(kontakt, fra=date(2024, 1, 1), til=date(2024, 12, 31)))
    datoer = sorted(e.decoded("DTSTART") for e in cal.walk("VEVENT") if "2024-09" in str(e["SUMMARY"]))
    assert datoer == MAANEDLIG_SAA_KVARTALSVIS


@pytest.mark.django_db
def test_redigeringen_tar_imot_teksten_og_viser_tolkningen(client):
    utkast = TildelingsbrevFactory(aar=2025)
    client.force_login(UserFactory(organisasjon=utkast.departement))
    klient = client
    url = reverse("brev:rediger-oppdrag-ny", args=[utkast.pk])
    data = oppdrag_data()
    data.update(formsett("frister", [{"tekst": "Månedlig frem til 1. juli 2025, deretter kvartalsvis"}]))
    r = klient.post(url, data)
    assert r.status_code == 302, r.content.decode()[:3000]
    f = Frist.objects.get(oppdrag__nummer="2025-01")
    assert (f.tekst, f.dato, f.gjentas_til, f.ny_rytme_fra, f.ny_rytme_intervall_mnd) == (
        "Månedlig frem til 1. juli 2025, deretter kvartalsvis", date(2025, 1, 31), date(2025, 12, 31),
        date(2025, 7, 1), 3)
    side = klient.get(r.url).content.decode()
    assert "fra 01.07.2025 hver 3. måned" in side
    # Changed to a plain date, the second rhythm goes with the old wording.
    data = skjemadata(klient.get(r.url))
    data["frister-0-tekst"] = "1. mars 2025"
    assert klient.post(r.url, data).status_code == 302
    f.refresh_from_db()
    assert (f.form, f.dato, f.ny_rytme_fra, f.ny_rytme_intervall_mnd) == ("dato", date(2025, 3, 1), None, None)


@pytest.mark.django_db
def test_oppdragssiden_viser_teksten_en_gang_og_rytmen(client, brev):  # noqa: F811
    o = OppdragFactory(tildelingsbrev=brev, nummer="2024-09")
    f = FristFactory.build(oppdrag=o, tildelingsbrev=brev, tekst="Månedlig frem til 1. juli, deretter kvartalsvis")
    apply_frist_text(f, aar=2024, virksomhet_id=brev.virksomhet_id)
    f.save()
    client.force_login(brev.virksomhet.kontaktperson)
    side = client.get(reverse("oppdrag:detalj", args=[o.pk])).content.decode()
    frister = side.split('id="frister"')[1].split("</section>")[0]
    assert frister.count("Månedlig frem til 1. juli, deretter kvartalsvis") == 1  # one row, as written
    assert "31.01.2024" in frister and "fra 01.07.2024 hver 3. måned til 31.12.2024" in frister
    assert Oppdrag.objects.count() == 1
