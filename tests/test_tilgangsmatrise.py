"""The access matrix: every URL in the URLconf × every role × objects of the user's own and of
other organisations → allowed or refused, as specified here.

The URLs are enumerated from the URLconf, so a new view without an entry in ``SPEK`` fails this
test: whoever adds a view must decide who may use it. Refused means 403 or 404 (a forged id
reveals nothing); anonymous users are sent to the login page.

Effects, not only status codes: the whole database is fingerprinted (row counts of every table,
history included) around every request. A request that is refused, and every GET, changes
nothing; an allowed POST must change something (the case says what it must leave behind). Every
view in the URLconf refuses a POST without a CSRF token.

The world: ministry DEPA steers agency VIRKA (sent, draft and under-approval letters, a sent and an
unsent tillegg, an oppdrag without a letter in the portal that DEPA owns); ministry DEPB steers
VIRKB and has also steered VIRKA (a sent letter that gave VIRKA an oppdrag still in force, and a
draft for VIRKA that restates DEPA's oppdrag — which gives DEPB nothing of DEPA's).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

import pytest
from django.conf import settings
from django.db import transaction
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver
from django.utils import timezone

from brukere.models import Rolle
from styring.models import Brevavsnitt, Fellesforing, Maalgruppe, Rapporteringskrav, Tillegg
from tests.factories import (
    BudsjettkapittelFactory,
    BudsjettpostFactory,
    DepartementFactory,
    FristFactory,
    MaalFactory,
    ObservatorFactory,
    OppdragFactory,
    RapporteringspunktFactory,
    StyringsparameterFactory,
    TildelingsbrevFactory,
    UserFactory,
    VirksomhetFactory,
)

pytestmark = pytest.mark.django_db

# Namespaces that are not ours to specify: the Django admin has its own staff check (tested in
# tests/admin), the OIDC callback is the identity provider's, and the health endpoints are public by
# design and tested in tests/test_drift.py.
UTENFOR = {"admin", "oidc", "helse"}
UTEN_NAVN_OK = {"favicon.ico"}

ROLLER = ["anonym", "dep_redaktor", "dep_godkjenner", "annet_dep", "virk_kontakt", "virk_leder", "annen_virk",
          "observator", "admin"]
DEP = {"dep_redaktor", "dep_godkjenner"}
VIRK = {"virk_kontakt", "virk_leder"}
ALLE_INNLOGGET = set(ROLLER) - {"anonym"}

# Who may read what (the querysets' rules).
LES_SENDT_BREV = DEP | VIRK | {"observator", "admin"}
LES_UTKAST = DEP | {"admin"}
# The other ministry's sent letter: its own ministry and agency, observers and administrators.
ANNEN = {"annet_dep", "annen_virk", "observator", "admin"}


@dataclass
class Tilfelle:
    """One request: a URL built from the world, and the roles for whom it must succeed."""

    navn: str
    kwargs: callable  # world -> dict of URL kwargs
    tillatt: set
    metode: str = "get"
    query: callable = None  # world -> dict of GET/POST data
    data: callable = None
    anonym_ok: bool = False  # public by design (e.g. the calendar feed, which has its own secret)
    til_innlogging_ok: bool = False  # logging out ends on the login page
    virkning: callable = None  # (world, role) -> True when the allowed POST left what it should
    endrer_ingenting: bool = False  # an allowed POST that by design writes no row (logging out)


@dataclass
class Spek:
    tilfeller: list = field(default_factory=list)
    endrer: bool = False  # state-changing: POST must carry a CSRF token


def _funn(brev) -> list[str]:
    from styring.konsistens import check_tildelingsbrev

    return [a.sted["nokkel"] for a in check_tildelingsbrev(brev) if "nokkel" in a.sted]


def _t(navn, kwargs, tillatt, **kw):
    return Tilfelle(navn, kwargs, set(tillatt), **kw)


def _avslutt(navn: str, oppdrag: str, tillatt: set):
    """Closing an oppdrag (as dropped): only the ministry that gave it."""
    def virkning(w, rolle):
        o = getattr(w, oppdrag)
        return type(o).objects.get(pk=o.pk).status == "bortfalt"

    return _t(navn, lambda w: {"pk": getattr(w, oppdrag).pk}, tillatt, metode="post",
              data=lambda w: {"avslutning-status": "bortfalt", "avslutning-kommentar": "Bortfalt etter avtale."},
              virkning=virkning)


# ----------------------------------------------------------------------------------------------
# The specification. Keys are "namespace:name" as in the URLconf.
SPEK: dict[str, Spek] = {
    "min-side": Spek([_t("", lambda w: {}, ALLE_INNLOGGET)]),
    "logg-inn": Spek([_t("", lambda w: {}, set(ROLLER), anonym_ok=True)]),
    "logg-ut": Spek([_t("", lambda w: {}, set(ROLLER), metode="post", anonym_ok=True, til_innlogging_ok=True,
                        endrer_ingenting=True)], endrer=True),
    "varselinnstillinger": Spek([_t("", lambda w: {}, ALLE_INNLOGGET)]),
    "brev:brev-liste": Spek([_t("", lambda w: {}, ALLE_INNLOGGET)]),
    "oppdrag:liste": Spek([_t("", lambda w: {}, ALLE_INNLOGGET)]),
    "oppdrag:detalj": Spek([
        _t("sendt", lambda w: {"pk": w.o_sendt.pk}, LES_SENDT_BREV),
        _t("utkast", lambda w: {"pk": w.o_utkast.pk}, LES_UTKAST),
        _t("annen virksomhet", lambda w: {"pk": w.o_annen.pk}, ANNEN),
        _t("gitt i et tillegg som ikke er sendt", lambda w: {"pk": w.o_tillegg.pk}, LES_UTKAST),
        # No letter in the portal: owned by DEPA (chosen at import), in force for its agency.
        _t("uten brev i portalen", lambda w: {"pk": w.o_uten_brev.pk}, LES_SENDT_BREV),
        # DEPB gave VIRKA this oppdrag in its own sent letter: DEPB's, and VIRKA's, not DEPA's.
        _t("gitt av et annet departement", lambda w: {"pk": w.o_b_virka.pk}, {"annet_dep"} | VIRK | {"observator", "admin"}),
    ]),
    "oppdrag:eksport": Spek([_t("", lambda w: {}, ALLE_INNLOGGET)]),
    "oppdrag:ansvarlig": Spek([_t("sendt", lambda w: {"pk": w.o_sendt.pk}, VIRK, metode="post",
                                  data=lambda w: {"ansvarlig-ansvarlig": w.users["virk_kontakt"].pk,
                                                  "ansvarlig-versjon": _versjon(w.o_sendt, ["ansvarlig"])},
                                  virkning=lambda w, r: type(w.o_sendt).objects.get(pk=w.o_sendt.pk).ansvarlig_id
                                  == w.users["virk_kontakt"].pk)], endrer=True),
    "oppdrag:oppfolging": Spek([_t("sendt", lambda w: {"pk": w.o_sendt.pk}, VIRK, metode="post",
                                   data=lambda w: {"status": "paagaar", "risiko": "gronn",
                                                   "risiko_tekst": "I rute", "gjelder_dato": "2024-05-02"})],
                               endrer=True),
    "oppdrag:leveranse-ny": Spek([_t("sendt", lambda w: {"pk": w.o_sendt.pk}, VIRK, metode="post",
                                     data=lambda w: _leveranse_data(),
                                     virkning=lambda w, r: w.o_sendt.leveranser.filter(levert_av=w.users[r]).exists())],
                                 endrer=True),
    "oppdrag:leveranse": Spek([
        _t("sendt", lambda w: {"pk": w.o_sendt.pk, "leveranse_pk": w.leveranse.pk}, LES_SENDT_BREV),
        # A delivery asked for through another oppdrag's URL is not found.
        _t("feil oppdrag", lambda w: {"pk": w.o_annen.pk, "leveranse_pk": w.leveranse.pk}, set()),
    ]),
    "oppdrag:kommentar": Spek([
        _t("sendt", lambda w: {"pk": w.o_sendt.pk}, DEP, metode="post", data=lambda w: {"kommentar-tekst": "Takk."},
           virkning=lambda w, r: w.o_sendt.kommentarer.filter(forfatter=w.users[r]).exists()),
        _t("uten brev", lambda w: {"pk": w.o_uten_brev.pk}, DEP, metode="post", data=lambda w: {"kommentar-tekst": "Takk."},
           virkning=lambda w, r: w.o_uten_brev.kommentarer.filter(forfatter=w.users[r]).exists()),
        _t("gitt av et annet departement", lambda w: {"pk": w.o_b_virka.pk}, {"annet_dep"}, metode="post",
           data=lambda w: {"kommentar-tekst": "Takk."},
           virkning=lambda w, r: w.o_b_virka.kommentarer.filter(forfatter=w.users[r]).exists()),
    ], endrer=True),
    "oppdrag:avslutt": Spek([_avslutt("sendt", "o_sendt", DEP), _avslutt("uten brev", "o_uten_brev", DEP),
                             _avslutt("gitt av et annet departement", "o_b_virka", {"annet_dep"})], endrer=True),
    "varsler:kalender-innstillinger": Spek([_t("", lambda w: {}, ALLE_INNLOGGET)]),
    # The inbox holds only the person's own notices: one's own list and count; marking read only one's own.
    "innboks:innboks": Spek([_t("", lambda w: {}, ALLE_INNLOGGET)]),
    "innboks:antall": Spek([_t("", lambda w: {}, ALLE_INNLOGGET)]),
    "innboks:alle-lest": Spek([_t("", lambda w: {}, ALLE_INNLOGGET, metode="post", endrer_ingenting=True,
                                  virkning=lambda w, r: not w.users[r].varsler.filter(lest__isnull=True).exists())],
                              endrer=True),
    "innboks:les": Spek([_t("eget varsel", lambda w: {"pk": w.varsel.pk}, {"virk_kontakt"}, metode="post",
                            endrer_ingenting=True,
                            virkning=lambda w, r: type(w.varsel).objects.get(pk=w.varsel.pk).lest is not None)],
                        endrer=True),
    # The feed has no login (calendar clients cannot log in): the secret token is the key.
    "varsler:kalender": Spek([
        _t("gyldig lenke", lambda w: {"token": w.kalender_token}, set(ROLLER), anonym_ok=True),
        _t("ukjent lenke", lambda w: {"token": "x" * 43}, set(), anonym_ok=True),
    ]),
    # --- letters ---
    "brev:brev": Spek([
        _t("sendt", lambda w: {"pk": w.brev_sendt.pk}, LES_SENDT_BREV),
        _t("utkast", lambda w: {"pk": w.brev_utkast.pk}, LES_UTKAST),
        _t("annen", lambda w: {"pk": w.brev_annen.pk}, ANNEN),
        _t("annet departements brev til samme virksomhet", lambda w: {"pk": w.brev_b_virka.pk},
           {"annet_dep"} | VIRK | {"observator", "admin"}),
        _t("annet departements utkast til samme virksomhet", lambda w: {"pk": w.brev_b_utkast.pk},
           {"annet_dep", "admin"}),
    ]),
    "brev:brev-til-godkjenning": Spek([_t("utkast", lambda w: {"pk": w.brev_utkast.pk}, DEP,
                                             metode="post")], endrer=True),
    "brev:brev-send": Spek([_t("til godkjenning", lambda w: {"pk": w.brev_godkjenning.pk}, {"dep_godkjenner"},
                                  metode="post")], endrer=True),
    "brev:brev-send-tilbake": Spek([_t("til godkjenning", lambda w: {"pk": w.brev_godkjenning.pk},
                                          DEP, metode="post", data=lambda w: {"grunn": "Mangler mål"})],
                                      endrer=True),
    "brev:brev-viderefor": Spek([_t("sendt", lambda w: {"pk": w.brev_siste.pk}, DEP, metode="post",
                                       virkning=lambda w, r: type(w.brev_siste).objects.filter(
                                           virksomhet=w.virk, aar=w.brev_siste.aar + 1).exists())], endrer=True),
    # Acknowledging a carried-forward finding: only the sending ministry, while the letter is a draft.
    "brev:brev-kvitter": Spek([_t("utkast med funn", lambda w: {"pk": w.brev_b_kvitter.pk}, {"annet_dep"},
                                  metode="post", data=lambda w: {"funn": _funn(w.brev_b_kvitter), "grunn": "Riktig."},
                                  virkning=lambda w, r: w.brev_b_kvitter.kvitteringer.exists())], endrer=True),
    # The letter's own red/yellow/green: the sending ministry, while the letter is a draft.
    "brev:rediger-risiko": Spek([
        _t("utkast", lambda w: {"pk": w.brev_utkast.pk}, DEP, metode="post",
           data=lambda w: {"rod": "Svært forsinket.", "gul": "Forsinket.", "gronn": "I rute."},
           virkning=lambda w, r: w.brev_utkast.risikodefinisjoner.count() == 3),
        _t("sendt brev", lambda w: {"pk": w.brev_sendt.pk}, set(), metode="post",
           data=lambda w: {"rod": "Svært forsinket.", "gul": "Forsinket.", "gronn": "I rute."}),
    ], endrer=True),
    "brev:tillegg-opprett": Spek([_t("sendt", lambda w: {"pk": w.brev_sendt.pk}, DEP, metode="post")],
                                    endrer=True),
    "brev:tillegg": Spek([
        _t("sendt tillegg", lambda w: {"pk": w.brev_sendt.pk, "nr": 2}, LES_SENDT_BREV),
        _t("utkast til tillegg", lambda w: {"pk": w.brev_sendt.pk, "nr": 1}, LES_UTKAST),
    ]),
    "brev:tillegg-send": Spek([_t("utkast til tillegg", lambda w: {"pk": w.brev_sendt.pk, "nr": 1},
                                     {"dep_godkjenner"}, metode="post")], endrer=True),
    "brev:sammenlign": Spek([
        _t("sendt", lambda w: {"pk": w.brev_sendt.pk}, LES_SENDT_BREV),
        _t("utkast", lambda w: {"pk": w.brev_utkast.pk}, LES_UTKAST),
    ]),
    "brev:brev-historikk": Spek([
        _t("sendt", lambda w: {"pk": w.brev_sendt.pk}, LES_SENDT_BREV),
        _t("utkast", lambda w: {"pk": w.brev_utkast.pk}, LES_UTKAST),
    ]),
    "brev:budsjett-xlsx": Spek([
        _t("sendt", lambda w: {"pk": w.brev_sendt.pk}, LES_SENDT_BREV),
        _t("utkast", lambda w: {"pk": w.brev_utkast.pk}, LES_UTKAST),
        _t("annen", lambda w: {"pk": w.brev_annen.pk}, ANNEN),
    ]),
    # --- reports ---
    "rapportering:liste": Spek([_t("", lambda w: {}, ALLE_INNLOGGET)]),
    "rapportering:opprett": Spek([_t("halvårsrapport", lambda w: {"punkt_pk": w.punkt_halv.pk}, VIRK, metode="post")],
                              endrer=True),
    "rapportering:detalj": Spek([
        _t("utkast", lambda w: {"pk": w.rapport_utkast.pk}, VIRK | {"admin"}),
        _t("sendt", lambda w: {"pk": w.rapport_sendt.pk}, VIRK | DEP | {"admin"}),
    ]),
    "rapportering:historikk": Spek([
        _t("utkast", lambda w: {"pk": w.rapport_utkast.pk}, VIRK | {"admin"}),
        _t("sendt", lambda w: {"pk": w.rapport_sendt.pk}, VIRK | DEP | {"admin"}),
    ]),
    "rapportering:rediger": Spek([
        _t("utkast", lambda w: {"pk": w.rapport_utkast.pk, "seksjon": "deler"}, VIRK),
        _t("utkast, fellesføringer", lambda w: {"pk": w.rapport_utkast.pk, "seksjon": "fellesforinger"}, VIRK),
        _t("sendt", lambda w: {"pk": w.rapport_sendt.pk, "seksjon": "deler"}, set()),
    ]),
    # Autosave of a text part (static/js/rik_tekst.js): the agency's staff, while the report is a draft.
    "rapportering:autolagre": Spek([
        _t("utkast", lambda w: {"pk": w.rapport_utkast.pk}, VIRK, metode="post",
           data=lambda w: _autolagring(w.rapport_utkast),
           virkning=lambda w, r: w.rapport_utkast.deler.filter(tekst="<p>Autolagret.</p>").exists()),
        _t("sendt", lambda w: {"pk": w.rapport_sendt.pk}, set(), metode="post",
           data=lambda w: _autolagring(w.rapport_sendt)),
    ], endrer=True),
    "rapportering:send": Spek([_t("utkast", lambda w: {"pk": w.rapport_utkast.pk}, {"virk_leder"}, metode="post")],
                           endrer=True),
    "rapportering:motta": Spek([_t("sendt", lambda w: {"pk": w.rapport_sendt.pk}, DEP, metode="post")], endrer=True),
    "rapportering:kommenter": Spek([_t("sendt", lambda w: {"pk": w.rapport_sendt.pk}, DEP)]),
    # --- PDFs ---
    "dokumenter:bestill": Spek([
        _t("sendt brev", lambda w: {}, LES_SENDT_BREV, metode="post",
           data=lambda w: {"kind": "tildelingsbrev", "object_id": w.brev_sendt.pk, "variant": "standard"}),
        _t("utkast", lambda w: {}, LES_UTKAST, metode="post",
           data=lambda w: {"kind": "tildelingsbrev", "object_id": w.brev_utkast.pk, "variant": "standard"}),
    ], endrer=True),
    "dokumenter:status": Spek([
        _t("sendt brev", lambda w: {"pk": w.pdf_sendt.pk}, LES_SENDT_BREV),
        _t("utkast", lambda w: {"pk": w.pdf_utkast.pk}, LES_UTKAST),
    ]),
    "dokumenter:last_ned": Spek([
        _t("sendt brev", lambda w: {"pk": w.pdf_sendt.pk}, LES_SENDT_BREV),
        _t("utkast", lambda w: {"pk": w.pdf_utkast.pk}, LES_UTKAST),
    ]),
}


# --- risk assessments (risiko): a draft is the agency's alone; the ministry it is shared with reads
# it then, and so do observers; nobody changes it. Riksrevisjonen (revisjon): the agency keeps the plan,
# its steering ministry and observers read it and the reply letters; other ministries see neither.
LES_DELT_RISIKO = DEP | VIRK | {"observator", "admin"}
EGEN_VIRK = VIRK | {"annen_virk"}  # every agency creates its own


def _vurdering(attr, **ekstra):
    return lambda w: {"pk": getattr(w, attr).pk, **{k: getattr(w, v).pk for k, v in ekstra.items()}}


def _svarbrev_data() -> dict:
    return {"svarbrev-tittel": "Svar til Riksrevisjonen", "svarbrev-datert": "14.06.2024",
            "svarbrev-fil": _leveranse_data()["leveranse-fil"]}


_RISIKO = {"tittel": "Ny risiko", "sannsynlighet": "3", "konsekvens": "3", "rest_sannsynlighet": "2",
           "rest_konsekvens": "2", "akseptabel": "on"}
_TILTAK = {"tekst": "Nytt tiltak", "frist": "01.10.2025", "status": "planlagt"}

SPEK.update({
    "risiko:liste": Spek([_t("", lambda w: {}, ALLE_INNLOGGET)]),
    "risiko:ny": Spek([_t("", lambda w: {}, EGEN_VIRK, metode="post", data=lambda w: {"periodetype": "aar", "aar": "2026"},
                          virkning=lambda w, r: w.users[r].organisasjon_id is not None
                          and w.users[r].organisasjon.risikovurderinger.filter(aar=2026).exists())],
                      endrer=True),
    "risiko:detalj": Spek([
        _t("utkast", _vurdering("vurdering_utkast"), VIRK | {"admin"}),
        _t("delt", _vurdering("vurdering_delt"), LES_DELT_RISIKO),
    ]),
    "risiko:sammendrag": Spek([_t("utkast", _vurdering("vurdering_utkast"), VIRK, metode="post",
                                  data=lambda w: {"sammendrag-sammendrag": "Samlet vurdering."},
                                  virkning=lambda w, r: type(w.vurdering_utkast).objects.get(
                                      pk=w.vurdering_utkast.pk).sammendrag == "Samlet vurdering."),
                               _t("delt", _vurdering("vurdering_delt"), set(), metode="post",
                                  data=lambda w: {"sammendrag-sammendrag": "Samlet vurdering."})], endrer=True),
    "risiko:del": Spek([_t("utkast", _vurdering("vurdering_utkast"), VIRK, metode="post",
                           virkning=lambda w, r: type(w.vurdering_utkast).objects.get(
                               pk=w.vurdering_utkast.pk).status == "delt")], endrer=True),
    "risiko:risiko-ny": Spek([
        _t("utkast", _vurdering("vurdering_utkast"), VIRK),
        _t("utkast, lagre", _vurdering("vurdering_utkast"), VIRK, metode="post", data=lambda w: _RISIKO,
           virkning=lambda w, r: w.vurdering_utkast.risikoer.filter(tittel="Ny risiko").exists()),
        _t("delt", _vurdering("vurdering_delt"), set()),
    ], endrer=True),
    "risiko:risiko": Spek([
        _t("utkast", _vurdering("vurdering_utkast", rpk="risiko_utkast"), VIRK),
        _t("delt", _vurdering("vurdering_delt", rpk="risiko_delt"), set()),
        # A risk asked for through another assessment's URL is not found.
        _t("feil vurdering", _vurdering("vurdering_utkast", rpk="risiko_delt"), set()),
    ]),
    "risiko:risiko-slett": Spek([_t("utkast", _vurdering("vurdering_utkast", rpk="risiko_utkast"), VIRK, metode="post",
                                    virkning=lambda w, r: not w.vurdering_utkast.risikoer.exists())], endrer=True),
    "risiko:tiltak-ny": Spek([_t("utkast", _vurdering("vurdering_utkast", rpk="risiko_utkast"), VIRK, metode="post",
                                 data=lambda w: {f"tiltak-{k}": v for k, v in _TILTAK.items()},
                                 virkning=lambda w, r: w.risiko_utkast.tiltak.filter(tekst="Nytt tiltak").exists())],
                             endrer=True),
    "risiko:tiltak": Spek([_t("utkast", _vurdering("vurdering_utkast", rpk="risiko_utkast", tpk="tiltak_utkast"), VIRK,
                              metode="post",
                              data=lambda w: {f"tiltak-{w.tiltak_utkast.pk}-{k}": v for k, v in _TILTAK.items()},
                              virkning=lambda w, r: w.risiko_utkast.tiltak.filter(tekst="Nytt tiltak").exists())],
                          endrer=True),
    "revisjon:liste": Spek([_t("", lambda w: {}, ALLE_INNLOGGET)]),
    "revisjon:ny": Spek([_t("", lambda w: {}, EGEN_VIRK, metode="post",
                            data=lambda w: {"kilde": "beretning", "dato": "30.04.2024", "tittel": "Ny merknad",
                                            "alvorlighet": "merknad"},
                            virkning=lambda w, r: w.users[r].organisasjon_id is not None
                            and w.users[r].organisasjon.riksrevisjonsmerknader.filter(tittel="Ny merknad").exists())], endrer=True),
    "revisjon:detalj": Spek([
        _t("egen", _vurdering("merknad"), LES_DELT_RISIKO),
        _t("annen virksomhet", _vurdering("merknad_annen"), {"annet_dep", "annen_virk", "observator", "admin"}),
    ]),
    "revisjon:rediger": Spek([_t("", _vurdering("merknad"), VIRK, metode="post",
                                 data=lambda w: {"merknad-kilde": "aarlig", "merknad-dato": "01.05.2024",
                                                 "merknad-tittel": "Endret merknad", "merknad-alvorlighet": "alvorlig"},
                                 virkning=lambda w, r: type(w.merknad).objects.get(pk=w.merknad.pk).tittel
                                 == "Endret merknad")], endrer=True),
    "revisjon:tiltak-ny": Spek([_t("", _vurdering("merknad"), VIRK, metode="post",
                                   data=lambda w: {f"tiltak-{k}": v for k, v in _TILTAK.items()},
                                   virkning=lambda w, r: w.merknad.tiltak.filter(tekst="Nytt tiltak").exists())],
                               endrer=True),
    "revisjon:tiltak": Spek([_t("", _vurdering("merknad", tpk="revisjonstiltak"), VIRK, metode="post",
                                data=lambda w: {f"tiltak-{w.revisjonstiltak.pk}-{k}": v for k, v in _TILTAK.items()},
                                virkning=lambda w, r: w.merknad.tiltak.filter(tekst="Nytt tiltak").exists())],
                            endrer=True),
    "revisjon:lukk": Spek([_t("", _vurdering("merknad"), VIRK, metode="post",
                              data=lambda w: {"lukk-lukket": "01.12.2024", "lukk-lukket_begrunnelse": "Avsluttet."},
                              virkning=lambda w, r: type(w.merknad).objects.get(pk=w.merknad.pk).status == "lukket")],
                          endrer=True),
    "revisjon:svarbrev-ny": Spek([_t("", _vurdering("merknad"), VIRK, metode="post", data=lambda w: _svarbrev_data(),
                                     virkning=lambda w, r: w.merknad.svarbrev.filter(
                                         lastet_opp_av=w.users[r]).exists())], endrer=True),
    "revisjon:svarbrev": Spek([
        _t("egen", _vurdering("merknad", spk="svarbrev"), LES_DELT_RISIKO),
        _t("feil merknad", _vurdering("merknad_annen", spk="svarbrev"), set()),
    ]),
})

# --- meetings (moter): planned by the ministry, agenda items from both sides, minutes in draft the
# ministry's alone, then out for comments and approval; observers read approved minutes.
LES_MOTE = DEP | VIRK | {"admin"}
LES_GODKJENT = LES_MOTE | {"observator"}
PARTER = DEP | VIRK


def _mote(attr):
    return lambda w: {"pk": getattr(w, attr).pk}


def _mote_post(navn, attr, tillatt, data=None, virkning=None, **kw):
    return _t(navn, kw.pop("kwargs", None) or _mote(attr), tillatt, metode="post", data=data, virkning=virkning, **kw)


def _vedlegg_data() -> dict:
    data = _leveranse_data()
    return {"vedlegg-tittel": "Notat til møtet", "vedlegg-fil": data["leveranse-fil"]}


SPEK.update({
    "moter:liste": Spek([_t("", lambda w: {}, ALLE_INNLOGGET)]),
    "moter:ny": Spek([
        _t("sendt brev", lambda w: {"brev_pk": w.brev_sendt.pk}, DEP),
        _t("opprett", lambda w: {"brev_pk": w.brev_sendt.pk}, DEP, metode="post",
           data=lambda w: {"mote-type": "saermote", "mote-tittel": "Særmøte om bosetting", "mote-dato": "01.03.2027"},
           virkning=lambda w, r: w.brev_sendt.styringsmoter.filter(tittel="Særmøte om bosetting").exists()),
        _t("annet departements brev", lambda w: {"brev_pk": w.brev_annen.pk}, {"annet_dep"}),
    ], endrer=True),
    "moter:detalj": Spek([
        _t("planlagt", _mote("mote"), LES_MOTE),
        _t("referat godkjent", _mote("mote_godkjent"), LES_GODKJENT),
        _t("møte i utkast til brev", _mote("mote_brevutkast"), LES_UTKAST),
        _t("annet departements møte", _mote("mote_annen"), {"annet_dep", "annen_virk", "admin"}),
    ]),
    "moter:historikk": Spek([
        _t("planlagt", _mote("mote"), LES_MOTE),
        _t("referat godkjent", _mote("mote_godkjent"), LES_GODKJENT),
        _t("møte i utkast til brev", _mote("mote_brevutkast"), LES_UTKAST),
    ]),
    "moter:rediger": Spek([
        _t("planlagt", _mote("mote"), DEP),
        _t("referat godkjent", _mote("mote_godkjent"), set()),
    ]),
    "moter:deltaker-ny": Spek([_mote_post(
        "planlagt", "mote", DEP, data=lambda w: {"deltaker-side": "departement", "deltaker-navn": "Statsråden"},
        virkning=lambda w, r: w.mote.deltakere.filter(navn="Statsråden").exists())], endrer=True),
    "moter:deltaker-fjern": Spek([_mote_post(
        "planlagt", "mote", DEP, kwargs=lambda w: {"pk": w.mote.pk, "deltaker_pk": w.deltaker.pk},
        virkning=lambda w, r: not w.mote.deltakere.filter(pk=w.deltaker.pk).exists())], endrer=True),
    "moter:sak-ny": Spek([
        _mote_post("planlagt", "mote", PARTER, data=lambda w: {"sak-tittel": "Ny sak"},
                   virkning=lambda w, r: w.mote.saker.filter(tittel="Ny sak", foreslatt_av=w.users[r]).exists()),
        _mote_post("referatet er påbegynt", "mote_godkjent", set(), data=lambda w: {"sak-tittel": "For sent"}),
    ], endrer=True),
    # A proposal is withdrawn by the one who made it, or by the ministry.
    "moter:sak-trekk": Spek([_mote_post(
        "foreslått av virksomheten", "mote", DEP | {"virk_kontakt"},
        kwargs=lambda w: {"pk": w.mote.pk, "sak_pk": w.sak.pk},
        virkning=lambda w, r: not w.mote.saker.filter(pk=w.sak.pk).exists())], endrer=True),
    "moter:vedlegg-ny": Spek([_mote_post(
        "planlagt", "mote", PARTER, data=lambda w: _vedlegg_data(),
        virkning=lambda w, r: w.mote.vedlegg.filter(lastet_opp_av=w.users[r]).exists())], endrer=True),
    "moter:vedlegg": Spek([
        _t("planlagt", lambda w: {"pk": w.mote.pk, "vedlegg_pk": w.vedlegg.pk}, LES_MOTE),
        _t("feil møte", lambda w: {"pk": w.mote_godkjent.pk, "vedlegg_pk": w.vedlegg.pk}, set()),
    ]),
    "moter:referat-start": Spek([_mote_post(
        "planlagt", "mote", DEP, virkning=lambda w, r: type(w.mote).objects.get(pk=w.mote.pk).har_referat)],
        endrer=True),
    "moter:referat": Spek([
        _t("utkast", _mote("mote_utkast_referat"), DEP | {"admin"}),
        _t("til kommentar", _mote("mote_til_kommentar"), LES_MOTE),
        _t("godkjent", _mote("mote_godkjent"), LES_GODKJENT),
        _t("møte uten referat", _mote("mote"), set()),
        _mote_post("skriv i utkast", "mote_utkast_referat", DEP,
                   data=lambda w: {"referat-tekst": "Ny tekst.",
                                   "referat-versjon": _versjon(w.mote_utkast_referat.referat, ["tekst"])},
                   virkning=lambda w, r: type(w.mote).objects.get(pk=w.mote_utkast_referat.pk).referat.tekst
                   == "Ny tekst."),
        _mote_post("skriv i godkjent", "mote_godkjent", set(),
                   data=lambda w: {"referat-tekst": "Ny tekst.",
                                   "referat-versjon": _versjon(w.mote_godkjent.referat, ["tekst"])}),
    ], endrer=True),
    "moter:referat-send": Spek([_mote_post(
        "utkast", "mote_utkast_referat", DEP,
        virkning=lambda w, r: type(w.mote).objects.get(pk=w.mote_utkast_referat.pk).referat.status
        == "til_kommentar")], endrer=True),
    "moter:referat-merknad": Spek([
        _mote_post("til kommentar", "mote_til_kommentar", PARTER, data=lambda w: {"merknad-tekst": "Presiser sak 2."},
                   virkning=lambda w, r: w.mote_til_kommentar.referat.merknader.filter(
                       skrevet_av=w.users[r]).exists()),
        _mote_post("utkast", "mote_utkast_referat", set(), data=lambda w: {"merknad-tekst": "For tidlig."}),
    ], endrer=True),
    "moter:referat-godkjenn": Spek([_mote_post("til kommentar", "mote_til_kommentar", PARTER)], endrer=True),
    "moter:vedtak-ny": Spek([
        _t("utkast", _mote("mote_utkast_referat"), DEP),
        _t("godkjent", _mote("mote_godkjent"), set()),
    ]),
    "moter:vedtak-rediger": Spek([
        _t("utkast", lambda w: {"pk": w.mote_utkast_referat.pk, "vedtak_pk": w.vedtak_utkast.pk}, DEP),
        _t("vedtak i annet møte", lambda w: {"pk": w.mote_utkast_referat.pk, "vedtak_pk": w.punkt.pk}, set()),
    ]),
    "moter:vedtak-slett": Spek([_mote_post(
        "utkast", "mote_utkast_referat", DEP,
        kwargs=lambda w: {"pk": w.mote_utkast_referat.pk, "vedtak_pk": w.vedtak_utkast.pk},
        virkning=lambda w, r: not type(w.vedtak_utkast).objects.filter(pk=w.vedtak_utkast.pk).exists())],
        endrer=True),
    "moter:vedtak-oppdrag": Spek([_mote_post(
        "godkjent", "mote_godkjent", DEP,
        kwargs=lambda w: {"pk": w.mote_godkjent.pk, "vedtak_pk": w.vedtak_oppdrag.pk},
        virkning=lambda w, r: type(w.vedtak_oppdrag).objects.get(pk=w.vedtak_oppdrag.pk).oppdrag_id is not None)],
        endrer=True),
    "moter:punkt-oppdater": Spek([_mote_post(
        "godkjent", "mote_godkjent", PARTER, kwargs=lambda w: {"pk": w.mote_godkjent.pk, "vedtak_pk": w.punkt.pk},
        data=lambda w: {"punkt-status": "paagaar", "punkt-tekst": "Arbeidet er i gang."},
        virkning=lambda w, r: w.punkt.oppdateringer.filter(skrevet_av=w.users[r]).exists())], endrer=True),
})


def _redigering(navn: str, pattern: str) -> Spek:
    """Editing views: the sending ministry's editors and approvers, on a draft letter or a draft
    tillegg; nobody edits a sent letter directly."""
    tillegg = "<int:nr>" in pattern

    def kwargs(w):
        verdier = {"pk": w.brev_sendt.pk if tillegg else w.brev_utkast.pk, "nr": 1,
                   "avsnitt_pk": (w.avsnitt_tillegg if tillegg else w.avsnitt_utkast).pk,
                   "maal_pk": w.maal_utkast.pk, "sp_pk": w.sp_utkast.pk,
                   "oppdrag_pk": (w.o_tillegg if tillegg else w.o_utkast).pk,
                   "kapittel_pk": w.kap_utkast.pk, "post_pk": w.post_utkast.pk, "gruppe_pk": w.omraade_utkast.pk,
                   "krav_pk": w.krav_utkast.pk, "ff_pk": w.ff_utkast.pk}
        if navn.endswith("tidligere"):
            verdier["oppdrag_pk"] = w.o_tidligere.pk
        return {k: v for k, v in verdier.items() if f"<int:{k}>" in pattern}

    post = navn.endswith("-flytt")
    tilfeller = [_t("utkast" if not tillegg else "utkast til tillegg", kwargs, DEP, metode="post" if post else "get",
                    data=(lambda w: {"retning": "ned"}) if post else None)]
    if not tillegg and navn == "brev:rediger-brev":
        tilfeller.append(_t("sendt brev", lambda w: {"pk": w.brev_sendt.pk}, set()))
    return Spek(tilfeller, endrer=post)


def _legg_til_redigering():
    from brev import urls

    for p in urls.urlpatterns:
        if p.name and p.name.startswith("rediger-"):
            SPEK.setdefault(f"brev:{p.name}", _redigering(f"brev:{p.name}", str(p.pattern)))


_legg_til_redigering()


# ----------------------------------------------------------------------------------------------
class Verden:
    """Two ministries, each steering one agency; an observer; sent and draft letters; users."""

    def __init__(self):
        self.dep = DepartementFactory(kortnavn="DEPA", navn="Departement A")
        self.dep2 = DepartementFactory(kortnavn="DEPB", navn="Departement B")
        self.virk = VirksomhetFactory(kortnavn="VIRKA", navn="Direktorat A")
        self.virk2 = VirksomhetFactory(kortnavn="VIRKB", navn="Direktorat B")
        self.obs = ObservatorFactory()
        self.brev_sendt = TildelingsbrevFactory(virksomhet=self.virk, departement=self.dep, aar=2024, sendt_brev=True)
        self.brev_utkast = TildelingsbrevFactory(virksomhet=self.virk, departement=self.dep, aar=2025)
        self.brev_annen = TildelingsbrevFactory(virksomhet=self.virk2, departement=self.dep2, aar=2024, sendt_brev=True)
        self.brev_godkjenning = TildelingsbrevFactory(virksomhet=self.virk, departement=self.dep, aar=2023,
                                                      status="til_godkjenning")
        self.tillegg_utkast = Tillegg.objects.create(tildelingsbrev=self.brev_sendt, nummer=1, tittel="Tillegg 1")
        self.avsnitt_utkast = Brevavsnitt.objects.create(tildelingsbrev=self.brev_utkast, nummer="1",
                                                         tittel="Innledning", tekst="Tekst")
        self.avsnitt_tillegg = Brevavsnitt.objects.create(tildelingsbrev=self.brev_sendt, tillegg=self.tillegg_utkast,
                                                          nummer="1", tittel="Nytt i tillegget", tekst="Tekst")
        # A chapter after each, so that moving one down changes the order.
        Brevavsnitt.objects.create(tildelingsbrev=self.brev_utkast, nummer="2", tittel="Mål", tekst="Tekst",
                                   rekkefolge=1)
        Brevavsnitt.objects.create(tildelingsbrev=self.brev_sendt, tillegg=self.tillegg_utkast, nummer="2",
                                   tittel="Mer i tillegget", tekst="Tekst", rekkefolge=1)
        self.tillegg_sendt = Tillegg.objects.create(tildelingsbrev=self.brev_sendt, nummer=2, tittel="Tillegg 2",
                                                    status="sendt", sendt=timezone.now())
        self.maal = MaalFactory(tildelingsbrev=self.brev_sendt, nummer=1)
        self.maal_utkast = MaalFactory(tildelingsbrev=self.brev_utkast, nummer=1)
        self.maal_annen = MaalFactory(tildelingsbrev=self.brev_annen, nummer=1)
        self.sp = StyringsparameterFactory(maal=self.maal)
        self.sp_utkast = StyringsparameterFactory(maal=self.maal_utkast)
        self.omraade_utkast = Maalgruppe.objects.create(tildelingsbrev=self.brev_utkast, nummer="1.1",
                                                        tittel="Delområde", under_maal=self.maal_utkast)
        # Two rapporteringskrav, so that moving the first down changes the order.
        self.krav_utkast = Rapporteringskrav.objects.create(tildelingsbrev=self.brev_utkast, kode="R 1", tekst="Krav",
                                                            maal=self.maal_utkast, rekkefolge=0)
        Rapporteringskrav.objects.create(tildelingsbrev=self.brev_utkast, kode="R 2", tekst="Krav", rekkefolge=1)
        self.ff_utkast = Fellesforing.objects.create(tildelingsbrev=self.brev_utkast, tittel="Redusere konsulentbruken")
        self.o_sendt = OppdragFactory(tildelingsbrev=self.brev_sendt, maal=self.maal, nummer="2024-01")
        self.o_utkast = OppdragFactory(tildelingsbrev=self.brev_utkast, maal=self.maal_utkast, aar=2025, nummer="2025-01")
        self.o_annen = OppdragFactory(tildelingsbrev=self.brev_annen, maal=self.maal_annen, nummer="2024-01")
        self.o_tillegg = OppdragFactory(tildelingsbrev=self.brev_sendt, tillegg=self.tillegg_utkast, maal=self.maal,
                                        nummer="2024-T1")
        self.o_tidligere = OppdragFactory(tildelingsbrev=self.brev_godkjenning, aar=2023, nummer="2023-01",
                                          virksomhet=self.virk)
        FristFactory(oppdrag=self.o_tidligere, tildelingsbrev=self.brev_godkjenning, tekst="1. juni 2026",
                     form="dato", dato=date(2026, 6, 1))
        for o, brev in ((self.o_sendt, self.brev_sendt), (self.o_utkast, self.brev_utkast), (self.o_annen, self.brev_annen)):
            FristFactory(oppdrag=o, tildelingsbrev=brev)
        # DEPA owns an oppdrag given before the portal (no letter here), chosen at import.
        self.o_uten_brev = OppdragFactory(tildelingsbrev=None, virksomhet=self.virk, departement=self.dep, aar=2022,
                                          nummer="2022-07", maal=None)
        # DEPB has steered VIRKA too: a sent letter that gave an oppdrag still in force, and a draft
        # for 2027 that restates DEPA's oppdrag (the data a takeover would leave; it gives DEPB nothing).
        self.brev_b_virka = TildelingsbrevFactory(virksomhet=self.virk, departement=self.dep2, aar=2021,
                                                  sendt_brev=True)
        self.o_b_virka = OppdragFactory(tildelingsbrev=self.brev_b_virka, nummer="2021-01", maal=None)
        FristFactory(oppdrag=self.o_b_virka, tildelingsbrev=self.brev_b_virka, dato=date(2026, 6, 1),
                     tekst="01.06.2026")
        self.brev_b_utkast = TildelingsbrevFactory(virksomhet=self.virk, departement=self.dep2, aar=2027)
        FristFactory(oppdrag=self.o_sendt, tildelingsbrev=self.brev_b_utkast, dato=date(2027, 1, 1), tekst="01.01.2027")
        FristFactory(oppdrag=self.o_uten_brev, tildelingsbrev=self.brev_b_utkast, dato=date(2027, 1, 1),
                     tekst="01.01.2027")
        # DEPB's draft for VIRKB carried from its 2024 letter, still naming 2024: a finding to acknowledge.
        Brevavsnitt.objects.create(tildelingsbrev=self.brev_annen, nummer="1", tittel="Innledning",
                                   tekst="Rammene gjelder for 2024.")
        self.brev_b_kvitter = TildelingsbrevFactory(virksomhet=self.virk2, departement=self.dep2, aar=2025)
        Brevavsnitt.objects.create(tildelingsbrev=self.brev_b_kvitter, nummer="1", tittel="Innledning",
                                   tekst="Rammene gjelder for 2024.")
        # DEPA's latest sent letter, to carry forward.
        self.brev_siste = TildelingsbrevFactory(virksomhet=self.virk, departement=self.dep, aar=2030, sendt_brev=True)
        self.kap = BudsjettkapittelFactory(tildelingsbrev=self.brev_sendt)
        self.post = BudsjettpostFactory(kapittel=self.kap)
        self.kap_utkast = BudsjettkapittelFactory(tildelingsbrev=self.brev_utkast)
        self.post_utkast = BudsjettpostFactory(kapittel=self.kap_utkast)
        self.punkt = RapporteringspunktFactory(tildelingsbrev=self.brev_sendt, type="aarsrapport", rapport_aar=2024,
                                               telletidspunkt=date(2024, 12, 31), frist=date(2025, 3, 15))
        self.punkt_annen = RapporteringspunktFactory(tildelingsbrev=self.brev_annen, type="aarsrapport",
                                                     rapport_aar=2024, telletidspunkt=date(2024, 12, 31),
                                                     frist=date(2025, 3, 15))
        self.users = {
            "dep_redaktor": UserFactory(username="dep_redaktor", organisasjon=self.dep, rolle=Rolle.DEPARTEMENT_REDAKTOR),
            "dep_godkjenner": UserFactory(username="dep_godkjenner", organisasjon=self.dep,
                                          rolle=Rolle.DEPARTEMENT_GODKJENNER),
            "annet_dep": UserFactory(username="annet_dep", organisasjon=self.dep2, rolle=Rolle.DEPARTEMENT_GODKJENNER),
            "virk_kontakt": UserFactory(username="virk_kontakt", organisasjon=self.virk, rolle=Rolle.VIRKSOMHET_KONTAKT),
            "virk_leder": UserFactory(username="virk_leder", organisasjon=self.virk, rolle=Rolle.VIRKSOMHET_LEDER),
            "annen_virk": UserFactory(username="annen_virk", organisasjon=self.virk2, rolle=Rolle.VIRKSOMHET_LEDER),
            "observator": UserFactory(username="observator", organisasjon=self.obs, rolle=Rolle.OBSERVATOR),
            "admin": UserFactory(username="admin", organisasjon=None, rolle=Rolle.ADMINISTRATOR, is_staff=True,
                                 is_superuser=True),
        }
        self._rapporter()
        self._pdfer()
        self._oppfolging()
        from tests.moter.verden import matriseverden

        matriseverden(self)
        from tests.risiko.verden import matriseverden as risiko_og_revisjon

        risiko_og_revisjon(self)

    def _oppfolging(self):
        from django.core.files.base import ContentFile

        from oppdrag.models import Leveranse
        from varsler.kalender import kalendertilgang_lag

        self.leveranse = Leveranse(oppdrag=self.o_sendt, tittel="Sluttrapport", type="rapport", storrelse=9)
        self.leveranse.fil.save("sluttrapport.pdf", ContentFile(b"%PDF-1.7\n"), save=False)
        self.leveranse.save()
        self.kalender_token = kalendertilgang_lag(bruker=self.users["virk_kontakt"])

    def _rapporter(self):
        from rapportering.services import rapport_opprett, rapport_send

        punkt_fjor = RapporteringspunktFactory(tildelingsbrev=self.brev_sendt, type="aarsrapport", rapport_aar=2023,
                                               telletidspunkt=date(2023, 12, 31), frist=date(2024, 3, 15))
        self.punkt_halv = RapporteringspunktFactory(tildelingsbrev=self.brev_sendt, type="halvaarsrapport",
                                                    rapport_aar=2024, telletidspunkt=date(2024, 6, 30),
                                                    frist=date(2024, 8, 15))
        self.rapport_utkast = rapport_opprett(punkt=self.punkt, user=self.users["virk_kontakt"])
        self.rapport_sendt = rapport_send(rapport=rapport_opprett(punkt=punkt_fjor, user=self.users["virk_leder"]),
                                          user=self.users["virk_leder"])
        from varsler.models import Varsel

        self.varsel = Varsel.objects.create(mottaker=self.users["virk_kontakt"], art=Varsel.Art.BREV_SENDT,
                                            tittel="Tildelingsbrev sendt", sti=f"/brev/{self.brev_sendt.pk}/")

    def _pdfer(self):
        from django.core.files.base import ContentFile

        from dokumenter.models import PdfDokument

        def pdf(brev):
            d = PdfDokument(kind="tildelingsbrev", object_id=brev.pk, variant="standard", status="klar",
                            bestilt=timezone.now(), filnavn=f"brev-{brev.pk}.pdf", storrelse=9)
            d.fil.save(f"test-tilgang-{brev.pk}.pdf", ContentFile(b"%PDF-1.7\n"), save=False)
            d.save()
            return d

        self.pdf_sendt = pdf(self.brev_sendt)
        self.pdf_utkast = pdf(self.brev_utkast)


def _url_navn(resolver=None, prefix="") -> list[tuple[str, URLPattern]]:
    resolver = resolver or get_resolver()
    found = []
    for p in resolver.url_patterns:
        if isinstance(p, URLResolver):
            ns = p.namespace
            if ns in UTENFOR or (p.app_name in UTENFOR):
                continue
            found += _url_navn(p, f"{prefix}{ns}:" if ns else prefix)
        else:
            found.append((f"{prefix}{p.name}" if p.name else str(p.pattern), p))
    return found


def test_hver_url_har_en_tilgangsspesifikasjon():
    mangler = [navn for navn, _ in _url_navn() if navn not in SPEK and navn not in UTEN_NAVN_OK]
    assert mangler == [], f"Visninger uten tilgangsspesifikasjon i tests/test_tilgangsmatrise.py: {mangler}"


def _alle_tilfeller():
    for navn, spek in SPEK.items():
        for t in spek.tilfeller:
            yield pytest.param(navn, t, id=f"{navn}[{t.navn}]" if t.navn else navn)


@pytest.fixture(scope="module")
def verden(django_db_setup, django_db_blocker, tmp_path_factory):
    """One world per module (per pytest-xdist worker): building it costs seconds, and every case
    below rolls back what its request changed, so each test and each role starts from it as built.
    Every role logs in once here; each case then sends that session's cookie."""
    from tests.conftest import delt_verden

    with delt_verden(django_db_blocker, MEDIA_ROOT=tmp_path_factory.mktemp("tilgang")):
        w = Verden()
        w.okter = {}
        for rolle, user in w.users.items():
            client = Client()
            client.force_login(user)
            w.okter[rolle] = client.cookies[settings.SESSION_COOKIE_NAME].value
        w.fingeravtrykk = _fingeravtrykk()
        yield w


def _klient(verden, rolle: str, **kw) -> Client:
    """A client with ``rolle``'s session from the world (anonymous: none)."""
    client = Client(**kw)
    if rolle != "anonym":
        client.cookies[settings.SESSION_COOKIE_NAME] = verden.okter[rolle]
    return client


def _svar(client, url, t: Tilfelle, w):
    from django.urls import reverse

    data = t.query(w) if t.query else {}
    if t.metode == "post":
        body = t.data(w) if t.data else {}
        return client.post(reverse(url, kwargs=t.kwargs(w)), {**data, **body})
    return client.get(reverse(url, kwargs=t.kwargs(w)), data)


def _versjon(objekt, felter) -> str:
    """The signed version an edit form carries (styring.konflikt), as the page renders it."""
    from kjerne.konflikt import signer

    return signer(type(objekt).objects.get(pk=objekt.pk), felter)


def _autolagring(rapport) -> dict:
    """What static/js/rik_tekst.js posts for the report's first part, with the version as the page holds it."""
    del_ = rapport.deler.order_by("rekkefolge").first()
    return {"kode": del_.kode, "tekst": "<p>Autolagret.</p>", "versjon": _versjon(del_, ("tekst",))}


def _leveranse_data() -> dict:
    from django.core.files.uploadedfile import SimpleUploadedFile

    pdf = b"%PDF-1.4\n1 0 obj<</Type/Catalog>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n"
    return {"leveranse-tittel": "Delrapport", "leveranse-type": "rapport",
            "leveranse-fil": SimpleUploadedFile("delrapport.pdf", pdf, content_type="application/pdf")}


# Tables whose rows change with a login or a request by design, not by what the view does.
_UTENFOR_FINGERAVTRYKK = {"django_session", "axes_accessattempt", "axes_accesslog", "axes_accessfailurelog"}


def _fingeravtrykk() -> tuple:
    """Row counts of every table of every installed model (history tables included, so every
    save through the ORM shows), in one query."""
    from django.apps import apps
    from django.db import connection

    tabeller = sorted({m._meta.db_table for m in apps.get_models(include_auto_created=True)
                       if m._meta.managed and not m._meta.proxy} - _UTENFOR_FINGERAVTRYKK)
    sql = "SELECT " + ", ".join(f"(SELECT COUNT(*) FROM {connection.ops.quote_name(t)})" for t in tabeller)
    with connection.cursor() as cur:
        cur.execute(sql)
        return tuple(zip(tabeller, cur.fetchone(), strict=True))


def _endringer_i_alt() -> int | None:
    """Rows inserted, updated or deleted on this connection so far: SQLite counts them itself
    (``total_changes()``), so a request that wrote nothing needs no row count after it. None where
    the database has no such counter: then the counts are always taken."""
    from django.db import connection

    if connection.vendor != "sqlite":
        return None
    with connection.cursor() as cur:
        cur.execute("SELECT total_changes()")
        return cur.fetchone()[0]


def _forskjell(for_: tuple, etter: tuple) -> str:
    return ", ".join(f"{t}: {a} → {b}" for (t, a), (_, b) in zip(for_, etter, strict=True) if a != b)


def _sjekk(url, tilfelle, verden, roller=ROLLER) -> list[str]:
    feil = []
    for rolle in roller:
        client = _klient(verden, rolle)
        # Each role starts from the same world: what one role's request changed is rolled back, so
        # the row counts before every request are those taken once when the world was built.
        with transaction.atomic():
            for_ = verden.fingeravtrykk
            endringer = _endringer_i_alt()
            r = _svar(client, url, tilfelle, verden)
            etter = for_ if endringer is not None and _endringer_i_alt() == endringer else _fingeravtrykk()
            virket = (tilfelle.virkning(verden, rolle) if tilfelle.virkning and rolle != "anonym" else None)
            transaction.set_rollback(True)
        sted = f"{url} [{tilfelle.navn}] som {rolle}"
        endret = _forskjell(for_, etter)
        tillatt = rolle in tilfelle.tillatt and (rolle != "anonym" or tilfelle.anonym_ok)
        if rolle == "anonym" and not tilfelle.anonym_ok:
            if not (r.status_code == 302 and "/logg-inn/" in r["Location"]):
                feil.append(f"{sted}: {r.status_code}, ikke sendt til innlogging")
        elif tillatt:
            if r.status_code not in (200, 204, 302):
                feil.append(f"{sted}: skulle vært tillatt, fikk {r.status_code}")
            elif r.status_code == 302 and not tilfelle.til_innlogging_ok and "/logg-inn/" in r["Location"]:
                feil.append(f"{sted}: sendt til innlogging")
            elif tilfelle.metode == "post" and not tilfelle.endrer_ingenting and not endret:
                feil.append(f"{sted}: tillatt, men ingenting ble endret ({r.status_code})")
            elif virket is False:
                feil.append(f"{sted}: tillatt, men endringen som skulle skje, skjedde ikke")
        elif r.status_code not in (403, 404):
            feil.append(f"{sted}: skulle vært nektet, fikk {r.status_code}")
        if (not tillatt or tilfelle.metode == "get") and endret:
            feil.append(f"{sted}: {'nektet' if not tillatt else 'GET'}, men databasen ble endret: {endret}")
    return feil


@pytest.mark.parametrize("rolle", ROLLER)
def test_tilgang(verden, rolle):
    """One world, every URL case, one role per test (so pytest-xdist can share the roles out)."""
    feil = []
    for param in _alle_tilfeller():
        url, tilfelle = param.values
        feil += _sjekk(url, tilfelle, verden, roller=[rolle])
    assert feil == [], "\n".join(feil)


def test_hver_visning_krever_csrf_for_post(verden):
    """Every view in the URLconf, not only those listed as state-changing: a POST without a CSRF
    token is refused with 403 and changes nothing, for a role allowed to use the view."""
    from django.urls import reverse

    feil = []
    for param in _alle_tilfeller():
        url, tilfelle = param.values
        roller = sorted(tilfelle.tillatt - {"anonym"})
        if not roller:
            continue
        client = _klient(verden, roller[0], enforce_csrf_checks=True)
        body = {**(tilfelle.query(verden) if tilfelle.query else {}),
                **(tilfelle.data(verden) if tilfelle.data else {})}
        with transaction.atomic():
            r = client.post(reverse(url, kwargs=tilfelle.kwargs(verden)), body)
            endret = _forskjell(verden.fingeravtrykk, _fingeravtrykk())
            transaction.set_rollback(True)
        if r.status_code != 403 or endret:
            feil.append(f"{url} [{tilfelle.navn}]: POST uten CSRF-token som {roller[0]} ga {r.status_code}"
                        + (f", endret {endret}" if endret else ""))
    assert feil == [], "\n".join(feil)


def _endrende():
    for navn, spek in SPEK.items():
        if spek.endrer:
            t = spek.tilfeller[0]
            yield pytest.param(navn, t, id=navn)


def test_csrf_kreves_for_endringer(verden):
    from django.urls import reverse

    feil = []
    for param in _endrende():
        url, tilfelle = param.values
        rolle = sorted(tilfelle.tillatt - {"anonym"})[0]
        client = _klient(verden, rolle, enforce_csrf_checks=True)
        body = {**(tilfelle.query(verden) if tilfelle.query else {}),
                **(tilfelle.data(verden) if tilfelle.data else {})}
        with transaction.atomic():
            r = client.post(reverse(url, kwargs=tilfelle.kwargs(verden)), body)
            transaction.set_rollback(True)
        if r.status_code != 403:
            feil.append(f"{url}: POST uten CSRF-token som {rolle} ga {r.status_code}")
    assert feil == [], "\n".join(feil)
