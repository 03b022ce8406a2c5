"""The letter's history and the oppdrag's history never break and read well: every kind of part
deleted from a draft still shows as deleted, one save is one entry, internal fields stay hidden,
and the filters by part, person and period work."""

from __future__ import annotations

import re
from datetime import date, timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from budsjett.models import Budsjettendring, Finansiering
from kjerne.historikk import acting_user
from oppdrag.models import Frist, Milepael, Oppdrag
from styring.models import (
    Brevavsnitt,
    Fellesforing,
    Maaleverdi,
    Maalgruppe,
    Moete,
    Plikt,
    Rapporteringskrav,
    Resultatkrav,
    Signatur,
    Tillegg,
    Vedlegg,
)
from tests.factories import (
    BudsjettbindingFactory,
    BudsjettkapittelFactory,
    BudsjettpostFactory,
    FordelingFactory,
    FristFactory,
    MaalFactory,
    MilepaelFactory,
    OppdragFactory,
    RapporteringspunktFactory,
    StyringsparameterFactory,
    TildelingsbrevFactory,
    TilskuddFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db

# Session and user, the letter, one per history table (26), one per model whose history keeps the
# state of many-to-many fields (the letter's kopi til; an oppdrag's delt med and jf. oppdrag; a
# rapporteringskrav's styringsparametere: 3), the referenced records once per model for the whole
# page, the PDF list.
HISTORIKK_SPORRINGER = 41


@pytest.fixture
def utkast():
    """A draft 2025 letter with one of every kind of part, written by the editor Eva."""
    brev = TildelingsbrevFactory(aar=2025)
    eva = UserFactory(organisasjon=brev.departement, first_name="Eva", last_name="Redaktør")
    with acting_user(eva):
        deler = {}
        deler["maalgruppe"] = Maalgruppe.objects.create(tildelingsbrev=brev, nummer="A", tittel="Integrering")
        deler["maal"] = maal = MaalFactory(tildelingsbrev=brev, nummer=3, tittel="Flere i arbeid")
        deler["styringsparameter"] = sp = StyringsparameterFactory(maal=maal, kode="3.1", tekst="Andel i arbeid")
        deler["resultatkrav"] = Resultatkrav.objects.create(styringsparameter=sp, tekst="Minst 60 prosent")
        deler["maaleverdi"] = Maaleverdi.objects.create(styringsparameter=sp, periode="2024", tekst="55 prosent")
        deler["oppdrag"] = o = OppdragFactory(tildelingsbrev=brev, maal=maal, nummer="2025-03",
                                              tittel="Kartlegge kompetanse")
        deler["frist"] = FristFactory(oppdrag=o, tekst="1. juni 2025", dato=date(2025, 6, 1))
        deler["milepael"] = MilepaelFactory(oppdrag=o, tittel="Prosjektplan levert")
        deler["finansiering"] = Finansiering.objects.create(oppdrag=o, tekst="3 mill. kroner over kap. 671")
        deler["kapittel"] = kap = BudsjettkapittelFactory(tildelingsbrev=brev, nummer=671, betegnelse="Integrering")
        deler["post"] = post = BudsjettpostFactory(kapittel=kap, post=21, betegnelse="Spesielle driftsutgifter")
        deler["binding"] = BudsjettbindingFactory(post=post, oppdrag=o, tekst="Kartleggingen")
        deler["fordeling"] = FordelingFactory(post=post, tekst="Tilskudd til kommuner")
        deler["tilskudd"] = TilskuddFactory(post=post, mottaker="Kommune A")
        deler["kapitteltekst"] = Brevavsnitt.objects.create(tildelingsbrev=brev, tittel="Innledning", tekst="Tekst")
        deler["vedlegg"] = Vedlegg.objects.create(tildelingsbrev=brev, nummer=1, tittel="Oppdragsoversikt")
        deler["signatur"] = Signatur.objects.create(tildelingsbrev=brev, navn="Kari Direktør")
        deler["rapporteringskrav"] = Rapporteringskrav.objects.create(tildelingsbrev=brev, kode="R1",
                                                                       tekst="Rapportere om ventetid")
        deler["rapporteringspunkt"] = RapporteringspunktFactory(tildelingsbrev=brev)
        deler["moete"] = Moete.objects.create(tildelingsbrev=brev, type=Moete.Type.choices[0][0],
                                              tittel="Etatsstyringsmøte")
        deler["plikt"] = Plikt.objects.create(tildelingsbrev=brev, tekst="1. mars 2025", beskrivelse="Statistikk")
        deler["fellesforing"] = Fellesforing.objects.create(tildelingsbrev=brev, tittel="Inkluderingsdugnaden")
    return brev, eva, deler


def _objekter(html: str) -> list[str]:
    """The records the history page names ("Oppdrag 2025-03 «…» slettet")."""
    return [re.sub(r"\s+", " ", m) for m in re.findall(r'<p class="endringslogg-objekt">(.*?)</p>', html, re.S)]


@pytest.mark.parametrize("kind", [
    "maalgruppe", "maal", "styringsparameter", "resultatkrav", "maaleverdi", "oppdrag", "frist", "milepael",
    "finansiering", "kapittel", "post", "binding", "fordeling", "tilskudd", "kapitteltekst", "vedlegg", "signatur",
    "rapporteringskrav", "rapporteringspunkt", "moete", "plikt", "fellesforing",
])
def test_hver_slettet_del_vises_og_ingen_historikkside_feiler(client, utkast, kind):
    brev, eva, deler = utkast
    obj = deler[kind]
    type_navn = obj._meta.verbose_name
    with acting_user(eva):
        obj.delete()
    client.force_login(eva)
    r = client.get(reverse("brev:brev-historikk", args=[brev.pk]))
    assert r.status_code == 200
    slettet = [s for s in _objekter(r.content.decode()) if s.endswith(" slettet")]
    assert any(s.lower().startswith(f"{type_navn} ".lower()) for s in slettet), (kind, slettet)
    for o in Oppdrag.objects.filter(tildelingsbrev=brev):
        r = client.get(reverse("oppdrag:detalj", args=[o.pk]))
        assert r.status_code == 200
        if kind in ("frist", "milepael"):
            assert any(s.startswith(f"{type_navn.capitalize()} ") and s.endswith(" slettet")
                       for s in _objekter(r.content.decode()))


def test_med_alle_delene_slettet_viser_hvert_filter_dem(client, utkast):
    """The filtered pages take a subset of the sources the whole page reads (which every deleted
    kind above renders): with every part deleted, each filter still renders and names its own."""
    brev, eva, deler = utkast
    with acting_user(eva):
        for obj in reversed(list(deler.values())):  # parts before what holds them
            type(obj).objects.filter(pk=obj.pk).first() and obj.delete()
    client.force_login(eva)
    ventet = {"maal": "Mål 3", "oppdrag": "Oppdrag 2025-03", "budsjett": "Budsjettkapittel «Kap. 671",
              "brev": "Kapittel i brevet «Innledning»", "rapportering": "Rapporteringskrav «R1"}
    for del_, navn in ventet.items():
        r = client.get(reverse("brev:brev-historikk", args=[brev.pk]), {"del_": del_})
        assert r.status_code == 200
        slettet = [s for s in _objekter(r.content.decode()) if s.endswith(" slettet")]
        assert any(s.startswith(navn) for s in slettet), (del_, navn, slettet)


def test_slettet_oppdrag_leses_ut_fra_historikken(client, utkast):
    """The HTTP 500 of the issue: a frist of a deleted oppdrag names that oppdrag by its number."""
    brev, eva, deler = utkast
    with acting_user(eva):
        deler["oppdrag"].delete()
    client.force_login(eva)
    objekter = _objekter(client.get(reverse("brev:brev-historikk", args=[brev.pk])).content.decode())
    assert "Oppdrag 2025-03 «Kartlegge kompetanse» slettet" in objekter
    assert "Frist «2025-03: 1. juni 2025» slettet" in objekter
    assert "Milepæl «Prosjektplan levert (01.06.2025)» slettet" in objekter


def test_tillegg_og_delene_av_det_slettet(client):
    brev = TildelingsbrevFactory(aar=2025, sendt_brev=True)
    eva = UserFactory(organisasjon=brev.departement)
    with acting_user(eva):
        tillegg = Tillegg.objects.create(tildelingsbrev=brev, nummer=1, tittel="Nytt oppdrag om språk")
        o = OppdragFactory(tildelingsbrev=brev, tillegg=tillegg, nummer="2025-T1", tittel="Språkopplæring")
        FristFactory(oppdrag=o, tillegg=tillegg, tekst="1. oktober 2025", dato=date(2025, 10, 1))
        post = BudsjettpostFactory(kapittel=BudsjettkapittelFactory(tildelingsbrev=brev))
        Budsjettendring.objects.create(tillegg=tillegg, post=post, endring_kr=2_000_000)
    with acting_user(eva):
        o.delete()
        tillegg.delete()
    client.force_login(eva)
    r = client.get(reverse("brev:brev-historikk", args=[brev.pk]))
    assert r.status_code == 200
    objekter = _objekter(r.content.decode())
    assert "Oppdrag 2025-T1 «Språkopplæring» slettet" in objekter
    assert any(s.startswith("Tillegg ") and s.endswith(" slettet") for s in objekter)
    assert any(s.startswith("Budsjettendring ") and s.endswith(" slettet") for s in objekter)


def test_en_lagring_er_en_oppforing_uten_interne_felt(client, utkast):
    """Saving the oppdrag form with a changed title and a new frist: one entry by Eva listing both;
    the renumbered rows' ordering ("Rekkefølge 0 → 1") and ids are not shown."""
    brev, eva, deler = utkast
    o = deler["oppdrag"]
    client.force_login(eva)
    url = reverse("brev:rediger-oppdrag", args=[brev.pk, o.pk])
    html = client.get(url).content.decode()
    data = {k: v for k, v in re.findall(r'<input[^>]*name="([^"]+)"[^>]*value="([^"]*)"', html)
            if not k.startswith("csrf")}
    for navn, verdi in re.findall(r'<textarea[^>]*name="([^"]+)"[^>]*>(.*?)</textarea>', html, re.S):
        data[navn] = verdi.strip()
    for navn in re.findall(r'<select[^>]*name="([^"]+)"', html):
        m = re.search(rf'<select[^>]*name="{re.escape(navn)}".*?</select>', html, re.S).group(0)
        valgt = re.search(r'<option value="([^"]*)"[^>]*selected', m)
        data[navn] = valgt.group(1) if valgt else ""
    data = {k: v for k, v in data.items() if not re.search(r"-DELETE$", k)}
    data["oppdrag-tittel"] = "Kartlegge kompetanse og behov"
    n = int(data["frister-TOTAL_FORMS"])
    data[f"frister-{n}-tekst"] = "1. desember 2025"
    data["frister-TOTAL_FORMS"] = str(n + 1)
    for model in (Oppdrag, Frist, Milepael):  # the letter was written an hour ago
        model.history.update(history_date=timezone.now() - timedelta(hours=1))
    foer = sum(m.history.count() for m in (Oppdrag, Frist, Milepael))
    r = client.post(url, data)
    assert r.status_code == 302, r.content.decode()[:2000]
    assert sum(m.history.count() for m in (Oppdrag, Frist, Milepael)) > foer + 1  # several rows written
    html = client.get(reverse("brev:brev-historikk", args=[brev.pk])).content.decode()
    liste = html.split('class="tidslinje endringslogg"')[1]
    nyeste = liste.split("<li>")[1]
    assert "Eva Redaktør" in nyeste
    assert _objekter(nyeste) == ["Oppdrag 2025-03 «Kartlegge kompetanse og behov» endret",
                                 "Frist «2025-03: 1. desember 2025» opprettet"]
    assert "Rekkefølge" not in html and "history_id" not in html


def test_filtre_paa_del_person_og_periode_og_sider(client, utkast):
    brev, eva, deler = utkast
    per = UserFactory(organisasjon=brev.departement, first_name="Per", last_name="Pettersen")
    with acting_user(per):
        deler["maal"].tittel = "Flere i arbeid og utdanning"
        deler["maal"].save()
    client.force_login(eva)
    url = reverse("brev:brev-historikk", args=[brev.pk])
    alle = client.get(url).content.decode()
    assert "Per Pettersen" in alle and "Eva Redaktør" in alle
    bare_per = client.get(url, {"person": str(per.pk)}).content.decode()
    assert _objekter(bare_per) == ["Mål 3 «Flere i arbeid og utdanning» endret"]
    budsjett = _objekter(client.get(url, {"del_": "budsjett"}).content.decode())
    assert budsjett and all(s.split()[0] in ("Budsjettkapittel", "Budsjettpost", "Budsjettbinding", "Fordeling", "Budsjettendring",
                                             "Tilskuddsmottaker", "Finansiering") for s in budsjett), budsjett
    i_gaar = (timezone.localdate() - timedelta(days=1)).isoformat()
    tomt = client.get(url, {"til": i_gaar}).content.decode()
    assert _objekter(tomt) == [] and "Ingen endringer registrert som passer filtrene." in tomt
    feil = client.get(url, {"fra": timezone.localdate().isoformat(), "til": i_gaar}).content.decode()
    assert "Fra-datoen er etter til-datoen" in feil
    # 25 saves by different people alternating: two pages.
    folk = [UserFactory(organisasjon=brev.departement) for _ in range(2)]
    for i in range(30):
        with acting_user(folk[i % 2]):
            deler["kapitteltekst"].tekst = f"Tekst {i}"
            deler["kapitteltekst"].save()
    side1 = client.get(url).content.decode()
    assert 'aria-label="Sider i historikken"' in side1
    side2 = client.get(url, {"side": "2"}).content.decode()
    assert "Tekst 0" in side2 and "Tekst 29" not in side2 and "Tekst 29" in side1


def test_historikksiden_har_fast_antall_sporringer(client, utkast, django_assert_num_queries):
    """The letter's history runs the same queries with one oppdrag as with eleven, deleted or not."""
    brev, eva, deler = utkast
    client.force_login(eva)
    url = reverse("brev:brev-historikk", args=[brev.pk])
    client.get(url)  # warm the session and content types
    with django_assert_num_queries(HISTORIKK_SPORRINGER):
        assert client.get(url).status_code == 200
    with acting_user(eva):
        for i in range(10):
            o = OppdragFactory(tildelingsbrev=brev, maal=deler["maal"], nummer=f"2025-{10 + i}")
            FristFactory(oppdrag=o, tekst="1. mai 2025", dato=date(2025, 5, 1))
            MilepaelFactory(oppdrag=o)
        deler["oppdrag"].delete()
        deler["post"].delete()
    # Ten more oppdrag cost nothing; each model with deleted records that rows refer to (oppdrag,
    # post, fordeling) costs one query to read them from their history.
    with django_assert_num_queries(HISTORIKK_SPORRINGER + 3):
        assert client.get(url).status_code == 200


def test_sammenligning_med_versjon_viser_sendetidspunktet_i_oslotid(client):
    """The version compare prefills the time the letter was sent: 20.48 UTC in November is 21.48."""
    from datetime import UTC, datetime

    brev = TildelingsbrevFactory(aar=2026, status="sendt", sendt=datetime(2026, 11, 30, 20, 48, tzinfo=UTC))
    client.force_login(UserFactory(organisasjon=brev.departement))
    html = client.get(reverse("brev:sammenlign", args=[brev.pk]), {"med": "versjon"}).content.decode()
    assert 'value="2026-11-30T21:48"' in html
    assert "Versjon 30.11.2026 kl. 21.48" in html
