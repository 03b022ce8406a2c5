"""Rapporteringskrav (R 1 … R 8.4, "R 10 og 11") in the letter's order, under their mål or the SP they
name, on the letter page, in the PDF, the editor, the archive and the halvårs- and årsrapport (#13 item 2)."""

from __future__ import annotations

import copy
import re

import pytest
from django.urls import reverse

from arkiv.eksport import export_tildelingsbrev
from arkiv.innlesing import ArkivFeil, import_tildelingsbrev
from brev.pdf import tildelingsbrev_html
from brukere.models import Rolle
from kjerne import konflikt
from oppdrag.models import Oppdrag
from rapportering import services
from rapportering.innhold import rapport_innhold
from rapportering.models import Rapport, Rapportdel
from rapportering.pdf import bygg_rapport
from styring.models import Brevavsnitt, Rapporteringskrav, Tildelingsbrev
from tests.factories import (
    MaalFactory,
    RapporteringspunktFactory,
    StyringsparameterFactory,
    TildelingsbrevFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db


def _brev(**kw):
    """Mål 1 (SP 1) and mål 2 (SP 2, SP 3); R-krav in the letter's order R 1, R 2, R 8.4, R 10 og 11, R 12."""
    brev = TildelingsbrevFactory(aar=2017, **kw)
    Brevavsnitt.objects.create(tildelingsbrev=brev, nummer="3", tittel="Mål, styringsparametere og oppdrag", tekst="")
    Brevavsnitt.objects.create(tildelingsbrev=brev, nummer="6", tittel="Rapportering", tekst="")
    m1 = MaalFactory(tildelingsbrev=brev, nummer="1", tittel="Rask bosetting")
    m2 = MaalFactory(tildelingsbrev=brev, nummer="2", tittel="Gode tolketjenester")
    sp1 = StyringsparameterFactory(maal=m1, kode="SP 1")
    sp2 = StyringsparameterFactory(maal=m2, kode="SP 2", rekkefolge=1)
    sp3 = StyringsparameterFactory(maal=m2, kode="SP 3", rekkefolge=2)
    krav = {}
    for i, (kode, maal, sps, frekvens) in enumerate([
        ("R 1", m1, [sp1], "halvaar_og_aar"),
        ("R 2", m1, [], "aarsrapport"),
        ("R 8.4", None, [sp2], "halvaarsrapport"),  # no mål: stands under SP 2's mål
        ("R 10 og 11", m2, [sp2, sp3], "aarsrapport"),
        ("R 12", None, [], "maanedlig"),  # neither: in the reporting part
    ]):
        k = Rapporteringskrav.objects.create(tildelingsbrev=brev, kode=kode, maal=maal, frekvens=frekvens,
                                             tekst=f"Redegjør for {kode}.", rekkefolge=i)
        k.styringsparametere.set(sps)
        krav[kode] = k
    return brev, m1, m2, krav


def _seksjon(html: str, start: str, slutt: str | None) -> str:
    i = html.find(start)
    assert i >= 0, start
    return html[i:html.find(slutt, i) if slutt else None]


def test_brevsiden_viser_kravene_under_maalet_i_brevets_rekkefolge(client):
    brev, *_ = _brev()
    client.force_login(UserFactory(organisasjon=brev.departement))
    html = client.get(reverse("brev:brev", args=[brev.pk])).content.decode()
    maal1 = _seksjon(html, 'id="maal-1"', 'id="maal-2"')
    maal2 = _seksjon(html, 'id="maal-2"', "Rapportering</h")
    assert "Rapporteringskrav for mål 1" in maal1
    assert re.findall(r'data-etikett="Kode">(R [^<]+)<', maal1) == ["R 1", "R 2"]
    assert re.findall(r'data-etikett="Kode">(R [^<]+)<', maal2) == ["R 8.4", "R 10 og 11"]
    assert 'data-etikett="Styringsparameter">SP 2, SP 3</td>' in maal2
    assert "R 12" not in maal1 + maal2 and "Redegjør for R 12." in html


def test_pdf_viser_kravene_under_maalet_i_brevets_rekkefolge():
    brev, *_ = _brev()
    html = tildelingsbrev_html(brev)
    mål = html[html.find('id="maal-1"'):]
    koder = re.findall(r'<td class="nr">(R [^<]+)</td>', mål)
    assert koder == ["R 1", "R 2", "R 8.4", "R 10 og 11", "R 12"]
    assert "Rapporteringskrav for mål 2" in mål


def test_redaktor_legger_til_redigerer_og_flytter_krav(client):
    brev, m1, m2, krav = _brev()
    client.force_login(UserFactory(organisasjon=brev.departement))
    oversikt = client.get(reverse("brev:rediger-oversikt", args=[brev.pk])).content.decode()
    tabell = _seksjon(oversikt, 'id="rapporteringskrav"', "Nytt rapporteringskrav")
    assert re.findall(r'data-etikett="Kode">(R [^<]+)<', tabell) == ["R 1", "R 2", "R 8.4", "R 10 og 11", "R 12"]

    sp = m2.styringsparametere.get(kode="SP 3")
    r = client.post(reverse("brev:rediger-krav-ny", args=[brev.pk]),
                    {"kode": " R 13 ", "tekst": "Antall tolker.", "maal": str(m2.pk), "styringsparametere": [str(sp.pk)],
                     "frekvens": "aarsrapport", "frekvens_tekst": "Årsrapport"})
    assert r.status_code == 302, r.content.decode()[:2000]
    ny = brev.rapporteringskrav.get(kode="R 13")
    assert (ny.rekkefolge, list(ny.styringsparametere.all())) == (5, [sp])
    # A code the letter has is refused, in Norwegian, and nothing is saved.
    r = client.post(reverse("brev:rediger-krav-ny", args=[brev.pk]),
                    {"kode": "R 2", "tekst": "x", "frekvens": "aarsrapport"})
    assert r.status_code == 200 and "R 2 finnes allerede i dette brevet" in r.content.decode()
    assert brev.rapporteringskrav.count() == 6

    # Move R 13 up past R 12: the letter's order changes, and the page follows.
    r = client.post(reverse("brev:rediger-krav-flytt", args=[brev.pk, ny.pk]), {"retning": "opp"})
    assert r.status_code == 302
    assert list(brev.rapporteringskrav.values_list("kode", flat=True)) == ["R 1", "R 2", "R 8.4", "R 10 og 11",
                                                                          "R 13", "R 12"]
    html = client.get(reverse("brev:brev", args=[brev.pk])).content.decode()
    assert re.findall(r'data-etikett="Kode">(R [^<]+)<', _seksjon(html, 'id="maal-2"', None))[:3] == [
        "R 8.4", "R 10 og 11", "R 13"]

    # Edit with the version the page showed.
    side = client.get(reverse("brev:rediger-krav", args=[brev.pk, ny.pk])).content.decode()
    versjon = re.search(r'name="versjon" value="([^"]+)"', side).group(1)
    r = client.post(reverse("brev:rediger-krav", args=[brev.pk, ny.pk]),
                    {"kode": "R 13", "tekst": "Antall godkjente tolker.", "maal": str(m2.pk), "frekvens": "aarsrapport",
                     "frekvens_tekst": "", "versjon": versjon})
    assert r.status_code == 302, r.content.decode()[:2000]
    ny.refresh_from_db()
    assert ny.tekst == "Antall godkjente tolker." and not ny.styringsparametere.exists()


def test_virksomheten_kan_ikke_endre_krav(client):
    brev, _, _, krav = _brev()
    client.force_login(UserFactory(organisasjon=brev.virksomhet, rolle=Rolle.VIRKSOMHET_KONTAKT))
    for url, data in ((reverse("brev:rediger-krav-ny", args=[brev.pk]), {"kode": "R 99", "tekst": "x",
                                                                          "frekvens": "aarsrapport"}),
                      (reverse("brev:rediger-krav-flytt", args=[brev.pk, krav["R 2"].pk]), {"retning": "opp"})):
        assert client.post(url, data).status_code in (403, 404)
    assert list(brev.rapporteringskrav.values_list("kode", flat=True)) == ["R 1", "R 2", "R 8.4", "R 10 og 11", "R 12"]


def test_arkivet_holder_kravene_i_rekkefolge_med_sp_kodene():
    brev, *_ = _brev(sendt_brev=True)
    ut = export_tildelingsbrev(brev)
    assert [(k["kode"], k["maal"], k["styringsparametere"]) for k in ut["rapporteringskrav"]] == [
        ("R 1", "1", ["SP 1"]), ("R 2", "1", []), ("R 8.4", None, ["SP 2"]), ("R 10 og 11", "2", ["SP 2", "SP 3"]),
        ("R 12", None, [])]
    Oppdrag.objects.all().delete()
    Tildelingsbrev.objects.all().delete()
    igjen = import_tildelingsbrev(copy.deepcopy(ut), opprett_organisasjoner=True)
    assert export_tildelingsbrev(igjen)["rapporteringskrav"] == ut["rapporteringskrav"]

    feil = copy.deepcopy(ut)
    feil["rapporteringskrav"][1]["styringsparametere"] = ["SP 9"]
    Oppdrag.objects.all().delete()
    Tildelingsbrev.objects.all().delete()
    with pytest.raises(ArkivFeil) as e:
        import_tildelingsbrev(feil, opprett_organisasjoner=True)
    assert "rapporteringskrav[1].styringsparametere[0]: brevet har ingen styringsparameter SP 9." in e.value.feil
    assert not Rapporteringskrav.objects.exists()


@pytest.mark.parametrize("type_, koder", [
    ("halvaarsrapport", ["R 1", "R 8.4"]),
    ("aarsrapport", ["R 1", "R 2", "R 10 og 11"]),
])
def test_rapporten_har_kravene_som_punkter_aa_svare_paa(type_, koder):
    brev, *_ = _brev(sendt_brev=True)
    punkt = RapporteringspunktFactory(tildelingsbrev=brev, type=type_, rapport_aar=2017)
    kontakt = UserFactory(organisasjon=brev.virksomhet, rolle=Rolle.VIRKSOMHET_KONTAKT)
    rapport = services.rapport_opprett(punkt=punkt, user=kontakt)
    krav_deler = [d for d in rapport.deler.order_by("rekkefolge") if d.kode.startswith("rk-")]
    assert [d.tittel.split(":")[0] for d in krav_deler] == [f"Rapporteringskrav {k}" for k in koder]
    assert all(d.rekkefolge > 4 for d in krav_deler)  # after the report's own parts

    # The agency answers like any other part; a stale version is refused.
    del_ = krav_deler[-1]
    versjon = konflikt.signer(del_, services.DEL_FELTER)
    services.rapport_lagre_deler(rapport=rapport, tekster={del_.kode: "<p>Vi har 1 800 tolker.</p>"}, user=kontakt,
                                 versjoner={del_.kode: versjon})
    assert "1 800 tolker" in Rapportdel.objects.get(pk=del_.pk).tekst
    with pytest.raises(services.RapportKonflikt):
        services.rapport_lagre_deler(rapport=rapport, tekster={del_.kode: "<p>Annet</p>"}, user=kontakt,
                                     versjoner={del_.kode: versjon})

    innhold = rapport_innhold(Rapport.objects.with_report_data().get(pk=rapport.pk))
    siste = [d for d in innhold.deler if d.krav][-1]
    assert siste.krav.kode == koder[-1]
    if koder[-1] == "R 10 og 11":
        assert siste.krav_beskrivelse.startswith("Årsrapport. Gjelder SP 2 (mål 2), SP 3 (mål 2). Redegjør for R 10")
    html = bygg_rapport(rapport).html
    assert "Krav i tildelingsbrevet:" in html and "1 800 tolker" in html
    side_klient = __import__("django.test", fromlist=["Client"]).Client()
    side_klient.force_login(kontakt)
    side = side_klient.get(reverse("rapportering:detalj", args=[rapport.pk])).content.decode()
    assert f"Rapporteringskrav {koder[-1]}" in side and "1 800 tolker" in side
    skjema = side_klient.get(reverse("rapportering:rediger", args=[rapport.pk, "deler"])).content.decode()
    assert f"Redegjør for {koder[-1]}." in skjema  # the requirement is the field's help text
