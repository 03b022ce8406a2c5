"""Budget editing: amounts as the letters write them, bindinger and tilskudd, a tillegg's changes."""

from __future__ import annotations

import re
from datetime import date

import pytest
from django.urls import reverse
from django.utils import timezone

from budsjett.models import Budsjettbinding, Budsjettendring, Budsjettkapittel, Budsjettpost, Tilskudd
from oppdrag.models import Frist, Oppdrag
from styring.models import Brevavsnitt, Tillegg
from tests.brev.test_redigering import formsett, versjon
from tests.factories import (
    BudsjettkapittelFactory,
    BudsjettpostFactory,
    FristFactory,
    OppdragFactory,
    TildelingsbrevFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db


def _post_data(**extra):
    data = {"post-post": "21", "post-betegnelse": "Spesielle driftsutgifter", "post-tildelt_kr": "1 523,9 mill."}
    data.update(formsett("bindinger", []))
    data.update(formsett("tilskudd", []))
    data.update(extra)
    return data


def _feil_ved_felt(side: str, felt_id: str) -> str:
    """The error list Django renders right before the field's input (inside the same field group)."""
    gruppe = re.search(rf'<div class="felt felt-feil">(?:(?!<div class="felt).)*?id="{felt_id}"', side, re.S)
    return gruppe.group(0) if gruppe else ""


def test_belop_leses_som_brevene_skriver_dem_og_summer_vises(klient, brev):
    kap = BudsjettkapittelFactory(tildelingsbrev=brev, nummer=671)
    OppdragFactory(tildelingsbrev=brev, nummer="2025-07")
    data = _post_data()
    data.update(formsett("bindinger", [{"tekst": "Evaluering", "belop_kr": "3 mill.", "kategori": "ny",
                                        "oppdrag_nummer": "2025-07"}]))
    data.update(formsett("tilskudd", [{"mottaker": "Organisasjon A", "belop_kr": "37 510 000"},
                                      {"mottaker": "Organisasjon B", "belop_kr": "2 490 000"}]))
    r = klient.post(reverse("brev:rediger-post-ny", args=[brev.pk, kap.pk]), data)
    assert r.status_code == 302, r.content.decode()[:3000]
    post = Budsjettpost.objects.get(kapittel=kap, post=21)
    assert post.tildelt_kr == 1_523_900_000
    assert sorted(Tilskudd.objects.values_list("belop_kr", flat=True)) == [2_490_000, 37_510_000]
    binding = Budsjettbinding.objects.get()
    assert (binding.belop_kr, binding.oppdrag.nummer) == (3_000_000, "2025-07")
    side = klient.get(r.url).content.decode()
    assert "40\xa0000\xa0000\xa0kr" in side  # sum tilskudd, computed
    assert "1\xa0520\xa0900\xa0000\xa0kr" in side  # udisponert = tildelt − bundet
    assert 'value="1 523 900 000"' in side


@pytest.mark.parametrize("verdi, melding", [
    ("-5", "beløpet kan ikke være negativt"),
    ("mye", "«mye» er ikke et beløp"),
])
def test_negativt_eller_tekst_avvises_ved_feltet_og_ingenting_lagres(klient, brev, verdi, melding):
    kap = BudsjettkapittelFactory(tildelingsbrev=brev)
    data = _post_data()
    data.update(formsett("tilskudd", [{"mottaker": "Organisasjon A", "belop_kr": verdi}]))
    r = klient.post(reverse("brev:rediger-post-ny", args=[brev.pk, kap.pk]), data)
    assert r.status_code == 200
    side = r.content.decode()
    assert melding in _feil_ved_felt(side, "id_tilskudd-0-belop_kr")
    assert 'role="alert"' in side and melding in side.split('id="feiloppsummering"')[1].split("</div>")[0]
    assert not Budsjettpost.objects.exists() and not Tilskudd.objects.exists()


def test_tildelt_belop_som_tekst_avvises(klient, brev):
    kap = BudsjettkapittelFactory(tildelingsbrev=brev)
    r = klient.post(reverse("brev:rediger-post-ny", args=[brev.pk, kap.pk]), _post_data(**{"post-tildelt_kr": "mye"}))
    assert "«mye» er ikke et beløp" in _feil_ved_felt(r.content.decode(), "id_post-tildelt_kr")
    assert not Budsjettpost.objects.exists()


def test_kapittelnummer_unikt_i_brevet(klient, brev):
    BudsjettkapittelFactory(tildelingsbrev=brev, nummer=671)
    r = klient.post(reverse("brev:rediger-kapittel-ny", args=[brev.pk]), {"nummer": "671", "enhet_i_brevet": "kr"})
    assert "Kapittel 671 finnes allerede i dette brevet." in r.content.decode()
    assert Budsjettkapittel.objects.count() == 1


def test_post_med_endring_i_tillegg_kan_ikke_slettes(klient, brev):
    post = BudsjettpostFactory(kapittel=BudsjettkapittelFactory(tildelingsbrev=brev))
    t = Tillegg.objects.create(tildelingsbrev=brev, nummer=1)
    Budsjettendring.objects.create(tillegg=t, post=post, endring_kr=5)
    r = klient.post(reverse("brev:rediger-post-slett", args=[brev.pk, post.pk]), follow=True)
    assert "kan ikke slettes" in r.content.decode()
    assert Budsjettpost.objects.filter(pk=post.pk).exists()


# --- tillegg -------------------------------------------------------------------------------------

@pytest.fixture
def sendt():
    return TildelingsbrevFactory(aar=2025, sendt_brev=True)


@pytest.fixture
def tillegg(sendt):
    return Tillegg.objects.create(tildelingsbrev=sendt, nummer=1, tittel="Tillegg nr. 1")


@pytest.fixture
def tklient(client, sendt):
    client.force_login(UserFactory(organisasjon=sendt.departement))
    return client


def test_sendt_brev_nekter_redigering_og_viser_veien_til_tillegg(tklient, sendt, tillegg):
    r = tklient.get(reverse("brev:rediger-brev", args=[sendt.pk]))
    assert r.status_code == 403
    side = r.content.decode()
    assert "Brevet er sendt og kan ikke endres" in side and "lag et tillegg" in side
    assert reverse("brev:rediger-tillegg", args=[sendt.pk, 1]) in side
    kap = BudsjettkapittelFactory(tildelingsbrev=sendt, nummer=670, betegnelse="Integrering og mangfold")
    r = tklient.post(reverse("brev:rediger-kapittel-ny", args=[sendt.pk]), {"nummer": "999"})
    assert r.status_code == 403 and Budsjettkapittel.objects.filter(nummer=999).count() == 0
    # The letter's existing chapter can be neither changed nor deleted.
    r = tklient.post(reverse("brev:rediger-kapittel", args=[sendt.pk, kap.pk]),
                     {"nummer": "671", "betegnelse": "Endret etter sending"})
    assert r.status_code == 403
    r = tklient.post(reverse("brev:rediger-kapittel-slett", args=[sendt.pk, kap.pk]))
    assert r.status_code == 403
    assert list(Budsjettkapittel.objects.filter(tildelingsbrev=sendt).values_list("nummer", "betegnelse")) == [
        (670, "Integrering og mangfold")]
    assert kap.history.count() == 1  # only its creation


def test_budsjettendring_i_tillegg_kan_vaere_reduksjon(tklient, sendt, tillegg):
    p1 = BudsjettpostFactory(kapittel=BudsjettkapittelFactory(tildelingsbrev=sendt), post=1, tildelt_kr=10_000_000)
    p2 = BudsjettpostFactory(kapittel=p1.kapittel, post=21, tildelt_kr=10_000_000)
    data = formsett("endringer", [{"post": str(p1.pk), "endring_kr": "-2 000 000", "tekst": "Innsparing"},
                                  {"post": str(p2.pk), "endring_kr": "1,5 mill.", "reduksjon": "on"}])
    url = reverse("brev:rediger-tillegg-budsjett", args=[sendt.pk, 1])
    r = tklient.post(url, data)
    assert r.status_code == 302, r.content.decode()[:3000]
    assert dict(Budsjettendring.objects.values_list("post_id", "endring_kr")) == {p1.pk: -2_000_000, p2.pk: -1_500_000}
    side = tklient.get(url).content.decode()
    assert "reduksjon −2\xa0000\xa0000\xa0kr" in side and "8\xa0000\xa0000\xa0kr" in side


def test_budsjettendring_med_tekst_lagrer_ingenting(tklient, sendt, tillegg):
    p = BudsjettpostFactory(kapittel=BudsjettkapittelFactory(tildelingsbrev=sendt))
    data = formsett("endringer", [{"post": str(p.pk), "endring_kr": "5 mill."}, {"post": str(p.pk), "endring_kr": "mye"}])
    r = tklient.post(reverse("brev:rediger-tillegg-budsjett", args=[sendt.pk, 1]), data)
    assert r.status_code == 200 and "«mye» er ikke et beløp" in r.content.decode()
    assert not Budsjettendring.objects.exists()


def test_tillegg_faar_nytt_oppdrag_nye_frister_og_tekst(tklient, sendt, tillegg):
    data = {"oppdrag-nummer": "021", "oppdrag-tittel": "Nytt oppdrag i tillegget"}
    data.update(formsett("frister", [{"tekst": "1. oktober 2025"}]))
    data.update(formsett("milepaeler", []))
    r = tklient.post(reverse("brev:rediger-tillegg-oppdrag-ny", args=[sendt.pk, 1]), data)
    assert r.status_code == 302, r.content.decode()[:3000]
    o = Oppdrag.objects.get(nummer="021")
    assert (o.tildelingsbrev, o.tillegg) == (sendt, tillegg)
    assert o.frister.get().tillegg == tillegg

    gammelt = OppdragFactory(tildelingsbrev=sendt, nummer="2025-03")
    FristFactory(oppdrag=gammelt, tildelingsbrev=sendt)
    url = reverse("brev:rediger-tillegg-tidligere", args=[sendt.pk, 1, gammelt.pk])
    r = tklient.post(url, formsett("frister", [{"tekst": "Del 1: 1. juni 2025"}, {"tekst": "Del 2: 1. desember 2025"}]))
    assert r.status_code == 302, r.content.decode()[:3000]
    assert list(Frist.objects.filter(oppdrag=gammelt, tillegg=tillegg).order_by("rekkefolge")
                .values_list("dato", flat=True)) == [date(2025, 6, 1), date(2025, 12, 1)]

    r = tklient.post(reverse("brev:rediger-tillegg-avsnitt-ny", args=[sendt.pk, 1]),
                     {"tittel": "Endret rapportering", "tekst": "Ny tekst"})
    assert r.status_code == 302
    assert Brevavsnitt.objects.get(tittel="Endret rapportering").tillegg == tillegg
    side = tklient.get(reverse("brev:rediger-tillegg", args=[sendt.pk, 1])).content.decode()
    assert "Nytt oppdrag i tillegget" in side and "Del 1: 1. juni 2025" in side and "Endret rapportering" in side


def test_tilleggets_hode_lagres(tklient, sendt, tillegg):
    url = reverse("brev:rediger-tillegg", args=[sendt.pk, 1])
    side = tklient.get(url).content.decode()
    r = tklient.post(url, {"tittel": "Tillegg nr. 1 – nye oppdrag", "dato": "15.03.2025", "var_ref": "25/11-",
                           "tekst": "Vi viser til …", "versjon": versjon(side)})
    assert r.status_code == 302
    tillegg.refresh_from_db()
    assert (tillegg.tittel, tillegg.dato) == ("Tillegg nr. 1 – nye oppdrag", date(2025, 3, 15))


def test_sendt_tillegg_er_laast(tklient, sendt, tillegg):
    tillegg.status, tillegg.sendt = "sendt", timezone.now()
    tillegg.save()
    r = tklient.get(reverse("brev:rediger-tillegg-budsjett", args=[sendt.pk, 1]))
    assert r.status_code == 403
    assert "Tillegg nr. 1 er sendt og kan ikke endres" in r.content.decode()
