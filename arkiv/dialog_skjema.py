"""The schema of the styringsdialog archive (docs/arkivformat.md, «Styringsdialogen for et år»): one
agency's meetings, shared risk assessments, Riksrevisjonen follow-up and fellesføringer for a year.

The same strict check as the letter's (arkiv/skjema.py): unknown keys, wrong types and missing keys
are named with their JSON path; keys marked with _opt() may be absent. A reference the portal cannot
resolve is named by the import (arkiv/dialog_innlesing.py)."""

from __future__ import annotations

import re
from datetime import datetime

from django.utils.dateparse import parse_datetime

from .skjema import _opt

FORMAT = "styringsportalen.styringsdialog"
#: The version the export writes; the import reads only the versions it knows.
VERSJON = 1
KJENTE_VERSJONER = (1,)

# A person: every username the file names is listed once under "personer".
PERSON = {"brukernavn": "str", "navn": "str", "epost": "str", "organisasjon": "str?"}
# A measure against a risk or after a remark (kjerne.tiltak.Tiltak).
TILTAK = {"tekst": "str", "ansvarlig": "str?", "frist": "date?", "status": "str"}

DELTAKER = {"side": "str", "bruker": "str?", "navn": "str", "stilling": "str"}
# An agenda item; "punkt" (an oppfølgingspunkt of an earlier meeting) only when it names one.
SAK = _opt({"kilde": "str", "tittel": "str", "beskrivelse": "str", "oppdrag": "str?", "side": "str",
            "foreslatt_av": "str?", "foreslatt": "str", "punkt": {"mote_dato": "date", "mote_tittel": "str", "nummer": "int"}}, "punkt")
DOKUMENT = {"tittel": "str", "fil": "str", "storrelse": "int", "lastet_opp": "str", "lastet_opp_av": "str?"}
MERKNAD_TIL_REFERAT = {"tekst": "str", "skrevet": "str", "skrevet_av": "str"}
REFERAT = {"status": "str", "tekst": "str", "sendt": "str", "sendt_av": "str?",
           "godkjent_departement": "str?", "godkjent_departement_av": "str?",
           "godkjent_virksomhet": "str?", "godkjent_virksomhet_av": "str?",
           "merknader": [MERKNAD_TIL_REFERAT]}
PUNKTOPPDATERING = {"status": "str", "tekst": "str", "skrevet": "str", "skrevet_av": "str"}
VEDTAK = {"nummer": "int", "art": "str", "tittel": "str", "tekst": "str", "ansvarlig": "str?", "frist": "date?",
          "status": "str", "oppdrag": "str?", "oppfolging": [PUNKTOPPDATERING]}
MOTE = _opt({"type": "str", "tittel": "str", "dato": "date", "klokkeslett": "str?", "sted": "str",
             "dagsorden_frist": "date?", "kalenderpunkt": {"tittel": "str", "dato": "date?"},
             "grunnlag": {"type": "str", "aar": "int"}, "deltakere": [DELTAKER], "dagsorden": [SAK],
             "dokumenter": [DOKUMENT], "referat": REFERAT, "vedtak": [VEDTAK]},
            "kalenderpunkt", "grunnlag", "referat", "dokumenter")

RISIKO = _opt({"nummer": "int", "tittel": "str", "beskrivelse": "str", "maal": "nr?", "oppdrag": "str?",
               "sannsynlighet": "int", "konsekvens": "int", "rest_sannsynlighet": "int", "rest_konsekvens": "int",
               "akseptabel": "bool", "begrunnelse": "str", "tiltak": [TILTAK],
               "forrige": {"aar": "int", "periode": "str", "nummer": "int"}}, "forrige")
RISIKOVURDERING = {"periode": "str", "gjelder_per": "date", "departement": "str", "sammendrag": "str",
                   "delt": "str", "delt_av": "str?", "risikoer": [RISIKO]}

MERKNAD = {"kilde": "str", "dato": "date", "revidert_aar": "int?", "referanse": "str", "tittel": "str",
           "tekst": "str", "alvorlighet": "str"}
SVARBREV = {"tittel": "str", "datert": "date", "fil": "str", "storrelse": "int", "lastet_opp": "str",
            "lastet_opp_av": "str?"}
RIKSREVISJONEN = {"merknad": MERKNAD, "departement": "str", "status": "str", "lukket": "date?",
                  "lukket_begrunnelse": "str", "tiltak": [TILTAK], "svarbrev": [SVARBREV]}

# A fellesføring of the letter by its stable key, with the årsrapport's answer (null while the
# årsrapport is not sent) and one number per tallfelt.
TALLSVAR = {"nokkel": "str", "navn": "str", "enhet": "str", "verdi": "dec?"}
FELLESFORING = {"nokkel": "str", "tittel": "str", "svar": "str?", "tall": [TALLSVAR]}

ROOT = _opt({"format": "str", "versjon": "int", "virksomhet": "str", "departement": "str", "aar": "int",
             "personer": [PERSON], "moter": [MOTE], "risikovurderinger": [RISIKOVURDERING],
             "riksrevisjonen": [RIKSREVISJONEN], "fellesforinger": [FELLESFORING]},
            "personer", "moter", "risikovurderinger", "riksrevisjonen", "fellesforinger")


def tidspunkt(verdi: str) -> datetime | None:
    """An ISO 8601 date and time with offset (as the export writes it), else None."""
    try:
        tid = parse_datetime(verdi)
    except ValueError:
        return None
    return tid if tid is not None and tid.tzinfo is not None else None


def tid_iso(tid: datetime | None) -> str | None:
    return tid.isoformat() if tid else None


KLOKKESLETT = re.compile(r"([01]\d|2[0-3]):[0-5]\d")
