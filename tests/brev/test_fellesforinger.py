"""Fellesføringer and the numbers they ask for in the letter: edited by the ministry while the letter is
a draft, shown on the letter page, carried forward with their keys."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from brev import services
from brukere.models import Rolle
from styring.models import Fellesforing, Tallfelt
from tests.factories import DepartementFactory, TildelingsbrevFactory, UserFactory, VirksomhetFactory
from tests.rapportering.skjema import skjemadata

pytestmark = pytest.mark.django_db


def _tekst(response) -> str:
    return response.content.decode().replace("\xa0", " ")


@pytest.fixture
def oppsett():
    dep, virk = DepartementFactory(), VirksomhetFactory()
    return {
        "utkast": TildelingsbrevFactory(virksomhet=virk, departement=dep, aar=2025),
        "sendt": TildelingsbrevFactory(virksomhet=virk, departement=dep, aar=2024, sendt_brev=True),
        "redaktor": UserFactory(organisasjon=dep, rolle=Rolle.DEPARTEMENT_REDAKTOR),
        "annet_dep": UserFactory(rolle=Rolle.DEPARTEMENT_REDAKTOR),
        "virksomhet": UserFactory(organisasjon=virk, rolle=Rolle.VIRKSOMHET_KONTAKT),
    }


def test_the_ministry_adds_a_fellesforing_with_numbers_and_the_letter_shows_them(client, oppsett):
    brev = oppsett["utkast"]
    client.force_login(oppsett["redaktor"])
    url = reverse("brev:rediger-fellesforing-ny", args=[brev.pk])
    data = skjemadata(client.get(url))
    data.update({"ff-tittel": "Redusere konsulentbruken", "ff-rapportering": "Oppgi totalbeløpet.",
                 "tall-0-navn": "Konsulenttjenester totalt", "tall-0-enhet": "kroner",
                 "tall-0-grunnlag_tekst": "gjennomsnitt for 2020 og 2021", "tall-0-grunnlag_fra_aar": "2020",
                 "tall-0-grunnlag_til_aar": "2021", "tall-0-grunnlag_verdi": "12,5"})
    response = client.post(url, data)
    assert response.status_code == 302, _tekst(response)
    f = brev.fellesforinger.get()
    tf = f.tallfelt.get()
    assert f.nokkel == "redusere-konsulentbruken" and tf.nokkel == "konsulenttjenester-totalt"
    assert tf.grunnlagsaar == [2020, 2021] and tf.grunnlag_verdi == Decimal("12.5")
    side = _tekst(client.get(reverse("brev:brev", args=[brev.pk])))
    assert "Tall som oppgis i årsrapporten" in side
    assert "Konsulenttjenester totalt (kroner), sammenlignet med gjennomsnitt for 2020 og 2021: 13 kr" in side
    assert "Redusere konsulentbruken" in _tekst(client.get(reverse("brev:rediger-oversikt", args=[brev.pk])))


@pytest.mark.parametrize(("felt", "verdi", "melding"), [
    ("tall-0-grunnlag_til_aar", "", "Oppgi både første og siste år i gjennomsnittet, eller ingen."),
    ("tall-0-grunnlag_til_aar", "2019", "Siste år kan ikke være før første år."),
    ("tall-0-enhet", "liter", "liter"),
])
def test_a_bad_tallfelt_is_refused_in_norwegian_and_nothing_is_saved(client, oppsett, felt, verdi, melding):
    brev = oppsett["utkast"]
    client.force_login(oppsett["redaktor"])
    url = reverse("brev:rediger-fellesforing-ny", args=[brev.pk])
    data = skjemadata(client.get(url))
    data.update({"ff-tittel": "Ansettelser", "tall-0-navn": "Ansettelser", "tall-0-enhet": "antall",
                 "tall-0-grunnlag_fra_aar": "2020", "tall-0-grunnlag_til_aar": "2021", felt: verdi})
    response = client.post(url, data)
    assert response.status_code == 200 and melding in _tekst(response)
    assert not Fellesforing.objects.exists() and not Tallfelt.objects.exists()


def test_two_numbers_with_one_key_and_a_key_taken_are_refused(client, oppsett):
    brev = oppsett["utkast"]
    Fellesforing.objects.create(tildelingsbrev=brev, tittel="Redusere konsulentbruken")
    client.force_login(oppsett["redaktor"])
    url = reverse("brev:rediger-fellesforing-ny", args=[brev.pk])
    data = skjemadata(client.get(url))
    data.update({"ff-tittel": "Redusere konsulentbruken 2025", "tall-0-navn": "Totalt", "tall-0-enhet": "kroner"})
    assert "er allerede brukt av «Redusere konsulentbruken»" in _tekst(client.post(url, data))
    data.update({"ff-nokkel": "konsulenter", "tall-TOTAL_FORMS": "2", "tall-1-navn": "Totalt",
                 "tall-1-enhet": "kroner"})
    svar = _tekst(client.post(url, data))
    assert "To tall har samme nøkkel «totalt»" in svar
    assert brev.fellesforinger.count() == 1
    # Two numbers without keys and different names are two keys.
    data.update({"tall-1-navn": "Kommunikasjon"})
    assert client.post(url, data).status_code == 302
    assert list(Tallfelt.objects.values_list("nokkel", flat=True)) == ["totalt", "kommunikasjon"]


def test_only_the_sending_ministry_edits_and_only_a_draft(client, oppsett):
    utkast = Fellesforing.objects.create(tildelingsbrev=oppsett["utkast"], tittel="Klima")
    sendt = Fellesforing.objects.create(tildelingsbrev=oppsett["sendt"], tittel="Klima")
    client.force_login(oppsett["redaktor"])
    assert client.get(reverse("brev:rediger-fellesforing", args=[oppsett["utkast"].pk, utkast.pk])).status_code == 200
    assert client.get(reverse("brev:rediger-fellesforing", args=[oppsett["sendt"].pk, sendt.pk])).status_code == 403
    # Another letter's fellesføring by a forged id: 404.
    assert client.get(reverse("brev:rediger-fellesforing", args=[oppsett["utkast"].pk, sendt.pk])).status_code == 404
    client.force_login(oppsett["annet_dep"])
    assert client.get(reverse("brev:rediger-fellesforing", args=[oppsett["utkast"].pk, utkast.pk])).status_code == 404
    client.force_login(oppsett["virksomhet"])
    assert client.post(reverse("brev:rediger-fellesforing-slett", args=[oppsett["utkast"].pk, utkast.pk])
                       ).status_code in (403, 404)
    assert Fellesforing.objects.filter(pk=utkast.pk).exists()


def test_carried_forward_with_keys_and_numbers(oppsett):
    brev = oppsett["sendt"]
    f = Fellesforing.objects.create(tildelingsbrev=brev, tittel="Konsulentbruk i 2024", nokkel="konsulentbruk")
    Tallfelt.objects.create(fellesforing=f, navn="Konsulenter i 2024", nokkel="konsulenter", enhet="kroner",
                            grunnlag_fra_aar=2020, grunnlag_til_aar=2021, grunnlag_tekst="gjennomsnitt 2020–2021")
    oppsett["utkast"].delete()
    ny = services.brev_viderefor(brev=brev, acting_user=oppsett["redaktor"])
    nf = ny.fellesforinger.get()
    ntf = nf.tallfelt.get()
    assert (nf.nokkel, nf.tittel) == ("konsulentbruk", "Konsulentbruk i 2025")
    assert (ntf.nokkel, ntf.navn, ntf.grunnlagsaar) == ("konsulenter", "Konsulenter i 2025", [2020, 2021])
    assert timezone.now()  # the copy is a draft of the ministry's
    assert ny.status == "utkast"


def test_the_letter_pdf_prints_the_fellesforinger_with_their_numbers(oppsett):
    from brev.pdf import tildelingsbrev_html

    brev = oppsett["sendt"]
    f = Fellesforing.objects.create(tildelingsbrev=brev, tittel="Redusere konsulentbruken",
                                    rapportering="Oppgi totalbeløpet.")
    Tallfelt.objects.create(fellesforing=f, navn="Konsulenttjenester totalt", enhet="kroner")
    html = tildelingsbrev_html(brev)
    # The letter has no chapter «Fellesføringer» here: they get a section of their own.
    assert '<h2 class="kapittel niva-1">Fellesføringer</h2>' in html
    assert "Redusere konsulentbruken" in html and "Konsulenttjenester totalt (kroner)" in html
