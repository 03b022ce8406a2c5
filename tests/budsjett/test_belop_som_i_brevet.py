"""Amounts as the letter states them (#13 item 3): a chapter table "i 1000 kroner" (or "i mill.
kroner") is shown, printed and edited in that unit while stored in kroner; a post given as "Se
omtale under" has no amount (NULL, not 0) and raises no false warning; bindinger without an amount
or with a range ("1 til 1,5 mill. kroner") are held as such, shown, edited and archived."""

from __future__ import annotations

import json
import re

import pytest
from django.apps import apps
from django.urls import reverse

from arkiv.eksport import export_tildelingsbrev
from arkiv.innlesing import import_tildelingsbrev
from arkiv.skjema import ArkivFeil
from brev.pdf import tildelingsbrev_html
from budsjett.models import Budsjettbinding, Budsjettkapittel, Budsjettpost
from fixtures.demo import FIXTURES
from kjerne.belop import BelopError, desimaler_i_enhet, format_i_enhet, parse_intervall
from oppdrag.models import Oppdrag
from styring.konsistens import FEIL, MERKNAD, check_tildelingsbrev
from styring.models import Tildelingsbrev
from tests.brev.test_redigering import formsett
from tests.factories import BudsjettkapittelFactory, BudsjettpostFactory, UserFactory

pytestmark = pytest.mark.django_db
NBSP = "\u00a0"


def _flat(html: str) -> str:
    """The text of a page with tags gone and spaces (NBSP too) collapsed."""
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html).replace(NBSP, " "))


def _brevside(client, brev) -> str:
    client.force_login(UserFactory(organisasjon=brev.departement))
    r = client.get(reverse("brev:brev", args=[brev.pk]))
    assert r.status_code == 200
    return r.content.decode()


def _brev_2023(endre) -> dict:
    """IMDi's 2023 letter in the archive format, changed by ``endre(data)``."""
    data = json.loads((FIXTURES / "imdi-2023.json").read_text(encoding="utf-8"))
    endre(data)
    return data


def _slett(brev) -> None:
    """Make room to import the same letter again (its oppdrag hold on to the letter)."""
    Oppdrag.objects.filter(tildelingsbrev=brev).delete()
    brev.delete()


def _post(data: dict, kapittel: int, post: int) -> dict:
    return next(p for p in data["budsjett"] if (p["kapittel"], p["post"]) == (kapittel, post))


# --- formatting ----------------------------------------------------------------------------------

def test_amounts_in_the_tables_unit_are_exact_and_never_rounded():
    assert format_i_enhet(15_335_900, "1000") == "15 335,9"
    assert format_i_enhet(15_335_900_000, "mill") == "15 335,9"
    assert format_i_enhet(61_000_000, "mill") == "61,0"  # the letters write millions with one decimal
    assert format_i_enhet(37_510_000, "kr") == "37 510 000"
    # One column, one number of decimals: as many as its least round amount needs.
    assert desimaler_i_enhet([61_000_000, 15_420_000, None], "mill") == 2
    assert desimaler_i_enhet([15_335_000, 500], "1000") == 1
    assert format_i_enhet(15_335_000, "1000", desimaler=1) == "15 335,0"


@pytest.mark.parametrize(("tekst", "enhet", "ventet"), [
    ("1 til 1,5 mill. kroner", "kr", (1_000_000, 1_500_000)),
    ("1–1,5 mill.", "kr", (1_000_000, 1_500_000)),
    ("700 000 - 900 000", "kr", (700_000, 900_000)),
    ("3 mill. kroner", "kr", (3_000_000, None)),
    ("500 til 750", "1000", (500_000, 750_000)),
])
def test_a_range_is_read_as_the_letter_writes_it(tekst, enhet, ventet):
    assert parse_intervall(tekst, enhet=enhet) == ventet


def test_a_range_that_ends_below_its_start_is_refused():
    with pytest.raises(BelopError, match="intervallet må slutte på et høyere beløp enn det starter på"):
        parse_intervall("2 til 1,5 mill.")


# --- a chapter "i 1000 kroner" -----------------------------------------------------------------

@pytest.fixture
def kap_1000(brev):
    kap = BudsjettkapittelFactory(tildelingsbrev=brev, nummer=495, betegnelse="Utlendingsdirektoratet",
                                  enhet_i_brevet="1000")
    BudsjettpostFactory(kapittel=kap, post=1, betegnelse="Driftsutgifter", tildelt_kr=15_335_900)
    BudsjettpostFactory(kapittel=kap, post=21, betegnelse="Spesielle driftsutgifter", tildelt_kr=2_500_000)
    return kap


def test_page_shows_a_chapter_in_1000_kroner_with_the_unit_in_the_header(client, brev, kap_1000):
    side = _brevside(client, brev)
    tabell = side.split('id="kap-495-budsjett"')[1].split("</table>")[0]
    assert "Tildeling på kap. 495 (i 1000 kroner)" in tabell
    assert '<th scope="col" class="tall">Beløp i 1000 kroner</th>' in tabell
    assert f">15{NBSP}335,9</td>" in tabell and f">2{NBSP}500,0</td>" in tabell
    assert f">17{NBSP}835,9</td>" in tabell  # the computed sum, in the same unit
    assert "15\u00a0335\u00a0900" not in tabell  # not whole kroner


def test_pdf_prints_a_chapter_in_1000_kroner_and_the_total_in_kroner(brev, kap_1000):
    html = _flat(tildelingsbrev_html(brev))
    assert "Beløp i 1000 kroner" in html
    assert "01 Driftsutgifter 15 335,9" in html and "Sum kap. 495 17 835,9" in html
    # The totals table meets chapters of any unit, so it is in kroner.
    assert "Kap. 495 Utlendingsdirektoratet 17 835 900" in html and "Sum tildelt 17 835 900" in html


def test_editor_types_amounts_in_the_chapters_unit_and_they_are_stored_in_kroner(klient, brev, kap_1000):
    data = {"post-post": "45", "post-betegnelse": "Større utstyrsanskaffelser", "post-tildelt_kr": "15 335,9",
            "post-bevilget_kr": "16 000", "post-andel_kr": ""}
    data.update(formsett("bindinger", []))
    data.update(formsett("tilskudd", []))
    r = klient.post(reverse("brev:rediger-post-ny", args=[brev.pk, kap_1000.pk]), data)
    assert r.status_code == 302, r.content.decode()[:3000]
    post = Budsjettpost.objects.get(kapittel=kap_1000, post=45)
    assert (post.tildelt_kr, post.bevilget_kr) == (15_335_900, 16_000_000)
    side = klient.get(r.url).content.decode()
    assert 'value="15 335,9"' in side and 'value="16 000"' in side  # shown back in the unit
    assert "Tildelt (tabellen), i 1000 kroner" in side


def test_switching_a_chapters_unit_changes_no_amount(klient, brev, kap_1000):
    r = klient.post(reverse("brev:rediger-kapittel", args=[brev.pk, kap_1000.pk]), {
        "nummer": "495", "betegnelse": "Utlendingsdirektoratet", "enhet_i_brevet": "kr", "tekst": "",
        "versjon": re.search(r'name="versjon" value="([^"]+)"', klient.get(
            reverse("brev:rediger-kapittel", args=[brev.pk, kap_1000.pk])).content.decode()).group(1)})
    assert r.status_code == 302
    assert sorted(Budsjettpost.objects.values_list("tildelt_kr", flat=True)) == [2_500_000, 15_335_900]
    assert f">15{NBSP}335{NBSP}900</td>" in _brevside(klient, brev)


def test_imdi_2023_tables_in_millions_read_like_the_letter_with_the_same_figures(client):
    brev = import_tildelingsbrev(_brev_2023(lambda d: None), opprett_organisasjoner=True)
    tabell = _brevside(client, brev).split('id="kap-671-budsjett"')[1].split("</table>")[0]
    assert "Beløp i mill. kroner" in tabell
    for tall in ("61,0", "15 335,9", "1 411,8", "2,5", "17 349,1"):  # as the letter's table has them
        assert f">{tall.replace(' ', NBSP)}</td>" in tabell, tall
    assert Budsjettpost.objects.get(kapittel__nummer=671, post=60).tildelt_kr == 15_335_900_000


# --- a post without an amount ("Se omtale under") ----------------------------------------------

def _uten_belop(data):
    post = _post(data, 671, 62)
    post["tildelt_kr"], post["tildelt_tekst"] = None, "Se omtale under"


def test_post_without_amount_is_null_shown_as_the_letter_and_raises_no_false_warning(client):
    brev = import_tildelingsbrev(_brev_2023(_uten_belop), opprett_organisasjoner=True)
    post = Budsjettpost.objects.get(kapittel__tildelingsbrev=brev, kapittel__nummer=671, post=62)
    assert post.tildelt_kr is None and post.tildelt_tekst == "Se omtale under"
    # The text says 243,5 mill. is appropriated: with 0 in the table that warned; now nothing does.
    post_funn = [a for a in check_tildelingsbrev(brev) if a.sted.get("post") == 62]
    assert not [a for a in post_funn if a.kategori == "tabell"]
    side = _brevside(client, brev)
    tabell = side.split('id="kap-671-budsjett"')[1].split("</table>")[0]
    assert ">Se omtale under</td>" in tabell
    assert "Sum kap. 671 (postene med beløp)" in tabell
    assert "Post 62 har ikke beløp i brevets tabell og er ikke med i summen." in side
    assert f">17{NBSP}105,6</td>" in tabell  # 17 349,1 less the 243,5 of post 62
    html = _flat(tildelingsbrev_html(brev))
    assert "62 Kommunale innvandrer tiltak Se omtale under" in html
    assert "Post 62 har ikke beløp i tabellen og er ikke med i summen." in html


def test_typed_sum_with_a_post_without_amount_is_a_note_not_an_error():
    brev = import_tildelingsbrev(_brev_2023(_uten_belop), opprett_organisasjoner=True)
    sum_funn = [a for a in check_tildelingsbrev(brev) if a.kategori == "sum" and a.sted.get("kapittel") == 671]
    assert [a.nivaa for a in sum_funn] == [MERKNAD]
    assert "post 62 står uten beløp, så summen kan ikke kontrolleres" in sum_funn[0].melding
    kap = Budsjettkapittel.objects.get(tildelingsbrev=brev, nummer=671)
    assert kap.sum_kr == 17_349_100_000 - 243_500_000 and [p.post for p in kap.poster_uten_belop] == [62]


def test_post_without_amount_is_null_in_the_archive_and_survives_the_round_trip():
    brev = import_tildelingsbrev(_brev_2023(_uten_belop), opprett_organisasjoner=True)
    ut = export_tildelingsbrev(brev)
    post = _post(ut, 671, 62)
    assert (post["tildelt_kr"], post["tildelt_tekst"]) == (None, "Se omtale under")
    assert next(k for k in ut["kapittel_sum"] if k["kapittel"] == 671)["computed_sum_kr"] == 17_105_600_000
    # A post with an amount gets no new key: files of letters without such posts stay as they were.
    assert "tildelt_tekst" not in _post(ut, 671, 60)
    _slett(brev)
    igjen = import_tildelingsbrev(json.loads(json.dumps(ut)), opprett_organisasjoner=True)
    assert _post(export_tildelingsbrev(igjen), 671, 62) == post


def test_carrying_forward_keeps_a_post_without_amount_and_does_not_call_it_carried_over():
    from brev import services

    forrige = import_tildelingsbrev(_brev_2023(_uten_belop), opprett_organisasjoner=True)
    ny = services.brev_viderefor(brev=forrige, acting_user=UserFactory(organisasjon=forrige.departement))
    post = Budsjettpost.objects.get(kapittel__tildelingsbrev=ny, kapittel__nummer=671, post=62)
    assert (post.tildelt_kr, post.tildelt_tekst) == (None, "Se omtale under")
    viderefort = [a.sted.get("post") for a in check_tildelingsbrev(ny) if a.kategori == "videreført beløp"]
    assert 60 in viderefort and 62 not in viderefort  # an amount carried over is flagged; no amount is not


def test_editor_leaves_the_amount_empty_for_a_post_without_one(klient, brev):
    kap = BudsjettkapittelFactory(tildelingsbrev=brev, nummer=671)
    data = {"post-post": "62", "post-betegnelse": "Kommunale innvandrertiltak", "post-tildelt_kr": "",
            "post-tildelt_tekst": "Se omtale under", "post-bevilget_kr": "243,5 mill."}
    data.update(formsett("bindinger", []))
    data.update(formsett("tilskudd", []))
    r = klient.post(reverse("brev:rediger-post-ny", args=[brev.pk, kap.pk]), data)
    assert r.status_code == 302, r.content.decode()[:3000]
    post = Budsjettpost.objects.get(kapittel=kap, post=62)
    assert (post.tildelt_kr, post.tildelt_tekst, post.bevilget_kr) == (None, "Se omtale under", 243_500_000)
    # An amount and a text instead of it cannot both be given.
    data.update({"post-post": "63", "post-tildelt_kr": "5 mill."})
    r = klient.post(reverse("brev:rediger-post-ny", args=[brev.pk, kap.pk]), data)
    assert r.status_code == 200 and "Teksten brukes bare når tabellen ikke har beløp" in r.content.decode()
    assert not Budsjettpost.objects.filter(post=63).exists()


# --- bindinger without an amount, or with a range ------------------------------------------------

def _bindinger(data):
    bindinger = _post(data, 671, 21)["bindinger"]
    bindinger[0]["belop_kr"], bindinger[0]["belop_til_kr"] = 1_000_000, 1_500_000
    bindinger[1]["belop_kr"] = None


def test_bindinger_with_a_range_or_no_amount_are_shown_printed_and_round_trip(client):
    brev = import_tildelingsbrev(_brev_2023(_bindinger), opprett_organisasjoner=True)
    forste, andre = Budsjettbinding.objects.filter(post__kapittel__tildelingsbrev=brev, post__post=21)[:2]
    assert (forste.belop_kr, forste.belop_til_kr, andre.belop_kr) == (1_000_000, 1_500_000, None)
    side = _brevside(client, brev)
    assert f"1{NBSP}000{NBSP}000 til 1{NBSP}500{NBSP}000" in side
    assert '<span class="visuelt-skjult">Ikke oppgitt</span>' in side
    # Sum of bindinger: a range, and the one without an amount named rather than counted as 0.
    assert re.search(r"Sum bindinger</th><td[^>]*>[\d\u00a0]+ til [\d\u00a0]+ \(og 1 uten beløp\)</td>", side)
    assert "1 000 000 til 1 500 000" in _flat(tildelingsbrev_html(brev))
    ut = export_tildelingsbrev(brev)
    b = _post(ut, 671, 21)["bindinger"]
    assert (b[0]["belop_kr"], b[0]["belop_til_kr"], b[1]["belop_kr"]) == (1_000_000, 1_500_000, None)
    assert "belop_til_kr" not in b[1] and "belop_til_kr" not in b[2]  # only a range writes it
    _slett(brev)
    igjen = export_tildelingsbrev(import_tildelingsbrev(json.loads(json.dumps(ut)), opprett_organisasjoner=True))
    assert _post(igjen, 671, 21)["bindinger"] == b


def test_import_refuses_a_range_that_ends_below_its_start_with_its_path_and_saves_nothing():
    def baklengs(data):
        b = _post(data, 671, 21)["bindinger"][2]
        b["belop_kr"], b["belop_til_kr"] = 1_500_000, 1_000_000

    i = next(i for i, p in enumerate(_brev_2023(lambda d: None)["budsjett"]) if (p["kapittel"], p["post"]) == (671, 21))
    with pytest.raises(ArkivFeil) as feil:
        import_tildelingsbrev(_brev_2023(baklengs), opprett_organisasjoner=True)
    assert feil.value.feil == [
        f"budsjett[{i}].bindinger[2].belop_til_kr: intervallet må slutte på et høyere beløp enn det starter på "
        "(1 500 000 kr til 1 000 000 kr)."]
    assert not Tildelingsbrev.objects.exists() and not Budsjettbinding.objects.exists()


def test_import_refuses_a_range_without_a_start_and_a_text_beside_an_amount():
    def feil(data):
        _post(data, 671, 21)["bindinger"][0].update(belop_kr=None, belop_til_kr=1_000_000)
        _post(data, 671, 60)["tildelt_tekst"] = "Se omtale under"

    with pytest.raises(ArkivFeil) as exc:
        import_tildelingsbrev(_brev_2023(feil), opprett_organisasjoner=True)
    tekst = str(exc.value)
    assert "bindinger[0].belop_til_kr: et beløpsintervall må ha et startbeløp i belop_kr." in tekst
    assert ".tildelt_tekst: brukes bare når tabellen ikke har beløp (tildelt_kr er null)." in tekst
    assert not Tildelingsbrev.objects.exists()


def test_editor_takes_a_binding_as_the_letter_writes_it(klient, brev):
    kap = BudsjettkapittelFactory(tildelingsbrev=brev, nummer=671)
    data = {"post-post": "21", "post-betegnelse": "Spesielle driftsutgifter", "post-tildelt_kr": "61 mill."}
    data.update(formsett("bindinger", [
        {"tekst": "Følgeevaluering", "belop_kr": "1 til 1,5 mill. kroner", "kategori": "ny"},
        {"tekst": "Idébank for gode eksempler", "belop_kr": "", "kategori": "tidligere"},
        {"tekst": "Tolkemonitor", "belop_kr": "0,5 mill.", "kategori": "ny"},
    ]))
    data.update(formsett("tilskudd", []))
    r = klient.post(reverse("brev:rediger-post-ny", args=[brev.pk, kap.pk]), data)
    assert r.status_code == 302, r.content.decode()[:3000]
    assert list(Budsjettbinding.objects.order_by("rekkefolge").values_list("belop_kr", "belop_til_kr")) == [
        (1_000_000, 1_500_000), (None, None), (500_000, None)]
    side = klient.get(r.url).content.decode()
    assert 'value="1 000 000 til 1 500 000"' in side  # shown back as a range, editable as one
    assert f"1{NBSP}500{NBSP}000{NBSP}kr til 2{NBSP}000{NBSP}000{NBSP}kr (og 1 uten beløp)" in side


def test_editor_refuses_a_range_that_ends_below_its_start_next_to_the_field(klient, brev):
    kap = BudsjettkapittelFactory(tildelingsbrev=brev, nummer=671)
    data = {"post-post": "21", "post-betegnelse": "Spesielle driftsutgifter", "post-tildelt_kr": "61 mill."}
    data.update(formsett("bindinger", [{"tekst": "Følgeevaluering", "belop_kr": "2 til 1,5 mill.", "kategori": "ny"}]))
    data.update(formsett("tilskudd", []))
    r = klient.post(reverse("brev:rediger-post-ny", args=[brev.pk, kap.pk]), data)
    assert r.status_code == 200
    assert "«2 til 1,5 mill.»: intervallet må slutte på et høyere beløp enn det starter på." in r.content.decode()
    assert not Budsjettpost.objects.exists() and not Budsjettbinding.objects.exists()


def test_binding_range_beyond_the_share_is_a_note_and_beyond_at_its_start_an_error(brev):
    post = BudsjettpostFactory(kapittel=BudsjettkapittelFactory(tildelingsbrev=brev, nummer=671), post=21,
                               tildelt_kr=2_000_000)
    b = Budsjettbinding.objects.create(post=post, tekst="Evaluering", belop_kr=1_500_000, belop_til_kr=2_500_000)
    binding = [a for a in check_tildelingsbrev(brev) if a.kategori == "binding"]
    assert [a.nivaa for a in binding] == [MERKNAD] and "opptil 2 500 000 kr" in binding[0].melding
    b.belop_kr = 2_100_000
    b.save()
    binding = [a for a in check_tildelingsbrev(brev) if a.kategori == "binding"]
    assert [a.nivaa for a in binding] == [FEIL] and "2 100 000 kr eller mer" in binding[0].melding


# --- data migration --------------------------------------------------------------------------------

def test_migration_turns_forced_zeros_into_no_amount_and_reads_a_range_from_the_text(brev):
    from importlib import import_module

    migrering = import_module("budsjett.migrations.0003_belop_uten_belop_og_intervall")
    kap = BudsjettkapittelFactory(tildelingsbrev=brev, nummer=671)
    omtalt = BudsjettpostFactory(kapittel=kap, post=62, tildelt_kr=0, bevilget_kr=243_500_000)
    ekte_null = BudsjettpostFactory(kapittel=kap, post=70, tildelt_kr=0)
    vanlig = BudsjettpostFactory(kapittel=kap, post=21, tildelt_kr=61_000_000)
    intervall = Budsjettbinding.objects.create(post=vanlig, tekst="Studie (1 til 1,5 mill. kroner)", belop_kr=0)
    uten = Budsjettbinding.objects.create(post=vanlig, tekst="Idébank", belop_kr=0)
    tre = Budsjettbinding.objects.create(post=vanlig, tekst="Studie", belop_kr=3_000_000)
    migrering.uten_belop_er_null(apps, None)
    for o in (omtalt, ekte_null, vanlig, intervall, uten, tre):
        o.refresh_from_db()
    assert (omtalt.tildelt_kr, ekte_null.tildelt_kr, vanlig.tildelt_kr) == (None, 0, 61_000_000)
    assert (intervall.belop_kr, intervall.belop_til_kr) == (1_000_000, 1_500_000)
    assert (uten.belop_kr, tre.belop_kr) == (None, 3_000_000)
