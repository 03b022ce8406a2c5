"""The archive format's schema (docs/arkivformat.md) and the strict check of a file against it:
unknown keys, wrong types and amounts that are not whole kroner are named with their path."""

from __future__ import annotations

import json
import math
import re
from datetime import date
from typing import Any

FORMAT = "styringsportalen.tildelingsbrev"
#: The version the export writes. 2: the letter's sent tillegg under "tillegg" (each with the oppdrag
#: it gives, the frister it changes and its budget changes), and no longer among the letter's own.
VERSJON = 2
#: Versions the import reads. A version-1 file has no "tillegg": what a tillegg gave is read as the
#: letter's own (that is how the version-1 export wrote it).
KJENTE_VERSJONER = (1, 2)


class ArkivFeil(Exception):
    """The file cannot be imported; ``feil`` lists every problem as 'path: message'."""

    def __init__(self, feil: list[str]):
        self.feil = feil
        super().__init__("\n".join(feil))


# --- schema -------------------------------------------------------------------------------------
# A field spec is a type name ("str", "int", "kr", "bool", "date", "dec"), optionally ending in "?"
# for null, or a dict (object) / [dict] (list of objects). Keys are required unless marked with _opt().

_OPT = "__valgfri__"


def _opt(schema: dict, *keys: str) -> dict:
    """Mark keys of an object schema as optional (they may be absent; never unknown)."""
    return {**schema, _OPT: frozenset(keys)}


_FRIST_FIELDS = {"tekst": "str", "dato": "date?", "form": "str", "fra_dato": "date?", "opprinnelig_dato": "date?",
                 "del": "str", "etikett": "str", "rolle": "str", "intervall_mnd": "int?", "gjentas_til": "date?",
                 "rapport_type": "str", "rapport_aar": "int?", "uke": "int?"}
# A frist may come in the reference transcriptions' short form {tekst, dato}: the rest is derived.
_FRIST_DERIVED = ("dato", "form", "fra_dato", "opprinnelig_dato", "del", "etikett", "rolle", "intervall_mnd", "gjentas_til",
                  "rapport_type", "rapport_aar", "uke")
FRIST = _opt({**_FRIST_FIELDS, "ny_rytme_fra": "date?", "ny_rytme_intervall_mnd": "int?"}, *_FRIST_DERIVED,
             "ny_rytme_fra", "ny_rytme_intervall_mnd")
# A milepæl may have no frist: "tekst" empty or absent.
MILEPAEL = _opt({"tittel": "str", **_FRIST_FIELDS}, "tekst", *_FRIST_DERIVED)
FINANSIERING = {"tekst": "str", "belop_kr": "kr?", "kapittel": "int?", "post": "int?"}
OPPDRAG = _opt({
    "nummer": "str", "tittel": "str", "maal": "nr?", "ny_i_aar": "bool", "gitt_aar": "int", "fou": "bool",
    "fou_type": "str", "frister": [FRIST], "finansiering": [FINANSIERING], "start": "date?", "start_tekst": "str",
    "bakgrunn": "str", "beskrivelse": "str", "formaal": "str", "rapportering": "str", "i_aarsrapport": "bool",
    "i_halvaarsrapport": "bool", "rapporteringskriterier": "str", "finansiering_tekst": "str", "frist_tekst": "str",
    "tilleggsinformasjon": "str", "milepaeler": [MILEPAEL], "hovedansvar": "str?", "delt_med": ["str"],
    "jf_oppdrag": ["str"], "opprinnelig_tittel": "str", "gitt_av": "str?", "samarbeidspartnere": ["str"],
}, "gitt_av", "samarbeidspartnere", "gitt_aar", "fou_type", "finansiering", "start", "start_tekst", "bakgrunn", "beskrivelse", "formaal",
    "rapportering", "i_aarsrapport", "i_halvaarsrapport", "rapporteringskriterier", "finansiering_tekst",
    "frist_tekst", "tilleggsinformasjon", "milepaeler", "hovedansvar", "delt_med", "jf_oppdrag", "opprinnelig_tittel")
MAALEVERDI = {"periode": "str", "dato": "date?", "verdi": "dec?", "enhet": "str", "tekst": "str"}
RESULTATKRAV = {"verdi": "dec?", "enhet": "str", "tekst": "str"}
TALLFELT = _opt({"nokkel": "str", "navn": "str", "enhet": "str", "grunnlag_verdi": "dec?", "grunnlag_tekst": "str",
                 "grunnlag_fra_aar": "int?", "grunnlag_til_aar": "int?"},
                "nokkel", "grunnlag_verdi", "grunnlag_tekst", "grunnlag_fra_aar", "grunnlag_til_aar")
SP = _opt({"kode": "str", "tekst": "str", "i_aarsrapport": "bool", "i_halvaarsrapport": "bool", "formaal": "str",
           "maaleutgangspunkt": "str", "nokkeltall": "str", "maaleverdier": [MAALEVERDI],
           "resultatkrav": [RESULTATKRAV]},
          "i_aarsrapport", "i_halvaarsrapport", "formaal", "maaleutgangspunkt", "nokkeltall", "maaleverdier",
          "resultatkrav")
# A mål's number is text as the letter writes it ("1", "3.1", "Hovedmål 2"); version 1 wrote an integer,
# which is still read ("nr": text or integer, read as text).
MAAL = _opt({"nummer": "nr", "tittel": "str", "tekst": "str", "overskrift_nye_oppdrag": "str",
             "overskrift_tidligere_oppdrag": "str", "styringsparametere": [SP], "omraade": "str"},
            "tekst", "overskrift_nye_oppdrag", "overskrift_tidligere_oppdrag", "omraade")
# (Older letters) a målområde ("3 Integrering"), or with "maal" a delområde inside that mål ("3.2.1").
MAALOMRAADE = _opt({"nummer": "str", "tittel": "str", "tekst": "str", "overordnet": "str?", "maal": "nr?"},
                   "tekst", "overordnet", "maal")
BINDING = _opt({"tekst": "str", "belop_kr": "kr?", "belop_til_kr": "kr?", "oppdrag": "str?", "kategori": "str"},
               "kategori", "belop_til_kr")
FORDELING = {"tekst": "str", "belop_kr": "kr"}
TILSKUDD = _opt({"mottaker": "str", "belop_kr": "kr", "fordeling": "int?"}, "fordeling")
POST = _opt({"kapittel": "int", "post": "int", "betegnelse": "str", "tildelt_kr": "kr?", "tildelt_tekst": "str",
             "bevilget_kr": "kr?",
             "andel_kr": "kr?", "kan_overfores": "bool", "overslagsbevilgning": "bool", "overskrift": "str",
             "tekst": "str", "bindinger": [BINDING], "fordeling": [FORDELING], "tilskudd": [TILSKUDD],
             "typed_sum_kr": "kr?", "sum_rad_uten_belop": "bool"},
            "kan_overfores", "overslagsbevilgning", "overskrift", "tekst", "fordeling", "tilskudd", "sum_rad_uten_belop",
            "tildelt_tekst")
KAPITTEL = _opt({"kapittel": "int", "betegnelse": "str", "enhet_i_brevet": "str", "tekst": "str",
                 "typed_sum_kr": "kr?", "sum_rad_uten_belop": "bool", "computed_sum_kr": "kr"},
                "betegnelse", "enhet_i_brevet", "tekst", "computed_sum_kr", "sum_rad_uten_belop")
RAPPORTERING = _opt({"type": "str", "rapport_type": "str", "rapport_aar": "int", "telletidspunkt": "date",
                     "frist": "date"}, "rapport_type", "rapport_aar")
ORGANISASJON = {"kortnavn": "str", "navn": "str", "type": "str"}
AVSNITT = {"nummer": "str", "tittel": "str", "tekst": "str"}
# A frist a tillegg states for an oppdrag given before it (in the letter or an earlier tillegg).
TILLEGG_FRIST = _opt({"oppdrag": "str", **{k: v for k, v in FRIST.items() if k != _OPT}}, *FRIST[_OPT])
BUDSJETTENDRING = {"kapittel": "int", "post": "int", "endring_kr": "int", "tekst": "str"}
# A sent tillegg (version 2): drafts never leave the portal, so every tillegg in a file is sent.
TILLEGG = _opt({"nummer": "int", "dato": "date?", "var_ref": "str?", "tittel": "str", "tekst": "str",
                "kapitler": [AVSNITT], "oppdrag": [OPPDRAG], "frister": [TILLEGG_FRIST],
                "budsjettendringer": [BUDSJETTENDRING]},
               "dato", "var_ref", "tittel", "tekst", "kapitler", "oppdrag", "frister", "budsjettendringer")
ROOT = _opt({
    "format": "str", "versjon": "int", "virksomhet": "str", "departement": "str", "aar": "int", "dato": "date?",
    "var_ref": "str?", "tittel": "str", "status": "str", "organisasjoner": [ORGANISASJON],
    "brevhode": {"avdeling": "str", "saksbehandler": "str", "mottaker_adresse": "str"},
    "kapitler": [AVSNITT],
    "maal": [MAAL],
    "maalomraader": [MAALOMRAADE],
    # In the letter's order; "styringsparametere" (optional): the codes of the SP the requirement names.
    "rapporteringskrav": [_opt({"kode": "str", "tekst": "str", "maal": "nr?", "frekvens": "str", "frekvens_tekst": "str",
                                "styringsparametere": ["str"]}, "styringsparametere")],
    "oppdrag": [OPPDRAG],
    "tillegg": [TILLEGG],
    "budsjett": [POST],
    "kapittel_sum": [KAPITTEL],
    "rapportering": [RAPPORTERING],
    "kalender": [{"type": "str", "tittel": "str", "dato": "date?", "tidspunkt_tekst": "str", "beskrivelse": "str"}],
    # "nokkel" and "tallfelt" (the numbers asked for in the årsrapport) are optional: files written
    # before them import with the key derived from the title and no numbers.
    "fellesforinger": [_opt({"tittel": "str", "tekst": "str", "rapportering": "str", "nokkel": "str",
                             "tallfelt": [TALLFELT]}, "nokkel", "tallfelt")],
    "plikter": [_opt({"beskrivelse": "str", "kilde": "str", **_FRIST_FIELDS}, *_FRIST_DERIVED)],
    "vedlegg": [{"nummer": "int", "tittel": "str", "tekst": "str"}],
    "signaturer": [{"navn": "str", "tittel": "str", "ef": "bool"}],
    "elektronisk_signert_tekst": "str",
    "kopi_til": ["str"],
    "risikodefinisjoner": {"rod": "str", "gul": "str", "gronn": "str"},
    "konsistens": [dict],
    "kvitteringer": [{"nokkel": "str", "melding": "str", "grunn": "str", "kvittert_av": "str?", "kvittert": "str"}],
}, "format", "versjon", "dato", "var_ref", "tittel", "status", "organisasjoner", "brevhode", "kapitler",
    "maalomraader", "rapporteringskrav", "kapittel_sum", "rapportering", "kalender", "fellesforinger", "plikter", "vedlegg",
    "signaturer", "elektronisk_signert_tekst", "kopi_til", "risikodefinisjoner", "konsistens", "kvitteringer",
    "tillegg")

_TYPE_NAVN = {"str": "tekst", "int": "et heltall", "kr": "et helt kronebeløp (heltall ≥ 0)", "bool": "true eller false",
              "date": "en dato (ÅÅÅÅ-MM-DD)", "dec": "et tall",
              "nr": "et nummer (tekst som «3.1», eller et heltall)"}


def _validate(value: Any, spec: Any, path: str, errors: list[str]) -> None:
    if isinstance(spec, list):
        if not isinstance(value, list):
            errors.append(f"{path}: skal være en liste.")
            return
        for i, item in enumerate(value):
            _validate(item, spec[0], f"{path}[{i}]", errors)
        return
    if spec is dict:
        if not isinstance(value, dict):
            errors.append(f"{path}: skal være et objekt.")
        return
    if isinstance(spec, dict):
        if not isinstance(value, dict):
            errors.append(f"{path}: skal være et objekt.")
            return
        optional = spec.get(_OPT, frozenset())
        for key in value:
            if key not in spec or key == _OPT:
                errors.append(f"{path + '.' if path else ''}{key}: ukjent felt.")
        for key, sub in spec.items():
            if key == _OPT:
                continue
            where = f"{path + '.' if path else ''}{key}"
            if key not in value:
                if key not in optional:
                    errors.append(f"{where}: mangler.")
                continue
            _validate(value[key], sub, where, errors)
        return
    nullable = spec.endswith("?")
    kind = spec.rstrip("?")
    if isinstance(value, str) and "\x00" in value:
        # PostgreSQL cannot store a NUL character in text; SQLite would, so refuse it everywhere.
        errors.append(f"{path}: teksten inneholder et NUL-tegn (\\u0000), som ikke kan lagres.")
        return
    if value is None:
        if not nullable:
            errors.append(f"{path}: kan ikke være tom (null); skal være {_TYPE_NAVN[kind]}.")
        return
    ok = {
        "str": lambda v: isinstance(v, str),
        "int": lambda v: isinstance(v, int) and not isinstance(v, bool),
        "nr": lambda v: (isinstance(v, str) and bool(v.strip())) or (isinstance(v, int) and not isinstance(v, bool)),
        "kr": lambda v: isinstance(v, int) and not isinstance(v, bool) and v >= 0,
        "bool": lambda v: isinstance(v, bool),
        "date": lambda v: isinstance(v, str) and _parse_date(v) is not None,
        "dec": lambda v: isinstance(v, (int, float, str)) and not isinstance(v, bool) and _is_number(v),
    }[kind](value)
    if not ok:
        shown = value if isinstance(value, str) else repr(value)
        if kind == "kr" and isinstance(value, int) and value < 0:
            errors.append(f"{path}: beløpet kan ikke være negativt ({value}).")
        else:
            errors.append(f"{path}: «{shown}» er ikke {_TYPE_NAVN[kind]}.")


def sjekk_versjon(data: dict, errors: list[str]) -> None:
    """A version the portal does not know is refused; version 1 has no tillegg."""
    versjon = data.get("versjon", VERSJON)
    if not isinstance(versjon, int) or isinstance(versjon, bool):
        return  # named by the type check
    if versjon not in KJENTE_VERSJONER:
        kjente = " og ".join(str(v) for v in KJENTE_VERSJONER)
        errors.append(f"versjon: filen har versjon {versjon} av arkivformatet, som denne portalen ikke kjenner; "
                      f"den leser versjon {kjente}.")
    elif versjon == 1 and "tillegg" in data:
        errors.append("tillegg: finnes ikke i versjon 1 av arkivformatet (tillegg kom med versjon 2). "
                      "Sett «versjon» til 2.")


def _parse_date(v: str) -> date | None:
    if not re.fullmatch(r"\d{4}-\d{2}-\d{2}", v):
        return None
    try:
        return date.fromisoformat(v)
    except ValueError:
        return None


def _is_number(v) -> bool:
    """A finite number: "NaN", "Infinity" and 1e999 are not numbers a letter can state."""
    try:
        return math.isfinite(float(str(v)))
    except (ValueError, OverflowError):
        return False


#: Deepest nesting the format has is about six levels; anything far deeper is not an archive file
#: (and would exhaust Python's recursion in the checks).
MAKS_DYBDE = 32


def for_dyp(data: Any) -> bool:
    """Whether data nests deeper than MAKS_DYBDE, checked without recursion."""
    stack = [(data, 1)]
    while stack:
        value, depth = stack.pop()
        if depth > MAKS_DYBDE:
            return True
        if isinstance(value, dict):
            stack.extend((v, depth + 1) for v in value.values())
        elif isinstance(value, list):
            stack.extend((v, depth + 1) for v in value)
    return False


def _ingen_konstant(name: str):
    raise ValueError(name)


def les_json(raw: bytes | str) -> Any:
    """Parse an archive file; anything that is not plain UTF-8 JSON is refused with a Norwegian message."""
    if isinstance(raw, bytes):
        try:
            raw = raw.decode("utf-8")
        except UnicodeDecodeError as exc:
            raise ArkivFeil([f"Filen er ikke UTF-8-tekst (ugyldig byte ved posisjon {exc.start}). "
                             "Lagre den som UTF-8 og prøv igjen."]) from None
    raw = raw.removeprefix("\ufeff")
    try:
        data = json.loads(raw, parse_constant=_ingen_konstant)
    except json.JSONDecodeError as exc:
        raise ArkivFeil([f"Filen er ikke gyldig JSON: {exc.msg} (linje {exc.lineno}, kolonne {exc.colno})."]) from None
    except ValueError as exc:  # NaN, Infinity, -Infinity
        raise ArkivFeil([f"Filen inneholder «{exc}», som ikke er et tall i JSON. Skriv tallet, eller null."]) from None
    except RecursionError:
        raise ArkivFeil([f"Filen er nøstet for dypt (mer enn {MAKS_DYBDE} nivåer) til å være et tildelingsbrev."]) from None
    if for_dyp(data):
        raise ArkivFeil([f"Filen er nøstet for dypt (mer enn {MAKS_DYBDE} nivåer) til å være et tildelingsbrev."])
    return data


def _d(v: str | None) -> date | None:
    return date.fromisoformat(v) if v else None


def _iso(d: date | None) -> str | None:
    return d.isoformat() if d else None
