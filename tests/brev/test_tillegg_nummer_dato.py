"""Tillegg numbered and dated as the source letter has them, and date fields that read dates as
letters write them (#13 items 6 and 7)."""

from __future__ import annotations

import re
from datetime import date

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from brev import services
from brev.forms import BrevHodeForm, TilleggForm
from kjerne.datoer import UgyldigDato, les_dato
from styring.models import Tillegg
from tests.factories import TildelingsbrevFactory
from tests.styring.brevdata import departement_bruker

pytestmark = pytest.mark.django_db


# --- dates as letters write them --------------------------------------------------------------

@pytest.mark.parametrize(("skrevet", "dato"), [
    ("11. september 2019", date(2019, 9, 11)),
    ("11. September 2019", date(2019, 9, 11)),
    ("28.08. 2019", date(2019, 8, 28)),
    ("13.02.2017", date(2017, 2, 13)),
    ("2019-09-11", date(2019, 9, 11)),
    ("1.6.2023", date(2023, 6, 1)),
    ("20.03.24", date(2024, 3, 20)),
    ("  29. februar 2024 ", date(2024, 2, 29)),
])
def test_les_dato_leser_datoer_slik_brevene_skriver_dem(skrevet, dato):
    assert les_dato(skrevet) == dato


@pytest.mark.parametrize(("skrevet", "melding"), [
    ("31.02.2019", "31. februar 2019 finnes ikke. Februar 2019 har 28 dager."),
    ("29. februar 2019", "29. februar 2019 finnes ikke. 2019 er ikke et skuddår."),
    ("2019-09-31", "31. september 2019 finnes ikke. September 2019 har 30 dager."),
    ("13.13.2019", "måned 13 finnes ikke"),
    ("11. sept 2019", "«sept» er ikke et månedsnavn"),
    ("11. september", "mangler år"),
    ("neste uke", "«neste uke» er ikke en dato"),
    ("Frist 11.09.2019", "inneholder annet enn datoen"),
])
def test_les_dato_avviser_annet_med_norsk_grunn(skrevet, melding):
    with pytest.raises(UgyldigDato) as feil:
        les_dato(skrevet)
    assert melding in feil.value.melding


def test_datofeltene_i_brevhodet_og_tillegget_tar_brevets_ordlyd():
    brev = TildelingsbrevFactory(dato=None)
    hode = BrevHodeForm({"tittel": brev.tittel, "dato": "11. september 2019"}, instance=brev)
    hode.is_valid()
    assert "dato" not in hode.errors and hode.cleaned_data["dato"] == date(2019, 9, 11)
    feil = BrevHodeForm({"tittel": brev.tittel, "dato": "31.02.2019"}, instance=brev)
    assert not feil.is_valid()
    assert feil.errors["dato"] == ["31. februar 2019 finnes ikke. Februar 2019 har 28 dager."]
    tillegg = TilleggForm({"tittel": "T", "dato": "28.08. 2019"}, instance=Tillegg(tildelingsbrev=brev, nummer=1))
    tillegg.is_valid()
    assert "dato" not in tillegg.errors and tillegg.cleaned_data["dato"] == date(2019, 8, 28)


def test_brevhodet_lagres_med_datoen_skrevet_med_ord_gjennom_redigeringen(client):
    brev = TildelingsbrevFactory(dato=None)
    client.force_login(departement_bruker(brev))
    url = reverse("brev:rediger-brev", args=[brev.pk])
    side = client.get(url).content.decode()
    versjon = re.search(r'name="versjon" value="([^"]+)"', side).group(1)
    r = client.post(url, {"tittel": brev.tittel, "dato": "snart", "versjon": versjon})
    assert r.status_code == 200 and "«snart» er ikke en dato" in r.content.decode()
    brev.refresh_from_db()
    assert brev.dato is None
    r = client.post(url, {"tittel": brev.tittel, "dato": "11. september 2019", "versjon": versjon})
    assert r.status_code == 302
    brev.refresh_from_db()
    assert brev.dato == date(2019, 9, 11)
    assert "11.09.2019" in client.get(url).content.decode()


# --- tillegg with the letter's own number and date -------------------------------------------

@pytest.fixture
def sendt():
    return TildelingsbrevFactory(sendt_brev=True)


def test_tillegg_nr_3_alene_med_brevets_dato_beholdes_naar_det_sendes(sendt):
    redaktor = departement_bruker(sendt)
    t = services.tillegg_opprett(brev=sendt, acting_user=redaktor, nummer=3, dato=date(2019, 9, 11))
    services.tillegg_send(tillegg=t, acting_user=departement_bruker(sendt, godkjenner=True))
    t.refresh_from_db()
    assert (t.nummer, t.dato, t.status) == (3, date(2019, 9, 11), "sendt")
    assert list(sendt.tillegg.values_list("nummer", flat=True)) == [3]
    assert "Tillegg nr. 3" in t.tittel
    # Without a number, the next free one: after the highest, not the count.
    assert services.tillegg_opprett(brev=sendt, acting_user=redaktor).nummer == 4


def test_tillegg_uten_dato_faar_sendedagen(sendt):
    t = services.tillegg_opprett(brev=sendt, acting_user=departement_bruker(sendt))
    foer = timezone.localdate()
    services.tillegg_send(tillegg=t, acting_user=departement_bruker(sendt, godkjenner=True))
    t.refresh_from_db()
    assert foer <= t.dato <= timezone.localdate()


def test_opptatt_tilleggsnummer_avvises_med_norsk_melding_og_ingenting_lagres(sendt):
    redaktor = departement_bruker(sendt)
    services.tillegg_opprett(brev=sendt, acting_user=redaktor, nummer=2)
    with pytest.raises(ValidationError) as feil:
        services.tillegg_opprett(brev=sendt, acting_user=redaktor, nummer=2, dato=date(2019, 9, 11))
    assert feil.value.message_dict["nummer"] == [
        "Tillegg nr. 2 finnes allerede for dette brevet. Neste ledige nummer er 3."]
    assert sendt.tillegg.count() == 1
    # The same number in another letter is free.
    annet = TildelingsbrevFactory(sendt_brev=True)
    assert services.tillegg_opprett(brev=annet, acting_user=departement_bruker(annet), nummer=2).nummer == 2


def test_redaktoren_registrerer_tillegg_nr_3_gjennom_brevsiden(client, sendt):
    client.force_login(departement_bruker(sendt))
    side = client.get(reverse("brev:brev", args=[sendt.pk])).content.decode()
    assert "Lag tillegg nr. 1" in side and 'name="nummer"' in side
    url = reverse("brev:tillegg-opprett", args=[sendt.pk])
    r = client.post(url, {"nummer": "3", "dato": "11. september 2019"}, follow=True)
    side = r.content.decode()
    assert "Tillegg nr. 3 er laget som utkast." in side
    assert r.redirect_chain[-1][0] == reverse("brev:tillegg", args=[sendt.pk, 3])
    assert "11.09.2019" in side
    t = sendt.tillegg.get()
    assert (t.nummer, t.dato) == (3, date(2019, 9, 11))
    # The letter page now suggests nr. 4 and lists the tillegg by its own number.
    side = client.get(reverse("brev:brev", args=[sendt.pk])).content.decode()
    assert "Lag tillegg nr. 4" in side and "(tillegg nr. 3)" in side


@pytest.mark.parametrize(("data", "melding"), [
    ({"nummer": "3", "dato": "31.02.2019"}, "31. februar 2019 finnes ikke."),
    ({"nummer": "1", "dato": ""}, "Tillegg nr. 1 finnes allerede for dette brevet. Neste ledige nummer er 2."),
    ({"nummer": "0"}, "Tilleggsnummeret må være 1 eller høyere."),
    ({"nummer": "tre"}, "Skriv tilleggets nummer som et helt tall"),
    ({"nummer": "40000"}, "Tilleggsnummeret må være mellom 1 og 32767."),
])
def test_ugyldig_tillegg_fra_brevsiden_gir_norsk_melding_og_lagrer_ingenting(client, sendt, data, melding):
    redaktor = departement_bruker(sendt)
    services.tillegg_opprett(brev=sendt, acting_user=redaktor)
    client.force_login(redaktor)
    r = client.post(reverse("brev:tillegg-opprett", args=[sendt.pk]), data, follow=True)
    assert r.redirect_chain[-1][0] == reverse("brev:brev", args=[sendt.pk])
    assert melding in r.content.decode()
    assert list(sendt.tillegg.values_list("nummer", flat=True)) == [1]


def test_tillegg_listes_etter_nummer_uansett_rekkefolge_de_ble_registrert(client, sendt):
    redaktor = departement_bruker(sendt)
    for nr in (5, 2, 3):
        services.tillegg_opprett(brev=sendt, acting_user=redaktor, nummer=nr)
    client.force_login(redaktor)
    side = client.get(reverse("brev:brev", args=[sendt.pk])).content.decode()
    assert [int(n) for n in re.findall(r"\(tillegg nr\. (\d+)\)", side)] == [2, 3, 5]
    assert "Lag tillegg nr. 6" in side


def test_redaktoren_retter_nummer_og_dato_i_et_tilleggsutkast(client, sendt):
    redaktor = departement_bruker(sendt)
    services.tillegg_opprett(brev=sendt, acting_user=redaktor, nummer=2)
    t = services.tillegg_opprett(brev=sendt, acting_user=redaktor, nummer=4)
    client.force_login(redaktor)
    url = reverse("brev:rediger-tillegg", args=[sendt.pk, 4])
    side = client.get(url).content.decode()
    versjon = re.search(r'name="versjon" value="([^"]+)"', side).group(1)
    data = {"tittel": t.tittel, "var_ref": "19/1234-", "versjon": versjon}
    for nummer, melding in (("2", "Tillegg nr. 2 finnes allerede for dette brevet."),
                            ("0", "Tilleggsnummeret må være 1 eller høyere.")):
        r = client.post(url, {**data, "nummer": nummer, "dato": "28.08. 2019"})
        side = r.content.decode()
        assert r.status_code == 200 and melding in side
        # The page that shows the error still speaks of nr. 4, which is what is saved.
        assert "Tillegg nr. 4 til tildelingsbrevet" in side and f"Tillegg nr. {nummer} til" not in side
    r = client.post(url, {**data, "nummer": "4", "dato": "30.02.2019"})
    assert "30. februar 2019 finnes ikke." in r.content.decode()
    t.refresh_from_db()
    assert (t.nummer, t.dato, t.var_ref) == (4, None, "")
    r = client.post(url, {**data, "nummer": "3", "dato": "28.08. 2019"})
    assert r.status_code == 302 and r.url == reverse("brev:rediger-tillegg", args=[sendt.pk, 3])
    t.refresh_from_db()
    assert (t.nummer, t.dato, t.var_ref) == (3, date(2019, 8, 28), "19/1234-")


def test_alle_datofelt_i_brevredigeringen_leser_brevets_ordlyd():
    """Every date field of the letter editor's and tillegg's forms is the one Datofelt, so a form
    added later with a plain DateField (which refuses "11. september 2019") is noticed."""
    import inspect

    from django import forms as djforms

    from brev import forms as brevskjema
    from budsjett import forms as budsjettskjema
    from kjerne.skjema import Datofelt

    datofelt = {}
    for modul in (brevskjema, budsjettskjema):
        for navn, klasse in inspect.getmembers(modul, inspect.isclass):
            if issubclass(klasse, djforms.BaseForm) and hasattr(klasse, "base_fields"):
                for felt, f in klasse.base_fields.items():
                    if isinstance(f, djforms.DateField):
                        datofelt[f"{navn}.{felt}"] = type(f)
    assert {"BrevHodeForm.dato", "TilleggForm.dato", "TilleggOpprettForm.dato", "OppdragForm.start",
            "MaaleverdiForm.dato", "FristForm.eksplisitt_dato"} <= set(datofelt)
    assert {navn: t for navn, t in datofelt.items() if t is not Datofelt} == {}
