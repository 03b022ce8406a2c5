"""Two people save the same report at once: nothing is overwritten silently.

A save based on a page opened before someone else's save of the same part, result, oppdrag
comment or post is refused with who changed what; the typed text stays in the form, and saving
again (having seen the change) goes through. The ministry's comments are append-only: two at once
both stand. Through the real views, with the Django test client.
"""

from __future__ import annotations

import re
import threading
import time

import pytest
from django.conf import settings
from django.test import Client
from django.urls import reverse

from brukere.models import Rolle
from oppdrag.models import Oppdragskommentar
from rapportering import services
from rapportering.models import Kommentar, Oppdragsstatus, Parameterresultat, Postrapport, Rapport, Rapportdel
from tests.factories import UserFactory
from tests.rapportering.conftest import bygg_oppsett
from tests.rapportering.skjema import skjemadata

pytestmark = pytest.mark.django_db

PAA_POSTGRES = "postgresql" in settings.DATABASES["default"]["ENGINE"]
KUN_POSTGRES = pytest.mark.skipif(
    not PAA_POSTGRES,
    reason="samtidige lagringer trenger PostgreSQL (DATABASE_URL): SQLite har ingen radlås (SELECT … FOR UPDATE)",
)


def _tekst(response) -> str:
    return response.content.decode().replace("\xa0", " ")


def _klient(user) -> Client:
    c = Client()
    c.force_login(user)
    return c


@pytest.fixture
def folk(oppsett):
    """Anne and Bjørn, both of the agency; a draft halvårsrapport."""
    virk = oppsett.brev.virksomhet
    anne = UserFactory(organisasjon=virk, rolle=Rolle.VIRKSOMHET_KONTAKT, first_name="Anne", last_name="Hansen")
    bjorn = UserFactory(organisasjon=virk, rolle=Rolle.VIRKSOMHET_LEDER, first_name="Bjørn", last_name="Berg")
    rapport = services.rapport_opprett(punkt=oppsett.punkt_halvaar, user=anne)
    return rapport, _klient(anne), _klient(bjorn)


def _url(rapport, seksjon):
    return reverse("rapportering:rediger", args=[rapport.pk, seksjon])


def _navn(rad, felt: str) -> str:
    prefiks = {Parameterresultat: "p", Oppdragsstatus: "o", Postrapport: "b"}[type(rad)]
    return f"{prefiks}{rad.pk}-{felt}"


def _verdi(html: str, navn: str) -> str:
    return skjemadata(html)[navn]


# --- sequential: A opens, B opens, B saves, A saves -------------------------------------------

def test_del_annes_lagring_avvises_bjorns_tekst_staar_og_anne_beholder_sin(folk):
    rapport, anne, bjorn = folk
    url = _url(rapport, "deler")
    skjema_anne, skjema_bjorn = skjemadata(anne.get(url)), skjemadata(bjorn.get(url))

    assert bjorn.post(url, {**skjema_bjorn, "avvik": "Bjørns vurdering av avvikene."}).status_code == 302

    r = anne.post(url, {**skjema_anne, "avvik": "Annes vurdering av avvikene."})
    assert r.status_code == 200
    side = _tekst(r)
    assert "Bjørn Berg har lagret endringer etter at du åpnet skjemaet" in side
    assert "Ingenting er lagret. Bjørn Berg har lagret endringer i ett av punktene" in side
    assert "<del>–</del>" in side and "<ins>Bjørns vurdering av avvikene.</ins>" in side
    assert re.search(r"Bjørn Berg</strong> lagret \d\d\.\d\d\.\d{4} kl\. \d\d\.\d\d", side)
    assert _verdi(side, "avvik") == "Annes vurdering av avvikene."  # what Anne typed is still there
    assert rapport.deler.get(kode="avvik").tekst == "<p>Bjørns vurdering av avvikene.</p>"

    # Anne has seen Bjørn's change: saving the page again is deliberate and goes through.
    assert anne.post(url, skjemadata(side)).status_code == 302
    del_ = rapport.deler.get(kode="avvik")
    assert del_.tekst == "<p>Annes vurdering av avvikene.</p>"  # as paragraphs (rapportering.rik_tekst)
    assert del_.history.first().history_user.first_name == "Anne"


def test_del_hver_sin_del_begge_lagres_ingen_konflikt(folk):
    """Anne writes one part, Bjørn another, from pages opened at the same time: both stand, and
    Anne's save does not put back the old text of the part Bjørn wrote."""
    rapport, anne, bjorn = folk
    url = _url(rapport, "deler")
    skjema_anne, skjema_bjorn = skjemadata(anne.get(url)), skjemadata(bjorn.get(url))
    assert bjorn.post(url, {**skjema_bjorn, "tiltak": "Bjørns tiltak."}).status_code == 302
    assert anne.post(url, {**skjema_anne, "avvik": "Annes avvik."}).status_code == 302
    tekster = dict(rapport.deler.values_list("kode", "tekst"))
    assert (tekster["avvik"], tekster["tiltak"]) == ("<p>Annes avvik.</p>", "<p>Bjørns tiltak.</p>")


def test_resultat_for_styringsparameter(folk, oppsett):
    rapport, anne, bjorn = folk
    rad = rapport.parameterresultater.get(styringsparameter=oppsett.sp_tall)
    url = _url(rapport, "parametere")
    skjema_anne, skjema_bjorn = skjemadata(anne.get(url)), skjemadata(bjorn.get(url))

    svar = bjorn.post(url, {**skjema_bjorn, _navn(rad, "resultat"): "12,5", _navn(rad, "risiko"): "gul"})
    assert svar.status_code == 302

    r = anne.post(url, {**skjema_anne, _navn(rad, "resultat"): "71", _navn(rad, "vurdering"): "Målet er nådd."})
    assert r.status_code == 200
    side = _tekst(r)
    assert "Bjørn Berg har lagret endringer etter at du åpnet skjemaet" in side
    assert "<ins>12,5</ins>" in side and "<ins>Gul</ins>" in side and "<del>Ikke vurdert</del>" in side
    assert _verdi(side, _navn(rad, "resultat")) == "71"
    assert _verdi(side, _navn(rad, "vurdering")) == "Målet er nådd."
    rad.refresh_from_db()
    assert (str(rad.resultat_tall), rad.risiko, rad.vurdering) == ("12.500", "gul", "")

    assert anne.post(url, skjemadata(side)).status_code == 302
    rad.refresh_from_db()
    assert (rad.resultat_tall, rad.vurdering) == (71, "Målet er nådd.")


def test_post_forbruk_og_prognose(folk):
    rapport, anne, bjorn = folk
    rad = rapport.postrapporter.get()
    url = _url(rapport, "poster")
    skjema_anne, skjema_bjorn = skjemadata(anne.get(url)), skjemadata(bjorn.get(url))

    assert bjorn.post(url, {**skjema_bjorn, _navn(rad, "forbruk"): "20 000 000",
                            _navn(rad, "prognose"): "15 mill."}).status_code == 302

    r = anne.post(url, {**skjema_anne, _navn(rad, "forbruk"): "21 000 000", _navn(rad, "prognose"): "14 mill.",
                        _navn(rad, "kommentar"): "Annes forklaring."})
    assert r.status_code == 200
    side = _tekst(r)
    assert "Bjørn Berg har lagret endringer etter at du åpnet skjemaet" in side
    assert "<ins>20 000 000 kr</ins>" in side and "<ins>15 000 000 kr</ins>" in side
    assert (_verdi(side, _navn(rad, "forbruk")), _verdi(side, _navn(rad, "kommentar"))) == (
        "21 000 000", "Annes forklaring.")
    rad.refresh_from_db()
    assert (rad.forbruk_kr, rad.prognose_kr, rad.kommentar) == (20_000_000, 15_000_000, "")

    assert anne.post(url, skjemadata(side)).status_code == 302
    rad.refresh_from_db()
    assert (rad.forbruk_kr, rad.prognose_kr, rad.kommentar) == (21_000_000, 14_000_000, "Annes forklaring.")


def test_kommentar_til_oppdrag_i_rapporten(folk):
    rapport, anne, bjorn = folk
    rad = rapport.oppdragsstatuser.first()
    url = _url(rapport, "oppdrag")
    skjema_anne, skjema_bjorn = skjemadata(anne.get(url)), skjemadata(bjorn.get(url))
    assert bjorn.post(url, {**skjema_bjorn, _navn(rad, "kommentar"): "Bjørns kommentar."}).status_code == 302
    r = anne.post(url, {**skjema_anne, _navn(rad, "kommentar"): "Annes kommentar."})
    assert r.status_code == 200
    side = _tekst(r)
    assert "Bjørn Berg har lagret endringer" in side and "<ins>Bjørns kommentar.</ins>" in side
    assert _verdi(side, _navn(rad, "kommentar")) == "Annes kommentar."
    rad.refresh_from_db()
    assert rad.kommentar == "Bjørns kommentar."


def test_skjema_uten_versjon_lagrer_ingenting(folk):
    """A form without the version it was opened with (an old tab, a hand-made post) cannot tell
    what it would overwrite, so it is refused with a message in the form."""
    rapport, anne, _ = folk
    url = _url(rapport, "deler")
    data = {k: v for k, v in skjemadata(anne.get(url)).items() if not k.startswith("versjon_")}
    r = anne.post(url, {**data, "avvik": "Uten versjon."})
    assert r.status_code == 200 and "Skjemaet mangler versjonsinformasjon" in _tekst(r)
    assert rapport.deler.get(kode="avvik").tekst == ""

    url = _url(rapport, "poster")
    rad = rapport.postrapporter.get()
    data = {k: v for k, v in skjemadata(anne.get(url)).items() if not k.endswith("-versjon")}
    r = anne.post(url, {**data, _navn(rad, "forbruk"): "5"})
    assert r.status_code == 200 and "Skjemaet mangler versjonsinformasjon" in _tekst(r)
    rad.refresh_from_db()
    assert rad.forbruk_kr is None


def test_forfalsket_versjon_avvises(folk):
    rapport, anne, _ = folk
    url = _url(rapport, "deler")
    data = skjemadata(anne.get(url))
    data["versjon_avvik"] = data["versjon_avvik"][:-3] + "abc"
    r = anne.post(url, {**data, "avvik": "Med forfalsket versjon."})
    assert "Skjemaet mangler versjonsinformasjon" in _tekst(r)
    assert rapport.deler.get(kode="avvik").tekst == ""


# --- the ministry's comments: append-only ----------------------------------------------------

@pytest.fixture
def sendt(oppsett):
    """The report sent; two people of the ministry."""
    rapport = services.rapport_opprett(punkt=oppsett.punkt_halvaar, user=oppsett.kontakt)
    services.rapport_send(rapport=rapport, user=oppsett.leder)
    dep = oppsett.brev.departement
    kari = UserFactory(organisasjon=dep, rolle=Rolle.DEPARTEMENT_REDAKTOR, first_name="Kari", last_name="Dahl")
    ola = UserFactory(organisasjon=dep, rolle=Rolle.DEPARTEMENT_REDAKTOR, first_name="Ola", last_name="Lie")
    return rapport, _klient(kari), _klient(ola)


def test_to_kommentarer_til_samme_del_begge_staar(sendt):
    """Comments are never edited, only added: two written from forms opened at the same time are both kept."""
    rapport, kari, ola = sendt
    del_ = rapport.deler.get(kode="avvik")
    url = reverse("rapportering:kommenter", args=[rapport.pk]) + f"?art=del&id={del_.pk}"
    skjema_kari, skjema_ola = skjemadata(kari.get(url)), skjemadata(ola.get(url))
    assert ola.post(url, {**skjema_ola, "tekst": "Olas merknad."}).status_code == 302
    assert kari.post(url, {**skjema_kari, "tekst": "Karis merknad."}).status_code == 302
    assert sorted(del_.kommentarer.values_list("tekst", flat=True)) == ["Karis merknad.", "Olas merknad."]
    side = _tekst(kari.get(reverse("rapportering:detalj", args=[rapport.pk])))
    assert "Karis merknad." in side and "Olas merknad." in side


def test_to_kommentarer_til_samme_oppdrag_begge_staar(oppsett):
    dep = oppsett.brev.departement
    kari = _klient(UserFactory(organisasjon=dep, first_name="Kari", last_name="Dahl"))
    ola = _klient(UserFactory(organisasjon=dep, first_name="Ola", last_name="Lie"))
    o = oppsett.oppdrag_fulgt
    url = reverse("oppdrag:kommentar", args=[o.pk])
    assert ola.post(url, {"kommentar-tekst": "Olas merknad."}).status_code == 302
    assert kari.post(url, {"kommentar-tekst": "Karis merknad."}).status_code == 302
    assert sorted(o.kommentarer.values_list("tekst", flat=True)) == ["Karis merknad.", "Olas merknad."]


# --- simultaneous: two saves at the same moment (PostgreSQL) --------------------------------

def _samtidig(*kall):
    """Run the calls in threads released at the same moment; their results in order."""
    from django.db import connections

    barriere = threading.Barrier(len(kall))
    svar: list = [None] * len(kall)

    def kjor(i, f):
        try:
            barriere.wait()
            svar[i] = f()
        except Exception as exc:  # noqa: BLE001 - reported by the assertion below
            svar[i] = exc
        finally:
            connections.close_all()

    traader = [threading.Thread(target=kjor, args=(i, f)) for i, f in enumerate(kall)]
    for t in traader:
        t.start()
    for t in traader:
        t.join(timeout=60)
    assert not [s for s in svar if isinstance(s, Exception)], svar
    return svar


@pytest.fixture
def treg_lagring(monkeypatch):
    """Hold each save a moment between its check and its write: were the check and the write not
    one locked step, both saves would pass the check before either wrote."""
    opprinnelig = services._skriv

    def treg(*args, **kwargs):
        rader = opprinnelig(*args, **kwargs)
        time.sleep(0.5)
        return rader

    monkeypatch.setattr(services, "_skriv", treg)


SEKSJONER = {
    # section: (model, field in the form, the two typed values, stored field, the two stored values)
    # Report parts are rich text: typed as plain text, stored as a sanitised paragraph.
    "deler": (Rapportdel, "avvik", ("Annes tekst.", "Bjørns tekst."), "tekst",
              ("<p>Annes tekst.</p>", "<p>Bjørns tekst.</p>")),
    "parametere": (Parameterresultat, "resultat", ("71", "12,5"), "resultat_tall", (71, 12.5)),
    "oppdrag": (Oppdragsstatus, "kommentar", ("Annes.", "Bjørns."), "kommentar", ("Annes.", "Bjørns.")),
    "poster": (Postrapport, "forbruk", ("1 mill.", "2 mill."), "forbruk_kr", (1_000_000, 2_000_000)),
}


@pytest.mark.services
@KUN_POSTGRES
@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("seksjon", list(SEKSJONER))
def test_samtidig_lagring_en_vinner_den_andre_avvises(treg_lagring, seksjon):
    oppsett = bygg_oppsett()
    virk = oppsett.brev.virksomhet
    anne = UserFactory(organisasjon=virk, rolle=Rolle.VIRKSOMHET_KONTAKT, first_name="Anne", last_name="Hansen")
    bjorn = UserFactory(organisasjon=virk, rolle=Rolle.VIRKSOMHET_LEDER, first_name="Bjørn", last_name="Berg")
    rapport = services.rapport_opprett(punkt=oppsett.punkt_halvaar, user=anne)
    modell, felt, typet, lagret_felt, lagret = SEKSJONER[seksjon]
    if modell is Rapportdel:
        rad, navn = rapport.deler.get(kode=felt), felt
    elif modell is Parameterresultat:
        rad = rapport.parameterresultater.get(styringsparameter=oppsett.sp_tall)
        navn = _navn(rad, felt)
    else:
        rad = modell.objects.filter(rapport=rapport).first()
        navn = _navn(rad, felt)
    url = _url(rapport, seksjon)
    klienter = [_klient(anne), _klient(bjorn)]
    skjemaer = [skjemadata(k.get(url)) for k in klienter]

    svar = _samtidig(*[lambda k=k, s=s, t=t: k.post(url, {**s, navn: t})
                       for k, s, t in zip(klienter, skjemaer, typet, strict=True)])

    koder = sorted(r.status_code for r in svar)
    assert koder == [200, 302], koder
    vinner = [r.status_code for r in svar].index(302)
    taper = svar[1 - vinner]
    assert "har lagret endringer etter at du åpnet skjemaet" in _tekst(taper)
    assert ("Bjørn Berg", "Anne Hansen")[vinner] in _tekst(taper)
    assert _verdi(_tekst(taper), navn) == typet[1 - vinner]  # the refused person's text is kept
    rad.refresh_from_db()
    assert getattr(rad, lagret_felt) == lagret[vinner]
    # Exactly one change recorded: the winner's.
    endringer = [h for h in rad.history.all() if h.history_type == "~"]
    assert [h.history_user.first_name for h in endringer] == [("Anne", "Bjørn")[vinner]]
    assert Rapport.objects.get(pk=rapport.pk).status == "utkast"


@pytest.mark.services
@KUN_POSTGRES
@pytest.mark.django_db(transaction=True)
def test_samtidige_kommentarer_begge_staar():
    oppsett = bygg_oppsett()
    rapport = services.rapport_opprett(punkt=oppsett.punkt_halvaar, user=oppsett.kontakt)
    services.rapport_send(rapport=rapport, user=oppsett.leder)
    dep = oppsett.brev.departement
    klienter = [_klient(UserFactory(organisasjon=dep, first_name=n, last_name="Dahl")) for n in ("Kari", "Ola")]
    del_ = rapport.deler.get(kode="avvik")
    url = reverse("rapportering:kommenter", args=[rapport.pk])
    o = oppsett.oppdrag_fulgt
    oppdrag_url = reverse("oppdrag:kommentar", args=[o.pk])

    svar = _samtidig(
        lambda: klienter[0].post(url, {"art": "del", "id": del_.pk, "tekst": "Karis merknad."}),
        lambda: klienter[1].post(url, {"art": "del", "id": del_.pk, "tekst": "Olas merknad."}),
        lambda: klienter[0].post(oppdrag_url, {"kommentar-tekst": "Kari om oppdraget."}),
        lambda: klienter[1].post(oppdrag_url, {"kommentar-tekst": "Ola om oppdraget."}),
    )
    assert [r.status_code for r in svar] == [302] * 4
    assert sorted(Kommentar.objects.filter(rapportdel=del_).values_list("tekst", flat=True)) == [
        "Karis merknad.", "Olas merknad."]
    assert sorted(Oppdragskommentar.objects.filter(oppdrag=o).values_list("tekst", flat=True)) == [
        "Kari om oppdraget.", "Ola om oppdraget."]
