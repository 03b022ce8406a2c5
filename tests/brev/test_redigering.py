"""Editing a letter in the browser: forms, formsets, frister, conflicts and the overview."""

from __future__ import annotations

import re
from datetime import date

import pytest
from django.urls import reverse

from oppdrag.models import Frist, Milepael, Oppdrag, Tittelvariant
from styring.models import Brevavsnitt, Maal, Resultatkrav, Styringsparameter
from tests.factories import (
    FristFactory,
    MaalFactory,
    OppdragFactory,
    TildelingsbrevFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def redaktor(brev):
    return UserFactory(organisasjon=brev.departement, first_name="Eva", last_name="Redaktør")


@pytest.fixture
def klient(client, redaktor):
    client.force_login(redaktor)
    return client


def versjon(html: str, prefix: str = "") -> str:
    name = f"{prefix}-versjon" if prefix else "versjon"
    return re.search(rf'name="{name}" value="([^"]+)"', html).group(1)


def formsett(prefix: str, rader: list[dict], initial: int = 0) -> dict:
    data = {f"{prefix}-TOTAL_FORMS": str(len(rader)), f"{prefix}-INITIAL_FORMS": str(initial),
            f"{prefix}-MIN_NUM_FORMS": "0", f"{prefix}-MAX_NUM_FORMS": "1000"}
    for i, rad in enumerate(rader):
        for k, v in rad.items():
            data[f"{prefix}-{i}-{k}"] = v
    return data


def oppdrag_data(**extra) -> dict:
    data = {"oppdrag-nummer": "2025-01", "oppdrag-tittel": "Kartlegge kvalifisering", "oppdrag-fou": "",
            "oppdrag-start": ""}
    data.update(formsett("frister", []))
    data.update(formsett("milepaeler", []))
    data.update(extra)
    return data


def test_oppdrag_med_todelt_frist_gir_to_frister_med_riktige_datoer(klient, brev):
    maal = MaalFactory(tildelingsbrev=brev, nummer=1)
    data = oppdrag_data(**{"oppdrag-maal": str(maal.pk)})
    data.update(formsett("frister", [{"tekst": "Del 1: 1. juni 2025"}, {"tekst": "Del 2: 31.12.2025"}]))
    data.update(formsett("milepaeler", [{"tittel": "Prosjektplan", "tekst": "1. mars 2025"}]))
    r = klient.post(reverse("brev:rediger-oppdrag-ny", args=[brev.pk]), data)
    assert r.status_code == 302, r.content.decode()[:3000]
    o = Oppdrag.objects.get(nummer="2025-01")
    assert (o.tildelingsbrev, o.virksomhet, o.aar, o.maal) == (brev, brev.virksomhet, 2025, maal)
    frister = list(o.frister.order_by("rekkefolge"))
    assert [(f.del_betegnelse, f.dato) for f in frister] == [("Del 1", date(2025, 6, 1)), ("Del 2", date(2025, 12, 31))]
    assert all(f.tildelingsbrev == brev and f.tillegg is None for f in frister)
    assert Milepael.objects.get(oppdrag=o).dato == date(2025, 3, 1)
    side = klient.get(r.url).content.decode()
    assert "Tolket som:</strong> Del 1, dato 01.06.2025" in side
    assert "Tolket som:</strong> dato 01.03.2025" in side
    assert o.history.first().history_user.first_name == "Eva"


def test_en_ugyldig_fristrad_lagrer_ingenting(klient, brev):
    data = oppdrag_data()
    data.update(formsett("frister", [{"tekst": "1. mars 2025"}, {"tekst": "Del 2", "eksplisitt_dato": "31.02.2025"}]))
    r = klient.post(reverse("brev:rediger-oppdrag-ny", args=[brev.pk]), data)
    assert r.status_code == 200
    side = r.content.decode()
    assert "31. februar 2025 finnes ikke. Februar 2025 har 28 dager." in side
    assert "Ingenting er lagret" in side
    assert not Oppdrag.objects.exists() and not Frist.objects.exists()


def test_fristrad_med_frist_foer_oppstart_lagrer_ingenting(klient, brev):
    o = OppdragFactory(tildelingsbrev=brev, nummer="2025-09")
    FristFactory(oppdrag=o, tildelingsbrev=brev, tekst="01.12.2025", dato=date(2025, 12, 1))
    side = klient.get(reverse("brev:rediger-oppdrag", args=[brev.pk, o.pk])).content.decode()
    data = oppdrag_data(**{"oppdrag-nummer": "2025-09", "oppdrag-tittel": "Ny tittel", "oppdrag-start": "01.06.2025",
                           "oppdrag-versjon": versjon(side, "oppdrag")})
    frist = o.frister.get()
    data.update(formsett("frister", [{"id": str(frist.pk), "tekst": "01.12.2025",
                                      "versjon": versjon(side, "frister-0")},
                                     {"tekst": "1. mars 2025"}], initial=1))
    r = klient.post(reverse("brev:rediger-oppdrag", args=[brev.pk, o.pk]), data)
    assert r.status_code == 200
    assert "er før oppstart 01.06.2025" in r.content.decode(), re.findall(r"<table.*?</table>", r.content.decode(), re.S)
    o.refresh_from_db()
    assert o.tittel != "Ny tittel" and o.frister.count() == 1


@pytest.mark.parametrize("tekst, forventet", [
    ("Løpende", "løpende (ingen bestemt dato)"),
    ("Årsrapport 2025", "knyttet til årsrapport 2025, dato 15.03.2026"),
    ("hver 3. måned", "gjentakende hver 3. måned, første gang 31.03.2025, til 31.12.2025"),
    ("Innen utgangen av 2. kvartal 2025", "periode 01.04.2025–30.06.2025"),
    ("Når departementet ber om det", "bare tekst – ingen dato kunne leses ut"),
])
def test_fristformer_tolkes_og_vises(klient, brev, tekst, forventet):
    data = oppdrag_data()
    data.update(formsett("frister", [{"tekst": tekst}]))
    r = klient.post(reverse("brev:rediger-oppdrag-ny", args=[brev.pk]), data)
    assert r.status_code == 302
    assert Frist.objects.get().tekst == tekst
    assert forventet in klient.get(r.url).content.decode()


def test_eksplisitt_dato_vinner_over_teksten(klient, brev):
    data = oppdrag_data()
    data.update(formsett("frister", [{"tekst": "Etter nærmere avtale, senest før sommeren", "eksplisitt_dato": "30.06.2025"}]))
    r = klient.post(reverse("brev:rediger-oppdrag-ny", args=[brev.pk]), data)
    assert r.status_code == 302
    f = Frist.objects.get()
    assert (f.form, f.dato, f.tekst) == ("dato", date(2025, 6, 30), "Etter nærmere avtale, senest før sommeren")


def test_oppdragsnummer_maa_vaere_unikt_for_virksomheten(klient, brev):
    tidligere = TildelingsbrevFactory(virksomhet=brev.virksomhet, departement=brev.departement, aar=2024)
    OppdragFactory(tildelingsbrev=tidligere, nummer="2025-01")
    r = klient.post(reverse("brev:rediger-oppdrag-ny", args=[brev.pk]), oppdrag_data())
    assert r.status_code == 200
    assert f"Oppdragsnummeret 2025-01 er allerede brukt for {brev.virksomhet.kortnavn}" in r.content.decode()
    assert Oppdrag.objects.count() == 1


def test_maal_med_opptatt_nummer_gir_norsk_melding(klient, brev):
    MaalFactory(tildelingsbrev=brev, nummer=1, tittel="Flere i arbeid")
    r = klient.post(reverse("brev:rediger-maal-ny", args=[brev.pk]), {"nummer": "1", "tittel": "Annet mål"})
    assert r.status_code == 200
    assert "Mål 1 finnes allerede i dette brevet («Flere i arbeid»)" in r.content.decode()
    assert Maal.objects.count() == 1


def test_html_i_tittel_vises_som_tekst(klient, brev):
    maal = MaalFactory(tildelingsbrev=brev, nummer=1, tittel="<script>alert(1)</script>Mål")
    side = klient.get(reverse("brev:rediger-maal", args=[brev.pk, maal.pk])).content.decode()
    assert "<script>alert(1)</script>" not in side
    assert "&lt;script&gt;alert(1)&lt;/script&gt;Mål" in side
    oversikt = klient.get(reverse("brev:rediger-oversikt", args=[brev.pk])).content.decode()
    assert "<script>alert(1)" not in oversikt


def test_styringsparameter_med_resultatkrav_og_maaleverdier(klient, brev):
    maal = MaalFactory(tildelingsbrev=brev, nummer=1)
    data = {"sp-kode": "SP 1", "sp-tekst": "Andel i arbeid", "sp-i_aarsrapport": "on"}
    data.update(formsett("krav", [{"verdi": "90", "enhet": "prosent"}, {"tekst": "1 800 tolker"}]))
    data.update(formsett("verdier", [{"periode": "2024", "verdi": "79,5", "enhet": "prosent"}]))
    r = klient.post(reverse("brev:rediger-sp-ny", args=[brev.pk, maal.pk]), data)
    assert r.status_code == 302, r.content.decode()[:2000]
    sp = Styringsparameter.objects.get(maal=maal)
    assert [(str(k.verdi) if k.verdi is not None else None, k.enhet, k.tekst) for k in sp.resultatkrav.all()] == [
        ("90.000", "prosent", ""), (None, "", "1 800 tolker")]
    assert str(sp.maaleverdier.get().verdi) == "79.500"


def test_resultatkrav_uten_verdi_og_tekst_avvises_og_ingenting_lagres(klient, brev):
    maal = MaalFactory(tildelingsbrev=brev, nummer=1)
    data = {"sp-kode": "SP 1", "sp-tekst": "Andel i arbeid"}
    data.update(formsett("krav", [{"verdi": "90", "enhet": "prosent"}, {"enhet": "prosent"}]))
    data.update(formsett("verdier", []))
    r = klient.post(reverse("brev:rediger-sp-ny", args=[brev.pk, maal.pk]), data)
    assert r.status_code == 200
    assert "Enheten trenger en verdi." in r.content.decode()
    assert not Styringsparameter.objects.exists() and not Resultatkrav.objects.exists()


def test_kapitler_flyttes_og_slettes_med_bekreftelse(klient, brev):
    a = Brevavsnitt.objects.create(tildelingsbrev=brev, nummer="1", tittel="Innledning", rekkefolge=0)
    b = Brevavsnitt.objects.create(tildelingsbrev=brev, nummer="2", tittel="Prioriteringer", rekkefolge=1)
    r = klient.post(reverse("brev:rediger-avsnitt-flytt", args=[brev.pk, b.pk]), {"retning": "opp"})
    assert r.status_code == 302
    assert list(brev.avsnitt.order_by("rekkefolge").values_list("tittel", flat=True)) == ["Prioriteringer",
                                                                                         "Innledning"]
    assert klient.get(reverse("brev:rediger-avsnitt-flytt", args=[brev.pk, b.pk])).status_code == 405
    bekreft = klient.get(reverse("brev:rediger-avsnitt-slett", args=[brev.pk, a.pk]))
    assert "Vil du slette kapitlet «1 innledning»?" in bekreft.content.decode()
    assert Brevavsnitt.objects.filter(pk=a.pk).exists()
    klient.post(reverse("brev:rediger-avsnitt-slett", args=[brev.pk, a.pk]))
    assert not Brevavsnitt.objects.filter(pk=a.pk).exists()
    assert Brevavsnitt.history.filter(id=a.pk, history_type="-").get().history_user.first_name == "Eva"


def test_nytt_kapittel_legges_sist(klient, brev):
    Brevavsnitt.objects.create(tildelingsbrev=brev, tittel="Innledning", rekkefolge=4)
    r = klient.post(reverse("brev:rediger-avsnitt-ny", args=[brev.pk]), {"nummer": "2", "tittel": "Mål",
                                                                           "tekst": "Tekst"})
    assert r.status_code == 302
    assert Brevavsnitt.objects.get(tittel="Mål").rekkefolge == 5


def test_brevhode_lagres_med_historikk(klient, brev):
    side = klient.get(reverse("brev:rediger-brev", args=[brev.pk])).content.decode()
    r = klient.post(reverse("brev:rediger-brev", args=[brev.pk]), {
        "tittel": "Tildelingsbrev 2025", "dato": "20.12.2024", "var_ref": "24/1234-", "versjon": versjon(side)})
    assert r.status_code == 302
    brev.refresh_from_db()
    assert (brev.tittel, brev.dato, brev.var_ref) == ("Tildelingsbrev 2025", date(2024, 12, 20), "24/1234-")
    assert brev.history.first().history_user.first_name == "Eva"


def test_tidligere_oppdrag_faar_ny_frist_og_tittelvariant_i_dette_brevet(klient, brev):
    fjor = TildelingsbrevFactory(virksomhet=brev.virksomhet, departement=brev.departement, aar=2024,
                                 sendt_brev=True)
    o = OppdragFactory(tildelingsbrev=fjor, nummer="2024-05", tittel="Opprinnelig tittel")
    FristFactory(oppdrag=o, tildelingsbrev=fjor, tekst="01.06.2025", dato=date(2025, 6, 1))
    url = reverse("brev:rediger-tidligere", args=[brev.pk, o.pk])
    side = klient.get(url).content.decode()
    assert "Opprinnelig tittel" in side and "01.06.2025" in side
    data = {"variant-tittel": "Ny formulering"}
    data.update(formsett("frister", [{"tekst": "(01.06.2025) 31.12.2025"}]))
    r = klient.post(url, data)
    assert r.status_code == 302, r.content.decode()[:2000]
    ny = Frist.objects.get(oppdrag=o, tildelingsbrev=brev)
    assert (ny.dato, ny.opprinnelig_dato) == (date(2025, 12, 31), date(2025, 6, 1))
    assert Tittelvariant.objects.get(oppdrag=o, tildelingsbrev=brev).tittel == "Ny formulering"
    assert o.frister.filter(tildelingsbrev=fjor).count() == 1
    velg = klient.get(reverse("brev:rediger-tidligere-velg", args=[brev.pk]), {"nummer": "2024-05"})
    assert velg.url == url
