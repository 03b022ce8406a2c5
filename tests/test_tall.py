"""A number that the database column cannot hold is refused next to the field, in Norwegian, and
nothing is saved: never a 500, and never stored on SQLite where PostgreSQL would refuse it.

Through the real views with a logged-in user: report amounts and SP results, the budget of a
letter and a tillegg, styringsparametere and mål. Plus the guard that keeps it generic: every
ModelForm in the project whose fields include a number column uses ``TallgrenseMixin``.
"""

from __future__ import annotations

import importlib
import re
from decimal import Decimal

import pytest
from django import forms
from django.apps import apps
from django.conf import settings
from django.core.exceptions import ValidationError
from django.urls import reverse

from budsjett.models import Budsjettbinding, Budsjettendring, Budsjettkapittel, Budsjettpost, Tilskudd
from kjerne.tallgrenser import TallgrenseMixin, er_tallfelt, kolonnegrense
from rapportering import services as rapport_services
from rapportering.models import Parameterresultat, Postrapport
from styring.models import Maal, Maaleverdi, Resultatkrav, Styringsparameter, Tillegg
from tests.brev.test_redigering import formsett
from tests.factories import (
    BudsjettkapittelFactory,
    BudsjettpostFactory,
    MaalFactory,
    TildelingsbrevFactory,
    UserFactory,
)
from tests.rapportering.conftest import bygg_oppsett
from tests.rapportering.skjema import skjemadata

STOR = "99999999999999999999999"
BIGINT_MAKS = "9\u00a0223\u00a0372\u00a0036\u00a0854\u00a0775\u00a0807"
FOR_STORT_BELOP = f"Beløpet er for stort. Det største som kan lagres her, er {BIGINT_MAKS} kr."
FOR_STORT_SMALLINT = "Tallet er for stort. Det største som kan lagres her, er 32\u00a0767."
FOR_STORT_DESIMAL = "Tallet er for stort. Det største som kan lagres her, er 9\u00a0999\u00a0999\u00a0999\u00a0999,999."


def feil_ved(response, felt_id: str) -> str:
    """The error list Django renders for the field (``id_<name>_error``, which the input's
    aria-describedby points to), as text; empty when the field has no error."""
    assert response.status_code == 200, response.status_code
    side = response.content.decode()
    liste = re.search(rf'<ul class="errorlist" id="{felt_id}_error">(.*?)</ul>', side, re.S)
    if not liste:
        return ""
    assert re.search(rf'<(input|textarea)[^>]*aria-describedby="[^"]*{felt_id}_error', side), felt_id
    return re.sub(r"<[^>]+>", " ", liste.group(1)).strip()


# --- the check itself ------------------------------------------------------------------------------

def test_column_limits_follow_the_column_type_and_decimals():
    post = kolonnegrense(Budsjettpost._meta.get_field("post"))  # PositiveSmallIntegerField
    assert (post.minst, post.hoyst) == (0, 32767)
    belop = kolonnegrense(Budsjettendring._meta.get_field("endring_kr"))  # BigIntegerField, may be negative
    assert (belop.minst, belop.hoyst) == (-(2**63), 2**63 - 1)
    verdi = kolonnegrense(Resultatkrav._meta.get_field("verdi"))  # DecimalField(16, 3)
    assert verdi.hoyst == Decimal("9999999999999.999") and verdi.desimaler == 3
    assert kolonnegrense(Budsjettpost._meta.get_field("betegnelse")) is None

    verdi(Decimal("12.500"))  # trailing zeros are not decimals
    verdi(Decimal("-9999999999999.999"))
    for tall, kode in ((Decimal("1.2345"), "desimaler"), (Decimal("1e400"), "for_stort"),
                       (Decimal("1e-999999999999"), "desimaler"), (Decimal("NaN"), "ikke_endelig"),
                       (Decimal("-1e13"), "for_lite")):
        with pytest.raises(ValidationError) as exc:
            verdi(tall)
        assert exc.value.code == kode, tall
    with pytest.raises(ValidationError, match="Tallet kan ikke være negativt"):
        post(-1)
    with pytest.raises(ValidationError) as exc:
        belop(int(STOR))
    assert exc.value.messages == [FOR_STORT_BELOP]


def _prosjektets_modellskjemaer():
    lokale = [a for a in apps.get_app_configs() if str(settings.BASE_DIR) in str(a.path)]
    for app in lokale:
        try:
            importlib.import_module(f"{app.name}.forms")
        except ModuleNotFoundError:
            pass
    navn = {a.name for a in lokale}
    ut, ko = [], [forms.ModelForm]
    while ko:
        cls = ko.pop()
        ko.extend(cls.__subclasses__())
        if cls.__module__.split(".")[0] in navn and getattr(cls._meta, "model", None) is not None:
            ut.append(cls)
    return ut


def test_every_model_form_with_a_number_field_checks_it_against_its_column():
    skjemaer = _prosjektets_modellskjemaer()
    assert {"BudsjettpostForm", "ResultatkravForm", "MaalForm", "BudsjettkapittelForm"} <= {s.__name__ for s in skjemaer}
    mangler = []
    for cls in skjemaer:
        opts = cls._meta.model._meta
        tallfelt = [n for n in cls.base_fields if n in {f.name for f in opts.get_fields()}
                    and er_tallfelt(opts.get_field(n))]
        if tallfelt and not issubclass(cls, TallgrenseMixin):
            mangler.append(f"{cls.__module__}.{cls.__name__}: {tallfelt}")
    assert not mangler, "Skjema uten TallgrenseMixin: " + "; ".join(mangler)


# --- reports ---------------------------------------------------------------------------------------

@pytest.fixture
def rapport(db, client):
    o = bygg_oppsett()
    client.force_login(o.kontakt)
    return rapport_services.rapport_opprett(punkt=o.punkt_halvaar, user=o.kontakt)


@pytest.mark.parametrize("felt", ["forbruk", "prognose"])
def test_report_amount_too_big_for_the_column_is_refused_at_the_field(client, rapport, felt):
    rad = rapport.postrapporter.get()
    url = reverse("rapportering:rediger", args=[rapport.pk, "poster"])
    data = skjemadata(client.get(url))
    data[f"b{rad.pk}-{felt}"] = STOR
    response = client.post(url, data)
    assert FOR_STORT_BELOP in feil_ved(response, f"id_b{rad.pk}-{felt}")
    assert "Ingenting er lagret" in response.content.decode()
    rad.refresh_from_db()
    assert (rad.forbruk_kr, rad.prognose_kr) == (None, None)
    assert not Postrapport.history.filter(id=rad.pk, history_type="~").exists()

    data[f"b{rad.pk}-{felt}"] = "9 223 372 036 854 775 807"  # the largest that fits is saved
    assert client.post(url, data).status_code == 302
    rad.refresh_from_db()
    assert getattr(rad, f"{felt}_kr") == 2**63 - 1


@pytest.mark.parametrize("verdi, melding", [
    (STOR, "Tallet er for stort."),
    ("1,23456", "Bruk høyst tre desimaler."),
])
def test_report_sp_result_that_does_not_fit_is_refused_at_the_field(client, rapport, verdi, melding):
    rad = rapport.parameterresultater.get(styringsparameter__kode="SP 1")
    url = reverse("rapportering:rediger", args=[rapport.pk, "parametere"])
    data = skjemadata(client.get(url))
    data[f"p{rad.pk}-resultat"] = verdi
    response = client.post(url, data)
    assert melding in feil_ved(response, f"id_p{rad.pk}-resultat")
    assert Parameterresultat.objects.get(pk=rad.pk).resultat_tall is None


# --- the budget of a letter ------------------------------------------------------------------------

def _post_data(**extra):
    data = {"post-post": "21", "post-betegnelse": "Spesielle driftsutgifter", "post-tildelt_kr": "1 mill."}
    data.update(formsett("bindinger", []))
    data.update(formsett("tilskudd", []))
    data.update(extra)
    return data


@pytest.mark.parametrize("endring, felt_id, melding", [
    ({"post-tildelt_kr": STOR}, "id_post-tildelt_kr", FOR_STORT_BELOP),
    ({"post-bevilget_kr": STOR}, "id_post-bevilget_kr", FOR_STORT_BELOP),
    ({"post-post": "99999"}, "id_post-post", FOR_STORT_SMALLINT),
    ({"post-post": STOR}, "id_post-post", FOR_STORT_SMALLINT),
    (formsett("bindinger", [{"tekst": "Evaluering", "belop_kr": STOR, "kategori": "ny"}]),
     "id_bindinger-0-belop_kr", FOR_STORT_BELOP),
    (formsett("tilskudd", [{"mottaker": "Organisasjon A", "belop_kr": STOR}]),
     "id_tilskudd-0-belop_kr", FOR_STORT_BELOP),
])
def test_new_budget_post_with_a_number_too_big_is_refused_at_the_field(klient, brev, endring, felt_id, melding):
    kap = BudsjettkapittelFactory(tildelingsbrev=brev)
    response = klient.post(reverse("brev:rediger-post-ny", args=[brev.pk, kap.pk]), _post_data(**endring))
    assert melding in feil_ved(response, felt_id)
    assert not Budsjettpost.objects.exists()
    assert not Budsjettbinding.objects.exists() and not Tilskudd.objects.exists()


def test_existing_budget_post_keeps_its_amount_when_a_too_big_one_is_typed(klient, brev):
    post = BudsjettpostFactory(kapittel=BudsjettkapittelFactory(tildelingsbrev=brev), post=21, tildelt_kr=5_000_000)
    url = reverse("brev:rediger-post", args=[brev.pk, post.pk])
    data = skjemadata(klient.get(url))
    data["post-tildelt_kr"] = STOR
    assert FOR_STORT_BELOP in feil_ved(klient.post(url, data), "id_post-tildelt_kr")
    post.refresh_from_db()
    assert post.tildelt_kr == 5_000_000


def test_chapter_number_too_big_is_refused_at_the_field(klient, brev):
    response = klient.post(reverse("brev:rediger-kapittel-ny", args=[brev.pk]),
                           {"nummer": STOR, "betegnelse": "Integrering", "enhet_i_brevet": "kr"})
    melding = "Tallet er for stort. Det største som kan lagres her, er 2\u00a0147\u00a0483\u00a0647."
    assert melding in feil_ved(response, "id_nummer")
    assert not Budsjettkapittel.objects.exists()


@pytest.mark.parametrize("verdi, melding", [
    (STOR, FOR_STORT_BELOP),
    ("-" + STOR, f"Beløpet er for lite. Det minste som kan lagres her, er −{BIGINT_MAKS[:-1]}8 kr."),
])
def test_tillegg_budget_change_too_big_is_refused_at_the_field(db, client, verdi, melding):
    sendt = TildelingsbrevFactory(aar=2025, sendt_brev=True)
    Tillegg.objects.create(tildelingsbrev=sendt, nummer=1, tittel="Tillegg nr. 1")
    post = BudsjettpostFactory(kapittel=BudsjettkapittelFactory(tildelingsbrev=sendt))
    client.force_login(UserFactory(organisasjon=sendt.departement))
    data = formsett("endringer", [{"post": str(post.pk), "endring_kr": verdi}])
    response = client.post(reverse("brev:rediger-tillegg-budsjett", args=[sendt.pk, 1]), data)
    assert melding in feil_ved(response, "id_endringer-0-endring_kr")
    assert not Budsjettendring.objects.exists()


# --- styringsparametere and mål --------------------------------------------------------------------

@pytest.mark.parametrize("krav, verdier, felt_id, melding", [
    ([{"verdi": STOR, "enhet": "prosent"}], [], "id_krav-0-verdi", FOR_STORT_DESIMAL),
    ([{"verdi": "12,34567", "enhet": "prosent"}], [], "id_krav-0-verdi", "Bruk høyst 3 desimaler."),
    ([], [{"periode": "2024", "verdi": "1e30"}], "id_verdier-0-verdi", FOR_STORT_DESIMAL),
    ([], [{"periode": "2024", "verdi": "-" + STOR}], "id_verdier-0-verdi",
     "Tallet er for lite. Det minste som kan lagres her, er −9\u00a0999\u00a0999\u00a0999\u00a0999,999."),
])
def test_styringsparameter_value_or_target_that_does_not_fit_is_refused_at_the_field(
        klient, brev, krav, verdier, felt_id, melding):
    maal = MaalFactory(tildelingsbrev=brev, nummer=1)
    data = {"sp-kode": "SP 1", "sp-tekst": "Andel i arbeid"}
    data.update(formsett("krav", krav))
    data.update(formsett("verdier", verdier))
    response = klient.post(reverse("brev:rediger-sp-ny", args=[brev.pk, maal.pk]), data)
    assert melding in feil_ved(response, felt_id)
    assert not Styringsparameter.objects.exists()
    assert not Resultatkrav.objects.exists() and not Maaleverdi.objects.exists()


def test_goal_number_too_long_is_refused_at_the_field(klient, brev):
    """A mål is numbered as the letter writes it ("3.1", "Hovedmål 2"): text, up to its column."""
    response = klient.post(reverse("brev:rediger-maal-ny", args=[brev.pk]),
                           {"nummer": "Hovedmål " + ".".join(["2"] * 20), "tittel": "Et mål"})
    assert "40 eller færre tegn (den har nå 48)" in feil_ved(response, "id_nummer")
    assert not Maal.objects.exists()
