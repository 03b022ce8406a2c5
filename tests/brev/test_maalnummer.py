"""Mål numbered as the letter numbers them ("3.1", "Hovedmål 2"), in natural order, with målområder
and delområder (3.2.1 …) shown in place on the letter page, in the PDF and in the editor (#13 item 1)."""

from __future__ import annotations

import re

import pytest
from django.urls import reverse

from brev.pdf import tildelingsbrev_html
from brukere.models import Rolle
from kjerne.sortering import naturlig_nokkel
from styring.models import Brevavsnitt, Maal, Maalgruppe
from tests.factories import MaalFactory, OppdragFactory, TildelingsbrevFactory, UserFactory

pytestmark = pytest.mark.django_db

NATURLIG = ["1", "2", "3", "3.1", "3.2", "3.10", "10", "Hovedmål 2", "Hovedmål 10"]


def test_naturlig_nokkel_ordner_som_brevet():
    assert sorted(reversed(NATURLIG), key=naturlig_nokkel) == NATURLIG
    # Only digits and letters: a collation that ignores punctuation orders the keys alike.
    assert all(re.fullmatch(r"[0-9a-zæøå]+", naturlig_nokkel(n)) for n in NATURLIG)


def test_maal_sorteres_naturlig_i_databasen(brev):
    for n in ["10", "Hovedmål 2", "3.2", "2", "3.1", "1"]:
        MaalFactory(tildelingsbrev=brev, nummer=n)
    assert list(brev.maal.values_list("nummer", flat=True)) == ["1", "2", "3.1", "3.2", "10", "Hovedmål 2"]
    assert [str(m) for m in brev.maal.all()][-1].startswith("Hovedmål 2: ")
    # The number changes: the key follows on save, also with update_fields.
    m = brev.maal.get(nummer="10")
    m.nummer = "0"
    m.save(update_fields=["nummer"])
    assert brev.maal.first().nummer == "0"


def _eldre_brev(**kw):
    """A letter in the older style: målområde 3 with mål 3.1 and 3.2, delområder 3.2.1, 3.2.2 and 3.2.10."""
    brev = TildelingsbrevFactory(aar=2017, **kw)
    Brevavsnitt.objects.create(tildelingsbrev=brev, nummer="3", tittel="Mål, styringsparametere og oppdrag",
                               tekst="Kapitlets tekst.")
    omraade = Maalgruppe.objects.create(tildelingsbrev=brev, nummer="3", tittel="Integrering",
                                        tekst="Målområdets innledning.")
    m1 = MaalFactory(tildelingsbrev=brev, nummer="1", tittel="Bosetting uten opphold")
    m32 = MaalFactory(tildelingsbrev=brev, nummer="3.2", tittel="Gode tjenester", gruppe=omraade,
                      tekst="Teksten til mål 3.2.")
    m31 = MaalFactory(tildelingsbrev=brev, nummer="3.1", tittel="Kvalifisering", gruppe=omraade)
    for nr, tittel in (("3.2.10", "Tiende delområde"), ("3.2.2", "Tolking"), ("3.2.1", "Bosetting")):
        Maalgruppe.objects.create(tildelingsbrev=brev, nummer=nr, tittel=tittel, under_maal=m32,
                                  tekst=f"Teksten under {nr}.")
    Maalgruppe.objects.create(tildelingsbrev=brev, nummer="4", tittel="Et målområde uten mål")
    MaalFactory(tildelingsbrev=brev, nummer="10", tittel="Mål ti")
    OppdragFactory(tildelingsbrev=brev, maal=m31, nummer="O1", aar=2017)
    return brev, m1, m31, m32


def _rekkefolge(html: str, *deler: str) -> list[int]:
    if 'id="maal-1"' in html:  # after the table of contents
        html = html[html.find('id="maal-1"'):]
    posisjoner = [html.find(d) for d in deler]
    assert all(p >= 0 for p in posisjoner), [d for d, p in zip(deler, posisjoner, strict=True) if p < 0]
    return posisjoner


I_REKKEFOLGE = ("Mål 1: Bosetting uten opphold", "3 Integrering", "Målområdets innledning.", "Mål 3.1: Kvalifisering",
                "Mål 3.2: Gode tjenester", "Teksten til mål 3.2.", "3.2.1 Bosetting", "Teksten under 3.2.1.",
                "3.2.2 Tolking", "3.2.10 Tiende delområde", "4 Et målområde uten mål", "Mål 10: Mål ti")


def test_brevsiden_viser_maalomraader_og_delomraader_paa_plass(client):
    brev, *_ = _eldre_brev()
    client.force_login(UserFactory(organisasjon=brev.departement))
    html = client.get(reverse("brev:brev", args=[brev.pk])).content.decode()
    pos = _rekkefolge(html, *I_REKKEFOLGE)
    assert pos == sorted(pos)
    assert 'id="maal-3-1"' in html and 'href="#maal-3-2"' in html
    # The delområder stand inside mål 3.2's section, before the next mål.
    seksjon = html[html.find('id="maal-3-2"'):html.find('id="maal-10"')]
    assert "3.2.1 Bosetting" in seksjon and "Styringsparametere" not in seksjon.split("3.2.1 Bosetting")[0][-200:]


def test_pdf_viser_maalomraader_og_delomraader_paa_plass():
    brev, *_ = _eldre_brev()
    html = tildelingsbrev_html(brev)
    pos = _rekkefolge(html, *I_REKKEFOLGE)
    assert pos == sorted(pos)
    assert '<a href="#maal-3-1">Mål 3.1: Kvalifisering</a>' in html


def test_hovedmaal_skrives_som_navn(client):
    brev = TildelingsbrevFactory(aar=2019)
    MaalFactory(tildelingsbrev=brev, nummer="Hovedmål 2", tittel="Gode tolketjenester")
    client.force_login(UserFactory(organisasjon=brev.departement))
    html = client.get(reverse("brev:brev", args=[brev.pk])).content.decode()
    assert "Hovedmål 2: Gode tolketjenester" in html and "Mål Hovedmål" not in html
    assert 'id="maal-hovedmal-2"' in html
    assert "Hovedmål 2: Gode tolketjenester" in tildelingsbrev_html(brev)


def test_redaktor_lager_maal_3_1_og_et_delomraade_i_nettleseren(klient, brev):
    MaalFactory(tildelingsbrev=brev, nummer="1")
    MaalFactory(tildelingsbrev=brev, nummer="2")
    side = klient.get(reverse("brev:rediger-maal-ny", args=[brev.pk])).content.decode()
    assert 'value="3"' in side  # the next whole number is offered
    r = klient.post(reverse("brev:rediger-maal-ny", args=[brev.pk]),
                    {"nummer": " 3.1 ", "tittel": "Kvalifisering", "tekst": ""})
    assert r.status_code == 302, r.content.decode()[:2000]
    m31 = brev.maal.get(nummer="3.1")
    assert m31.tittel == "Kvalifisering"
    # The same number again is refused in Norwegian, and nothing is saved.
    r = klient.post(reverse("brev:rediger-maal-ny", args=[brev.pk]), {"nummer": "3.1", "tittel": "Igjen"})
    assert r.status_code == 200 and "Mål 3.1 finnes allerede i dette brevet" in r.content.decode()
    assert brev.maal.count() == 3

    side = klient.get(reverse("brev:rediger-maal", args=[brev.pk, m31.pk])).content.decode()
    assert "Delområder under mål 3.1" in side
    ny_url = reverse("brev:rediger-omraade-ny", args=[brev.pk]) + f"?maal={m31.pk}"
    assert ny_url.replace("&", "&amp;") in side
    assert 'value="3.1."' in klient.get(ny_url).content.decode()  # prefilled "3.1."
    r = klient.post(ny_url, {"nummer": "3.1.1", "tittel": "Introduksjonsprogrammet", "under_maal": str(m31.pk),
                             "overordnet": "", "tekst": "Om programmet."})
    assert r.status_code == 302, r.content.decode()[:2000]
    g = Maalgruppe.objects.get(tildelingsbrev=brev, nummer="3.1.1")
    assert (g.under_maal, g.tekst, r.url) == (m31, "Om programmet.",
                                               reverse("brev:rediger-maal", args=[brev.pk, m31.pk]) + "#delomraader")
    assert g.history.first().history_user is not None

    # The overview lists them in natural order, the delområde under its mål.
    MaalFactory(tildelingsbrev=brev, nummer="10")
    oversikt = klient.get(reverse("brev:rediger-oversikt", args=[brev.pk])).content.decode()
    oversikt = oversikt[oversikt.find('<h2 id="maal">'):]
    pos = _rekkefolge(oversikt, "Mål 1:", "Mål 2:", "Mål 3.1:", "3.1.1 Introduksjonsprogrammet", "Mål 10:")
    assert pos == sorted(pos)

    # Edit: a målområde cannot stand under itself.
    r = klient.post(reverse("brev:rediger-omraade", args=[brev.pk, g.pk]),
                    {"nummer": "3.1.1", "tittel": "Intro", "under_maal": str(m31.pk), "overordnet": str(g.pk),
                     "tekst": "", "versjon": _versjon(klient, brev, g)})
    assert r.status_code == 200
    g.refresh_from_db()
    assert g.tittel == "Introduksjonsprogrammet"


def _versjon(klient, brev, g) -> str:
    html = klient.get(reverse("brev:rediger-omraade", args=[brev.pk, g.pk])).content.decode()
    return re.search(r'name="versjon" value="([^"]+)"', html).group(1)


def test_tomt_maalnummer_avvises_paa_norsk(klient, brev):
    r = klient.post(reverse("brev:rediger-maal-ny", args=[brev.pk]), {"nummer": "   ", "tittel": "Uten nummer"})
    assert r.status_code == 200 and not Maal.objects.filter(tildelingsbrev=brev).exists()
    assert "Skriv målets nummer slik brevet skriver det" in r.content.decode()


def test_virksomheten_kan_ikke_lage_delomraader(client):
    brev, _, m31, _ = _eldre_brev()
    client.force_login(UserFactory(organisasjon=brev.virksomhet, rolle=Rolle.VIRKSOMHET_KONTAKT))
    antall = Maalgruppe.objects.count()
    for url in (reverse("brev:rediger-omraade-ny", args=[brev.pk]),
                reverse("brev:rediger-omraade", args=[brev.pk, brev.maalgrupper.first().pk])):
        assert client.post(url, {"nummer": "9", "tittel": "x"}).status_code in (403, 404)
    assert Maalgruppe.objects.count() == antall


def test_videreforing_tar_med_omraader_og_delomraader():
    from brev.services import brev_viderefor

    brev, *_ = _eldre_brev(sendt_brev=True)
    ny = brev_viderefor(brev=brev, acting_user=UserFactory(organisasjon=brev.departement))
    assert list(ny.maal.values_list("nummer", flat=True)) == ["1", "3.1", "3.2", "10"]
    delomraader = ny.maalgrupper.filter(under_maal__isnull=False)
    assert [(g.nummer, g.under_maal.nummer) for g in delomraader] == [("3.2.1", "3.2"), ("3.2.2", "3.2"),
                                                                      ("3.2.10", "3.2")]
    assert ny.maal.get(nummer="3.1").gruppe.nummer == "3"
