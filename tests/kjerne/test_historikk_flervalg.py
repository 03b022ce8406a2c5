"""Changes to many-to-many fields read in the history like any other field: an oppdrag's «Delt med»
and «Jf. oppdrag», a letter's «Kopi til», as the list before → the list after, one entry per save.
A «Jf. oppdrag» that points at an oppdrag the reader may not see (another ministry's, or one in a
draft) is not named, not even as a removal."""

from __future__ import annotations

import re

import pytest
from django.urls import reverse
from django.utils import timezone

from brukere.models import Rolle
from kjerne.endringslogg import endringer
from kjerne.historikk import acting_user
from oppdrag.models import Oppdrag
from tests.brev.test_redigering import oppdrag_data
from tests.factories import OppdragFactory, TildelingsbrevFactory, UserFactory, VirksomhetFactory
from tests.rapportering.skjema import skjemadata

pytestmark = pytest.mark.django_db

MARKOR = "JFMARKØR-41c9"


def _historikk(html: str) -> str:
    return html.split('id="historikk"')[1]


def _rader(html: str) -> list[tuple[str, str, str]]:
    """(felt, før, etter) of every row of the history tables, as the page shows them."""
    rader = re.findall(r'<th scope="row" data-etikett="Felt">(.*?)</th><td data-etikett="Før"><del>(.*?)</del></td>'
                       r'<td data-etikett="Etter"><ins>(.*?)</ins></td>', html)
    return [(felt, fra, til) for felt, fra, til in rader]


def test_delt_med_endret_i_brevredigeringen_vises_som_for_og_etter_i_en_post(client, brev):
    """Through the letter editor: the save, and the removal and addition it makes in «Delt med»,
    are one entry with the whole list before and after, on the oppdrag's and the letter's history."""
    forste, andre, tredje = (VirksomhetFactory(kortnavn=k, navn=f"{k}-direktoratet") for k in ("AAA", "BBB", "CCC"))
    red = UserFactory(organisasjon=brev.departement, rolle=Rolle.DEPARTEMENT_REDAKTOR)
    client.force_login(red)
    r = client.post(reverse("brev:rediger-oppdrag-ny", args=[brev.pk]),
                    oppdrag_data(**{"oppdrag-delt_med": [str(forste.pk), str(andre.pk)]}))
    assert r.status_code == 302, r.content.decode()[:2000]
    o = Oppdrag.objects.get(nummer="2025-01")
    data = skjemadata(client.get(r.url))
    data["oppdrag-delt_med"] = [str(andre.pk), str(tredje.pk)]
    data["oppdrag-tittel"] = "Kartlegge kvalifisering i alle fylker"
    assert client.post(r.url, data).status_code == 302
    assert set(o.delt_med.values_list("kortnavn", flat=True)) == {"BBB", "CCC"}

    html = _historikk(client.get(reverse("oppdrag:detalj", args=[o.pk])).content.decode())
    assert ("Delt med", f"{forste}, {andre}", f"{andre}, {tredje}") in _rader(html)
    assert ("Tittel", "Kartlegge kvalifisering", "Kartlegge kvalifisering i alle fylker") in _rader(html)
    # One save, one entry for the oppdrag (not one per add and remove the form made).
    endret = html.count("endret</p>")
    assert endret == 1, html
    # The creation names what it was shared with from the start.
    assert re.search(rf'<th scope="row" data-etikett="Felt">Delt med</th><td data-etikett="Verdi">{forste}, {andre}',
                     html)

    brevside = client.get(reverse("brev:brev-historikk", args=[brev.pk])).content.decode()
    assert ("Delt med", f"{forste}, {andre}", f"{andre}, {tredje}") in _rader(brevside)


def test_kopi_til_paa_brevets_historikk():
    brev = TildelingsbrevFactory(aar=2025)
    red = UserFactory(organisasjon=brev.departement)
    mottaker = VirksomhetFactory(kortnavn="Riksrevisjonen", navn="Riksrevisjonen")
    with acting_user(red):
        brev.save()
    with acting_user(red):
        brev.kopi_til.add(mottaker)
    poster = endringer(type(brev).history.filter(id=brev.pk), bruker=red)
    endret = [p for p in poster if p.handling == "endret"]
    assert [(c.felt, c.fra, c.til) for c in endret[0].endringer] == [("Kopi til", "–", str(mottaker))]


@pytest.fixture
def jf_til_utkast():
    """A sent 2024 letter whose oppdrag refers (jf.) first to a visible oppdrag, then also to an
    oppdrag in another ministry's draft 2025 letter to the same agency, whose title carries the marker."""
    brev = TildelingsbrevFactory(aar=2024, status="sendt", sendt=timezone.now())
    red = UserFactory(organisasjon=brev.departement)
    synlig = OppdragFactory(tildelingsbrev=brev, nummer="2024-02", tittel="Synlig nabooppdrag")
    annet_utkast = TildelingsbrevFactory(aar=2025, virksomhet=brev.virksomhet)  # another ministry's draft
    skjult = OppdragFactory(tildelingsbrev=annet_utkast, nummer="2025-91", tittel=f"Skjult {MARKOR}")
    o = OppdragFactory(tildelingsbrev=brev, nummer="2024-01")
    with acting_user(red):
        o.jf_oppdrag.add(synlig)
    with acting_user(red):
        o.jf_oppdrag.add(skjult)
    with acting_user(red):
        o.jf_oppdrag.remove(skjult)
    virk = UserFactory(organisasjon=brev.virksomhet, rolle=Rolle.VIRKSOMHET_KONTAKT)
    annen_red = UserFactory(organisasjon=annet_utkast.departement)
    return o, synlig, skjult, red, virk, annen_red


def test_jf_oppdrag_som_leseren_ikke_ser_nevnes_ikke(client, jf_til_utkast):
    o, synlig, skjult, red, virk, annen_red = jf_til_utkast
    url = reverse("oppdrag:detalj", args=[o.pk])
    for leser in (virk, red):
        client.force_login(leser)
        html = _historikk(client.get(url).content.decode())
        assert MARKOR not in html and "2025-91" not in html
        # The visible reference is told; the add and remove of the hidden one changed nothing
        # this reader may see, so they are no entries at all.
        assert _rader(html).count(("Jf. oppdrag", "–", str(synlig))) == 1
        assert not [r for r in _rader(html) if r[0] == "Jf. oppdrag" and r[1] != "–"]
        brevside = client.get(reverse("brev:brev-historikk", args=[o.tildelingsbrev_id])).content.decode()
        assert MARKOR not in brevside
    # The ministry whose draft holds the other oppdrag sees that one come and go (and not the first
    # ministry's oppdrag); an administrator sees the whole lists.
    def jf(leser) -> list[tuple[str, str, str]]:
        return [(c.felt, c.fra, c.til) for p in endringer(Oppdrag.history.filter(id=o.pk), bruker=leser)
                for c in p.endringer if p.handling == "endret"]

    assert jf(annen_red) == [("Jf. oppdrag", str(skjult), "–"), ("Jf. oppdrag", "–", str(skjult))]
    admin = UserFactory(organisasjon=None, rolle=Rolle.ADMINISTRATOR)
    assert jf(admin) == [("Jf. oppdrag", f"{synlig}, {skjult}", str(synlig)),
                         ("Jf. oppdrag", str(synlig), f"{synlig}, {skjult}"), ("Jf. oppdrag", "–", str(synlig))]
    # Without a reader the permission-aware targets are never named.
    assert jf(None) == []


def test_rapporteringskravets_styringsparametere_i_brevets_historikk(client):
    """A krav's styringsparametere changed in the letter editor: the letter's history says which."""
    from tests.brev.test_rapporteringskrav import _brev

    brev, m1, m2, krav = _brev()
    k = krav["R 10 og 11"]
    client.force_login(UserFactory(organisasjon=brev.departement))
    url = reverse("brev:rediger-krav", args=[brev.pk, k.pk])
    versjon = re.search(r'name="versjon" value="([^"]+)"', client.get(url).content.decode()).group(1)
    sp2 = m2.styringsparametere.get(kode="SP 2")
    r = client.post(url, {"kode": k.kode, "tekst": k.tekst, "maal": str(m2.pk), "styringsparametere": [str(sp2.pk)],
                          "frekvens": k.frekvens, "frekvens_tekst": "", "versjon": versjon})
    assert r.status_code == 302, r.content.decode()[:2000]
    html = client.get(reverse("brev:brev-historikk", args=[brev.pk])).content.decode()
    # Newest first: the edit (SP 2 and SP 3 → SP 2), then the set-up that gave each krav its own.
    endret = [(fra, til) for felt, fra, til in _rader(html) if felt == "Styringsparametere"]
    fra, til = endret[0]
    assert ("–", fra) in endret[1:]  # the set-up gave it what the edit starts from
    assert fra.count("SP ") == 2 and "SP 3" in fra
    assert til.count("SP ") == 1 and "SP 2" in til


def test_migreringen_gir_kravets_siste_historikkrad_dagens_styringsparametere():
    """Before styring 0005 the history kept no styringsparametere: the migration gives each krav's
    latest history row the ones it has, so its next change is told against them, not against none."""
    import importlib

    from django.apps import apps

    from styring.models import Rapporteringskrav
    from tests.brev.test_rapporteringskrav import _brev

    migrering = importlib.import_module("styring.migrations.0005_rapporteringskrav_historikk_styringsparametere")
    brev, m1, m2, krav = _brev()
    Tilstand = vars(Rapporteringskrav.history.model)["styringsparametere"].model
    Tilstand.objects.all().delete()  # as the history stood before the migration
    eldre = Rapporteringskrav.history.filter(id=krav["R 10 og 11"].pk).earliest("history_date")
    migrering.naavaerende_tilstand(apps, None)
    siste = krav["R 10 og 11"].history.latest("history_date", "history_id")
    assert sorted(Tilstand.objects.filter(history_id=siste.history_id)
                  .values_list("styringsparameter__kode", flat=True)) == ["SP 2", "SP 3"]
    # Only the latest row: the creation before it had none, and is not given today's.
    assert eldre.history_id != siste.history_id
    assert not Tilstand.objects.filter(history_id=eldre.history_id).exists()


def test_en_slettet_virksomhet_i_delt_med_bryter_ikke_historikken(client, brev):
    """An agency the oppdrag was shared with is deleted afterwards: the history still reads, naming
    it from its own history with «(slettet)»."""
    borte, blir = VirksomhetFactory(kortnavn="BORTE", navn="Nedlagt direktorat"), VirksomhetFactory(kortnavn="BLIR")
    red = UserFactory(organisasjon=brev.departement)
    o = OppdragFactory(tildelingsbrev=brev, nummer="2025-07")
    with acting_user(red):
        o.delt_med.set([borte, blir])
    with acting_user(red):
        o.delt_med.remove(borte)
    borte.delete()
    client.force_login(red)
    r = client.get(reverse("oppdrag:detalj", args=[o.pk]))
    assert r.status_code == 200
    rader = _rader(_historikk(r.content.decode()))
    assert ("Delt med", f"{blir}, {borte} (slettet)", str(blir)) in rader
