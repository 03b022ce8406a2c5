"""Reading a letter from the archive format into the database, in one transaction: any problem
is refused with a message naming the field, and nothing is saved."""

from __future__ import annotations

import itertools
import re
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from budsjett.models import (
    Budsjettbinding,
    Budsjettendring,
    Budsjettkapittel,
    Budsjettpost,
    Finansiering,
    Fordeling,
    Tilskudd,
)
from kjerne.belop import format_kroner
from kjerne.historikk import acting_user
from kjerne.tallgrenser import kolonnegrense
from kjerne.tekst import avsnitt_i
from moter.services import moter_fra_kalender
from oppdrag.models import FoU, Frist, Milepael, Oppdrag, Risikodefinisjon, Samarbeidspartner, Tittelvariant
from oppdrag.services import apply_frist_text
from styring.models import (
    Brevavsnitt,
    Fellesforing,
    Maal,
    Maaleverdi,
    Maalgruppe,
    Moete,
    Organisasjon,
    Plikt,
    Rapporteringskrav,
    Rapporteringspunkt,
    RapportType,
    Resultatkrav,
    Signatur,
    Styringsparameter,
    Tallfelt,
    Tildelingsbrev,
    Tillegg,
    Vedlegg,
    maal_navn,
    stabil_nokkel,
)

from .skjema import FORMAT, MAKS_DYBDE, ROOT, ArkivFeil, _d, _validate, for_dyp, sjekk_versjon

_RAPPORT_ORD = (("halvår", RapportType.HALVAARSRAPPORT), ("årsrapport", RapportType.AARSRAPPORT))


def _rapport_type(tekst: str) -> str:
    low = tekst.lower()
    for word, kind in _RAPPORT_ORD:
        if word in low:
            return kind
    return RapportType.ANNET


def _full_clean(obj, path: str, errors: list[str], exclude: list[str] | None = None, *, bare_felt: bool = False
                ) -> bool:
    """Django's model checks (max_length as on PostgreSQL, choices, validators) plus every number
    column's range as PostgreSQL holds it (kjerne/tallgrenser.py; SQLite alone would take any value)."""
    ok = True
    try:
        # Constraints are not validated here: Django asks the database once per constraint and row
        # (about half the time of a large import); _lagre lets the database check them on save.
        if bare_felt:  # the fields alone, before the row's relations exist (no model clean())
            obj.clean_fields(exclude=exclude)
        else:
            obj.full_clean(exclude=exclude, validate_unique=False, validate_constraints=False)
    except ValidationError as exc:
        for field, messages in exc.message_dict.items():
            for m in messages:
                errors.append(f"{path}{'.' + field if field != '__all__' else ''}: {m}")
        ok = False
    for felt in obj._meta.concrete_fields:
        grense = kolonnegrense(felt)
        if grense is None:
            continue
        try:
            grense(getattr(obj, felt.attname))
        except ValidationError as exc:
            errors.append(f"{path}.{felt.name}: {exc.messages[0]}")
            ok = False
    return ok


def _lagre(obj, path: str, errors: list[str], exclude: list[str] | None = None) -> bool:
    """Check and save; on any problem the object is left unsaved and the problem listed. A row the
    database refuses by a constraint is named with its path and the constraint's own message."""
    if not _full_clean(obj, path, errors, exclude=exclude):
        return False
    try:
        with transaction.atomic():
            obj.save()
    except IntegrityError as exc:
        tekst = str(exc)
        treff = [c for c in obj._meta.constraints if c.name in tekst]
        if treff and treff[0].violation_error_message != treff[0].default_violation_error_message:
            errors.append(f"{path}: {treff[0].get_violation_error_message()}")
        elif treff:  # Django's default would be «Begrensning "navn" er brutt»
            errors.append(f"{path}: feltene passer ikke sammen (regel {treff[0].name} i portalen).")
        else:
            errors.append(f"{path}: {obj._meta.verbose_name} står to ganger eller finnes allerede.")
        obj.pk = None
        return False
    return True


def _tall(v):
    """A decimal from the file as the column gets it: from its text, so 0.1 stays 0.1 (not a float's digits)."""
    return None if v is None else Decimal(str(v))


def _frist_kwargs(data: dict) -> dict:
    """The structured frist fields the entry gives: all of them in the full format; in the short
    form {tekst, dato} only those it adds (a changed frist's ``opprinnelig_dato``, say)."""
    mapping = {"del": "del_betegnelse"}
    out = {}
    for key in ("form", "fra_dato", "opprinnelig_dato", "del", "etikett", "rolle", "intervall_mnd", "gjentas_til",
                "rapport_type", "rapport_aar", "uke", "ny_rytme_fra", "ny_rytme_intervall_mnd"):
        if key in data:
            value = data[key]
            if key in ("fra_dato", "opprinnelig_dato", "gjentas_til", "ny_rytme_fra"):
                value = _d(value)
            out[mapping.get(key, key)] = value
    return out


def _fill_frist(obj, data: dict, *, aar: int, virksomhet_id: int, kontekst: str = "") -> None:
    obj.tekst = data["tekst"]
    if "form" not in data:
        # The short form: the rest is derived from the wording; a field the file gives too wins,
        # so that nothing the file states is lost.
        apply_frist_text(obj, aar=aar, virksomhet_id=virksomhet_id, kontekst=kontekst, dato=_d(data.get("dato")))
    for key, value in _frist_kwargs(data).items():
        setattr(obj, key, value if value is not None or key not in ("del_betegnelse", "etikett", "rolle",
                                                                      "rapport_type", "form") else "")
    if "form" in data:
        obj.dato = _d(data.get("dato"))


def _org(kortnavn: str, known: dict, type_: str | None = None) -> Organisasjon:
    """An organisation of the portal; one not yet there has been allowed by _sjekk_organisasjoner."""
    org = Organisasjon.objects.filter(kortnavn=kortnavn).first()
    if org:
        return org
    info = known.get(kortnavn, {})
    org = Organisasjon(kortnavn=kortnavn, navn=info.get("navn", kortnavn),
                       type=info.get("type", type_ or Organisasjon.Type.VIRKSOMHET))
    org.full_clean(validate_unique=False)
    org.save()
    return org


def _alle_oppdrag(data: dict) -> list[tuple[str, dict]]:
    """Every oppdrag in the file with its JSON path: the letter's own, then those its tillegg give."""
    alle = [(f"oppdrag[{i}]", od) for i, od in enumerate(data["oppdrag"])]
    for i, t in enumerate(data.get("tillegg", [])):
        alle += [(f"tillegg[{i}].oppdrag[{j}]", od) for j, od in enumerate(t.get("oppdrag", []))]
    return alle


def _org_referanser(data: dict) -> list[tuple[str, str, str]]:
    """Every organisation short name the file refers to: (path, kortnavn, default type)."""
    v, d = Organisasjon.Type.VIRKSOMHET, Organisasjon.Type.DEPARTEMENT
    refs = [("virksomhet", data["virksomhet"], v), ("departement", data["departement"], d)]
    refs += [(f"kopi_til[{i}]", k, Organisasjon.Type.OBSERVATOR) for i, k in enumerate(data.get("kopi_til", []))]
    for path, od in _alle_oppdrag(data):
        if od.get("hovedansvar"):
            refs.append((f"{path}.hovedansvar", od["hovedansvar"], v))
        refs += [(f"{path}.delt_med[{j}]", k, v) for j, k in enumerate(od.get("delt_med", []))]
        if od.get("gitt_av"):
            refs.append((f"{path}.gitt_av", od["gitt_av"], d))
    return refs


def _sjekk_organisasjoner(data: dict, opprett: bool, errors: list[str]) -> None:
    """An organisation the portal does not know is refused, unless the import is told to create it;
    then what it would be created as must be valid (short name length, type)."""
    known = {o["kortnavn"]: o for o in data.get("organisasjoner", [])}
    finnes = set(Organisasjon.objects.filter(kortnavn__in={k for _, k, _ in _org_referanser(data)})
                 .values_list("kortnavn", flat=True))
    meldt: set[str] = set()
    for path, kortnavn, type_ in _org_referanser(data):
        if kortnavn in finnes or kortnavn in meldt:
            continue
        meldt.add(kortnavn)
        if not opprett:
            errors.append(f"{path}: organisasjonen «{kortnavn}» finnes ikke i portalen. Opprett den først, "
                          "eller les inn med --opprett-organisasjon.")
            continue
        info = known.get(kortnavn, {})
        org = Organisasjon(kortnavn=kortnavn, navn=info.get("navn", kortnavn), type=info.get("type", type_))
        _full_clean(org, path, errors)


def _sjekk_oppdrag(data: dict, errors: list[str]) -> None:
    """Each oppdrag's own fields (lengths, ranges, choices) checked without the database, so that a
    large letter with a bad row far down is refused in seconds rather than after writing the rest."""
    unntatt = ["virksomhet", "tildelingsbrev", "maal", "hovedansvar", "departement"]
    for i, (path, od) in enumerate(_alle_oppdrag(data)):
        o = Oppdrag(nummer=od["nummer"], aar=od.get("gitt_aar") or data["aar"], rekkefolge=i,
                    tittel=od["tittel"] if od["ny_i_aar"] else od.get("opprinnelig_tittel") or od["tittel"],
                    fou=od.get("fou_type") if od.get("fou_type") in FoU.values else FoU.NEI,
                    i_aarsrapport=od.get("i_aarsrapport", False), i_halvaarsrapport=od.get("i_halvaarsrapport", False),
                    start=_d(od.get("start")),
                    **{k: od.get(k, "") for k in ("bakgrunn", "beskrivelse", "formaal", "rapportering",
                                                  "rapporteringskriterier", "start_tekst", "finansiering_tekst",
                                                  "frist_tekst", "tilleggsinformasjon")})
        _full_clean(o, path, errors, exclude=unntatt, bare_felt=True)
        for j, f in enumerate(od.get("finansiering", [])):
            _full_clean(Finansiering(tekst=f["tekst"], belop_kr=f["belop_kr"], kapittel=f["kapittel"], post=f["post"],
                                     aar=data["aar"], rekkefolge=j), f"{path}.finansiering[{j}]", errors, ["oppdrag"],
                        bare_felt=True)


def _sjekk_belop(data: dict, errors: list[str]) -> None:
    """Amounts that cannot stand together, named before anything is written: a range whose end is
    not above its start, a range without a start, a text instead of an amount beside an amount."""
    for i, p in enumerate(data["budsjett"]):
        if p.get("tildelt_tekst") and p["tildelt_kr"] is not None:
            errors.append(f"budsjett[{i}].tildelt_tekst: brukes bare når tabellen ikke har beløp (tildelt_kr er null).")
        for j, b in enumerate(p["bindinger"]):
            fra, til = b["belop_kr"], b.get("belop_til_kr")
            if til is None:
                continue
            path = f"budsjett[{i}].bindinger[{j}].belop_til_kr"
            if fra is None:
                errors.append(f"{path}: et beløpsintervall må ha et startbeløp i belop_kr.")
            elif til <= fra:
                errors.append(f"{path}: intervallet må slutte på et høyere beløp enn det starter på "
                              f"({format_kroner(fra)} til {format_kroner(til)}).")


def _duplikater(data: dict, errors: list[str]) -> None:
    """Numbers and codes that must be unique within the letter (the database's constraints), named
    before anything is written instead of as a raw constraint failure."""
    def unike(liste, path: str, nokkel, felt: str) -> None:
        sett: dict = {}
        for i, x in enumerate(liste):
            k = nokkel(x)
            if k in sett:
                errors.append(f"{path}[{i}].{felt}: finnes allerede ({path}[{sett[k]}]).")
            else:
                sett[k] = i

    unike(data.get("rapporteringskrav", []), "rapporteringskrav", lambda r: r["kode"], "kode")
    unike(data.get("vedlegg", []), "vedlegg", lambda v: v["nummer"], "nummer")
    unike(data.get("kapittel_sum", []), "kapittel_sum", lambda k: k["kapittel"], "kapittel")
    unike(data.get("rapportering", []), "rapportering",
          lambda r: (r.get("rapport_type") or _rapport_type(r["type"]),
                     r.get("rapport_aar") or (_d(r["telletidspunkt"]).year)), "type")
    for i, m in enumerate(data["maal"]):
        unike(m["styringsparametere"], f"maal[{i}].styringsparametere", lambda sp: sp["kode"], "kode")
    antall = (sum(len(od["frister"]) for _, od in _alle_oppdrag(data))
              + sum(len(t.get("frister", [])) for t in data.get("tillegg", [])))
    grense = kolonnegrense(Frist._meta.get_field("rekkefolge")).hoyst
    if antall > grense:
        errors.append(f"oppdrag: brevet har {antall} frister; ett brev kan ha høyst {grense} frister.")
    maal = {m["nummer"] for m in data["maal"]}
    # One number, one oppdrag: across the letter and its tillegg.
    nummer: dict[str, str] = {}
    for path, o in _alle_oppdrag(data):
        if o["nummer"] in nummer:
            errors.append(f"{path}.nummer: finnes allerede ({nummer[o['nummer']]}).")
        else:
            nummer[o["nummer"]] = path
        if o["maal"] is not None and o["maal"] not in maal:
            errors.append(f"{path}.maal: brevet har ikke mål {o['maal']}.")
    for i, r in enumerate(data.get("rapporteringskrav", [])):
        if r.get("maal") is not None and r["maal"] not in maal:
            errors.append(f"rapporteringskrav[{i}].maal: brevet har ikke mål {r['maal']}.")


def _sjekk_tillegg(data: dict, errors: list[str]) -> None:
    """The tillegg, checked before anything is written: only to a sent letter; numbers 1 or higher
    and unique; the oppdrag a tillegg gives are new; a frist it changes belongs to an oppdrag the
    file gives before it (in the letter or an earlier tillegg); a budget change is on a post of the
    letter and not 0 kroner."""
    alle = data.get("tillegg", [])
    if alle and data.get("status", "sendt") != "sendt":
        errors.append("tillegg: bare et sendt tildelingsbrev kan ha tillegg; dette brevet har status "
                      f"«{data.get('status')}».")
    gitt_i: dict[str, int | None] = {o["nummer"]: None for o in data["oppdrag"]}  # None: the letter itself
    for i, t in enumerate(alle):
        for od in t.get("oppdrag", []):
            gitt_i.setdefault(od["nummer"], i)
    poster = {(p["kapittel"], p["post"]) for p in data["budsjett"]}
    sett: dict[int, int] = {}
    for i, t in enumerate(alle):
        path = f"tillegg[{i}]"
        if t["nummer"] < 1:
            errors.append(f"{path}.nummer: tilleggsnummeret må være 1 eller høyere.")
        elif t["nummer"] in sett:
            errors.append(f"{path}.nummer: finnes allerede (tillegg[{sett[t['nummer']]}]).")
        else:
            sett[t["nummer"]] = i
        _full_clean(Tillegg(nummer=max(t["nummer"], 1), var_ref=t.get("var_ref") or "", tittel=t.get("tittel", ""),
                            tekst=t.get("tekst", "")), path, errors, ["tildelingsbrev"], bare_felt=True)
        for j, od in enumerate(t.get("oppdrag", [])):
            if not od["ny_i_aar"]:
                errors.append(f"{path}.oppdrag[{j}].ny_i_aar: et tillegg gir bare nye oppdrag; en ny frist for et "
                              f"oppdrag gitt tidligere står i {path}.frister.")
        for j, f in enumerate(t.get("frister", [])):
            fpath, nr = f"{path}.frister[{j}].oppdrag", f["oppdrag"]
            if nr not in gitt_i:
                errors.append(f"{fpath}: oppdrag {nr} står ikke i brevet eller i et tillegg i filen.")
            elif gitt_i[nr] == i:
                errors.append(f"{fpath}: oppdrag {nr} er gitt i dette tillegget; fristene står under oppdraget "
                              f"({path}.oppdrag[].frister).")
            elif gitt_i[nr] is not None and alle[gitt_i[nr]]["nummer"] > t["nummer"]:
                errors.append(f"{fpath}: oppdrag {nr} er gitt i tillegg nr. {alle[gitt_i[nr]]['nummer']}, "
                              f"som kommer etter dette tillegget (nr. {t['nummer']}).")
        for j, e in enumerate(t.get("budsjettendringer", [])):
            epath = f"{path}.budsjettendringer[{j}]"
            if (e["kapittel"], e["post"]) not in poster:
                errors.append(f"{epath}.post: brevets budsjett har ikke kap. {e['kapittel']} post {e['post']:02d}.")
            if e["endring_kr"] == 0:
                errors.append(f"{epath}.endring_kr: endringen kan ikke være 0 kroner.")
            _full_clean(Budsjettendring(endring_kr=e["endring_kr"], tekst=e["tekst"]), epath, errors,
                        ["tillegg", "post"], bare_felt=True)


def _maalnummer_som_tekst(data: dict) -> None:
    """A mål number is text ("3.1"); a version-1 file wrote it as an integer (1), read as "1"."""
    def tekst(v):
        return " ".join(v.split()) if isinstance(v, str) else (str(v) if v is not None else None)

    for m in data["maal"]:
        m["nummer"] = tekst(m["nummer"])
    for _, o in _alle_oppdrag(data):
        o["maal"] = tekst(o["maal"])
    for r in data.get("rapporteringskrav", []):
        if "maal" in r:
            r["maal"] = tekst(r["maal"])
    for g in data.get("maalomraader", []):
        if "maal" in g:
            g["maal"] = tekst(g["maal"])


def _sjekk_omraader(data: dict, errors: list[str]) -> None:
    """Mål numbers once each; målområder and delområder referring to what the file holds, no cycles."""
    sett: dict = {}
    for i, m in enumerate(data["maal"]):
        if m["nummer"] in sett:
            errors.append(f"maal[{i}].nummer: finnes allerede (maal[{sett[m['nummer']]}]).")
        sett.setdefault(m["nummer"], i)
    grupper: dict = {}
    for i, g in enumerate(data.get("maalomraader", [])):
        nr = g["nummer"].strip()
        if nr in grupper:
            errors.append(f"maalomraader[{i}].nummer: finnes allerede (maalomraader[{grupper[nr]}]).")
        grupper.setdefault(nr, i)
    for i, g in enumerate(data.get("maalomraader", [])):
        if g.get("maal") is not None and g["maal"] not in sett:
            errors.append(f"maalomraader[{i}].maal: brevet har ikke {maal_navn(g['maal']).lower()}.")
        if g.get("overordnet") is not None:
            if g["overordnet"] not in grupper:
                errors.append(f"maalomraader[{i}].overordnet: brevet har ikke målområdet {g['overordnet']}.")
                continue
            seen, x = {g["nummer"]}, g["overordnet"]
            while x is not None and x in grupper:
                if x in seen:
                    errors.append(f"maalomraader[{i}].overordnet: overskriftene står under hverandre i ring.")
                    break
                seen.add(x)
                x = data["maalomraader"][grupper[x]].get("overordnet")
    for i, m in enumerate(data["maal"]):
        if m.get("omraade") and m["omraade"] not in grupper:
            errors.append(f"maal[{i}].omraade: brevet har ikke målområdet {m['omraade']}.")
    for i, r in enumerate(data.get("rapporteringskrav", [])):
        for j, kode in enumerate(r.get("styringsparametere", [])):
            if isinstance(_krav_sp(data, r, kode), str):
                errors.append(f"rapporteringskrav[{i}].styringsparametere[{j}]: {_krav_sp(data, r, kode)}")


def _krav_sp(data: dict, krav: dict, kode: str):
    """(mål number, SP code) a requirement names: the SP under its own mål, else the one SP with that
    code in the letter; a Norwegian message when there is none, or several to choose from."""
    if krav.get("maal") is not None:
        for m in data["maal"]:
            if m["nummer"] == krav["maal"] and any(sp["kode"] == kode for sp in m["styringsparametere"]):
                return (m["nummer"], kode)
    treff = [m["nummer"] for m in data["maal"] if any(sp["kode"] == kode for sp in m["styringsparametere"])]
    if len(treff) == 1:
        return (treff[0], kode)
    if not treff:
        return f"brevet har ingen styringsparameter {kode}."
    return (f"{kode} står under flere mål ({', '.join(treff)}); "
            "oppgi kravets mål i «maal» så det er klart hvilken som menes.")


def _import_omraader(data: dict, brev: Tildelingsbrev, errors: list[str]) -> dict:
    """Målområder and delområder, each after the one it stands under; a delområde's mål is set later."""
    laget: dict = {}
    igjen = list(enumerate(data.get("maalomraader", [])))
    while igjen:
        klare = [(i, g) for i, g in igjen if g.get("overordnet") is None or g["overordnet"] in laget]
        if not klare:
            break  # refused by _sjekk_omraader already
        for i, g in klare:
            gruppe = Maalgruppe(tildelingsbrev=brev, nummer=g["nummer"], tittel=g["tittel"], tekst=g.get("tekst", ""),
                                overordnet=laget.get(g.get("overordnet")))
            if _lagre(gruppe, f"maalomraader[{i}]", errors, ["tildelingsbrev", "overordnet", "under_maal"]):
                laget[gruppe.nummer] = gruppe
        igjen = [(i, g) for i, g in igjen if (i, g) not in klare]
    return laget


def import_tildelingsbrev(data: Any, *, user=None, opprett_organisasjoner: bool = False) -> Tildelingsbrev:
    """Load a letter from the archive format in one transaction; raise ArkivFeil on any problem.

    An organisation short name the portal does not know is refused unless ``opprett_organisasjoner``
    (the command's --opprett-organisasjon) allows creating it from the file's ``organisasjoner``."""
    errors: list[str] = []
    if not isinstance(data, dict):
        raise ArkivFeil(["Filen skal inneholde ett JSON-objekt (et tildelingsbrev)."])
    if for_dyp(data):
        raise ArkivFeil([f"Filen er nøstet for dypt (mer enn {MAKS_DYBDE} nivåer) til å være et tildelingsbrev."])
    _validate(data, ROOT, "", errors)
    if data.get("format", FORMAT) != FORMAT:
        errors.append(f"format: «{data.get('format')}» er ikke {FORMAT}.")
    sjekk_versjon(data, errors)
    if errors:
        raise ArkivFeil(errors)
    _maalnummer_som_tekst(data)
    _duplikater(data, errors)
    _sjekk_omraader(data, errors)
    _sjekk_tillegg(data, errors)
    _sjekk_oppdrag(data, errors)
    _sjekk_belop(data, errors)
    _sjekk_organisasjoner(data, opprett_organisasjoner, errors)
    if errors:
        raise ArkivFeil(errors)
    data = avsnitt_i(data)  # hard line breaks from a PDF copy joined into paragraphs (kjerne/tekst.py)
    try:
        with transaction.atomic(), acting_user(user):
            brev = _import(data, errors)
            if not errors:
                _import_kvitteringer(data, brev, errors)
            if errors:
                raise ArkivFeil(errors)
            # A letter read in as sent is as if sent here: its calendar's meetings become meetings.
            moter_fra_kalender(brev=brev, acting_user=user)
            return brev
    except IntegrityError as exc:  # a constraint the validation above did not foresee
        # Never the database's own wording ("UNIQUE constraint failed: …"): it names tables, not the file.
        raise ArkivFeil(["Databasen avviste innholdet, trolig fordi et nummer eller en kode står to ganger "
                         "eller allerede finnes i portalen. Ingenting er lagret."]) from exc


def _import_kvitteringer(data: dict, brev: Tildelingsbrev, errors: list[str]) -> None:
    """Findings the ministry acknowledged, with who (matched by username, if known here) and when."""
    from django.contrib.auth import get_user_model
    from django.utils.dateparse import parse_datetime

    from brev.models import Kvittering

    for i, k in enumerate(data.get("kvitteringer", [])):
        tid = parse_datetime(k["kvittert"])
        if tid is None or tid.tzinfo is None:
            errors.append(f"kvitteringer[{i}].kvittert: «{k['kvittert']}» er ikke et tidspunkt med tidssone "
                          "(ÅÅÅÅ-MM-DDTTT:MM:SS+01:00).")
            continue
        hvem = get_user_model().objects.filter(username=k["kvittert_av"]).first() if k["kvittert_av"] else None
        kv = Kvittering(tildelingsbrev=brev, nokkel=k["nokkel"], melding=k["melding"], grunn=k["grunn"],
                        kvittert_av=hvem, kvittert=tid)
        _lagre(kv, f"kvitteringer[{i}]", errors, exclude=["tildelingsbrev"])


def _import(data: dict, errors: list[str]) -> Tildelingsbrev:
    known = {o["kortnavn"]: o for o in data.get("organisasjoner", [])}
    virksomhet = _org(data["virksomhet"], known, Organisasjon.Type.VIRKSOMHET)
    departement = _org(data["departement"], known, Organisasjon.Type.DEPARTEMENT)
    aar = data["aar"]
    existing = Tildelingsbrev.objects.filter(virksomhet=virksomhet, aar=aar).first()
    if existing:
        errors.append(f"aar: {virksomhet} har allerede et tildelingsbrev for {aar}.")
        return existing

    hode = data.get("brevhode", {})
    status = data.get("status", "sendt")
    brev = Tildelingsbrev(
        virksomhet=virksomhet, departement=departement, aar=aar, dato=_d(data.get("dato")),
        var_ref=data.get("var_ref") or "", tittel=data.get("tittel", ""), status=status,
        avdeling=hode.get("avdeling", ""), saksbehandler=hode.get("saksbehandler", ""),
        mottaker_adresse=hode.get("mottaker_adresse", ""),
        elektronisk_signert_tekst=data.get("elektronisk_signert_tekst", ""),
    )
    if status == "sendt":
        from django.utils import timezone

        brev.sendt = timezone.now()
    if status not in ("utkast", "til_godkjenning", "sendt"):
        errors.append(f"status: «{status}» er ikke utkast, til_godkjenning eller sendt.")
        return brev
    if not _lagre(brev, "", errors):
        return brev
    brev.kopi_til.set([_org(k, known, Organisasjon.Type.OBSERVATOR) for k in data.get("kopi_til", [])])
    for farge, tekst in (data.get("risikodefinisjoner") or {}).items():
        _lagre(Risikodefinisjon(tildelingsbrev=brev, farge=farge, tekst=tekst.strip()),
               f"risikodefinisjoner.{farge}", errors, ["tildelingsbrev"])

    ex = ["tildelingsbrev"]
    for i, k in enumerate(data.get("kapitler", [])):
        _lagre(Brevavsnitt(tildelingsbrev=brev, nummer=k["nummer"], tittel=k["tittel"], tekst=k["tekst"],
                           rekkefolge=i), f"kapitler[{i}]", errors, ex)
    for i, s in enumerate(data.get("signaturer", [])):
        _lagre(Signatur(tildelingsbrev=brev, navn=s["navn"], tittel=s["tittel"], ef=s["ef"], rekkefolge=i),
               f"signaturer[{i}]", errors, ex)
    for i, v in enumerate(data.get("vedlegg", [])):
        _lagre(Vedlegg(tildelingsbrev=brev, **v), f"vedlegg[{i}]", errors, ex)
    for i, r in enumerate(data.get("rapportering", [])):
        rp = Rapporteringspunkt(tildelingsbrev=brev, betegnelse=r["type"])
        rp.type = r.get("rapport_type") or _rapport_type(r["type"])
        rp.telletidspunkt = _d(r["telletidspunkt"])
        rp.frist = _d(r["frist"])
        rp.rapport_aar = r.get("rapport_aar") or rp.telletidspunkt.year
        rp.rekkefolge = i
        if rp.frist < rp.telletidspunkt:
            errors.append(f"rapportering[{i}].frist: rapporteringsfristen {rp.frist:%d.%m.%Y} er før telletidspunktet "
                          f"{rp.telletidspunkt:%d.%m.%Y}.")
            continue
        _lagre(rp, f"rapportering[{i}]", errors, exclude=["tildelingsbrev"])
    for i, m in enumerate(data.get("kalender", [])):
        _lagre(Moete(tildelingsbrev=brev, type=m["type"], tittel=m["tittel"], dato=_d(m["dato"]),
                     tidspunkt_tekst=m["tidspunkt_tekst"], beskrivelse=m["beskrivelse"]), f"kalender[{i}]", errors, ex)
    _import_fellesforinger(data.get("fellesforinger", []), brev, errors, ex)

    grupper = _import_omraader(data, brev, errors)
    maal_by_nr: dict[str, Maal] = {}
    for i, m in enumerate(data["maal"]):
        maal = Maal(tildelingsbrev=brev, nummer=m["nummer"], tittel=m["tittel"], tekst=m.get("tekst", ""),
                    gruppe=grupper.get(m.get("omraade")),
                    overskrift_nye_oppdrag=m.get("overskrift_nye_oppdrag", ""),
                    overskrift_tidligere_oppdrag=m.get("overskrift_tidligere_oppdrag", ""))
        if m["nummer"] in maal_by_nr:
            errors.append(f"maal[{i}].nummer: mål {m['nummer']} står to ganger.")
            continue
        if not _lagre(maal, f"maal[{i}]", errors, exclude=["tildelingsbrev"]):
            continue
        maal_by_nr[maal.nummer] = maal
        for j, sp_data in enumerate(m["styringsparametere"]):
            sp = Styringsparameter(
                maal=maal, kode=sp_data["kode"], tekst=sp_data["tekst"], rekkefolge=j,
                i_aarsrapport=sp_data.get("i_aarsrapport", True), i_halvaarsrapport=sp_data.get("i_halvaarsrapport", False),
                formaal=sp_data.get("formaal", ""), maaleutgangspunkt=sp_data.get("maaleutgangspunkt", ""),
                nokkeltall=sp_data.get("nokkeltall", ""))
            if not _lagre(sp, f"maal[{i}].styringsparametere[{j}]", errors, exclude=["maal"]):
                continue
            sp_path = f"maal[{i}].styringsparametere[{j}]"
            for k, v in enumerate(sp_data.get("maaleverdier", [])):
                _lagre(Maaleverdi(styringsparameter=sp, periode=v["periode"], dato=_d(v.get("dato")),
                                  verdi=_tall(v.get("verdi")), enhet=v.get("enhet", ""), tekst=v.get("tekst", "")),
                       f"{sp_path}.maaleverdier[{k}]", errors, ["styringsparameter"])
            for k, r in enumerate(sp_data.get("resultatkrav", [])):
                _lagre(Resultatkrav(styringsparameter=sp, verdi=_tall(r.get("verdi")), enhet=r.get("enhet", ""),
                                    tekst=r.get("tekst", ""), rekkefolge=k),
                       f"{sp_path}.resultatkrav[{k}]", errors, ["styringsparameter"])
    for g in data.get("maalomraader", []):
        if g.get("maal") is not None and g["nummer"] in grupper and g["maal"] in maal_by_nr:
            grupper[g["nummer"]].under_maal = maal_by_nr[g["maal"]]
            grupper[g["nummer"]].save(update_fields=["under_maal"])
    sp_by_nr = {(m.nummer, sp.kode): sp for m in maal_by_nr.values() for sp in m.styringsparametere.all()}
    for i, r in enumerate(data.get("rapporteringskrav", [])):
        krav = Rapporteringskrav(tildelingsbrev=brev, kode=r["kode"], tekst=r["tekst"], rekkefolge=i,
                                 maal=maal_by_nr.get(r["maal"]) if r.get("maal") is not None else None,
                                 frekvens=r["frekvens"], frekvens_tekst=r["frekvens_tekst"])
        if _lagre(krav, f"rapporteringskrav[{i}]", errors, ["tildelingsbrev", "maal"]) and r.get("styringsparametere"):
            krav.styringsparametere.set([sp_by_nr[_krav_sp(data, r, kode)] for kode in r["styringsparametere"]
                                         if _krav_sp(data, r, kode) in sp_by_nr])
    for i, p in enumerate(data.get("plikter", [])):
        plikt = Plikt(tildelingsbrev=brev, beskrivelse=p["beskrivelse"], kilde=p["kilde"])
        _fill_frist(plikt, p, aar=aar, virksomhet_id=virksomhet.pk)
        _lagre(plikt, f"plikter[{i}]", errors, exclude=["tildelingsbrev"])

    # Frister are numbered over the letter and its tillegg; jf. links once every oppdrag is there.
    frist_nr, links = itertools.count(), []
    _import_oppdrag(data["oppdrag"], "oppdrag", brev, maal_by_nr, known, errors, frist_nr=frist_nr, links=links)
    _import_budsjett(data, brev, errors)
    for i, t in sorted(enumerate(data.get("tillegg", [])), key=lambda it: it[1]["nummer"]):
        _import_tillegg(t, f"tillegg[{i}]", brev, maal_by_nr, known, errors, frist_nr=frist_nr, links=links)
    _koble_jf(brev, links, errors)
    return brev


def _import_oppdrag(liste: list[dict], prefix: str, brev: Tildelingsbrev, maal_by_nr: dict, known: dict,
                    errors: list[str], *, frist_nr, links: list, tillegg: Tillegg | None = None) -> None:
    """The oppdrag the letter lists (new and earlier), or those a tillegg gives, with their frister."""
    virksomhet = brev.virksomhet
    seen: set[str] = set()
    # One query for the agency's oppdrag instead of one per oppdrag in the file.
    eksisterende = {o.nummer: o for o in Oppdrag.objects.filter(virksomhet=virksomhet).select_related("departement")}
    for i, od in enumerate(liste):
        path = f"{prefix}[{i}]"
        nr = od["nummer"]
        if nr in seen:
            errors.append(f"{path}.nummer: oppdrag {nr} står to ganger i brevet.")
            continue
        seen.add(nr)
        maal = maal_by_nr.get(od["maal"]) if od["maal"] is not None else None
        if od["maal"] is not None and maal is None:
            errors.append(f"{path}.maal: brevet har ikke mål {od['maal']}.")
            continue
        gitt_aar = od.get("gitt_aar") or _aar_fra_nummer(nr) or brev.aar
        existing = eksisterende.get(nr)
        original = od.get("opprinnelig_tittel") or od["tittel"]
        if od["ny_i_aar"]:
            if existing:
                errors.append(f"{path}.nummer: oppdrag {nr} finnes allerede for {virksomhet} "
                              f"(gitt {existing.aar}).")
                continue
            o = Oppdrag(virksomhet=virksomhet, nummer=nr, aar=brev.aar, tildelingsbrev=brev, tillegg=tillegg,
                        maal=maal, departement=brev.departement)
        else:
            o = existing or Oppdrag(virksomhet=virksomhet, nummer=nr, aar=gitt_aar, maal=maal, tittel=original)
            if existing is None:
                # An earlier oppdrag with no letter in the portal: its giver is what the file says
                # ("gitt_av"), else the ministry importing the letter that lists it.
                gitt_av = od.get("gitt_av")
                o.departement = (_org(gitt_av, known, Organisasjon.Type.DEPARTEMENT) if gitt_av
                                 else brev.departement)
                if o.departement.type != Organisasjon.Type.DEPARTEMENT:
                    errors.append(f"{path}.gitt_av: {gitt_av} er ikke et departement.")
                    continue
            elif existing.departement_id != brev.departement_id:
                # Only the ministry that gave an oppdrag restates it; another ministry's letter may
                # list it (it is in force), but its frister and wording stay the giver's.
                errors.append(f"{path}.nummer: oppdrag {nr} er gitt av {existing.departement or 'et annet departement'}; "
                              f"bare det departementet kan fastsette nye frister for det.")
                continue
        if od["ny_i_aar"] or existing is None:
            o.tittel = original if not od["ny_i_aar"] else od["tittel"]
            o.rekkefolge = i
            fou_type = od.get("fou_type")
            o.fou = fou_type if fou_type in FoU.values else (FoU.JA if od["fou"] else FoU.NEI)
            for key in ("bakgrunn", "beskrivelse", "formaal", "rapportering", "rapporteringskriterier", "start_tekst",
                        "finansiering_tekst", "frist_tekst", "tilleggsinformasjon"):
                setattr(o, key, od.get(key, ""))
            o.i_aarsrapport = od.get("i_aarsrapport", False)
            o.i_halvaarsrapport = od.get("i_halvaarsrapport", False)
            o.start = _d(od.get("start"))
            if od.get("hovedansvar"):
                o.hovedansvar = _org(od["hovedansvar"], known)
            if not _lagre(o, path, errors, exclude=["virksomhet", "tildelingsbrev", "tillegg", "maal", "hovedansvar"]):
                continue
            if od.get("delt_med"):
                o.delt_med.set([_org(k, known) for k in od["delt_med"]])
            for j, navn in enumerate(od.get("samarbeidspartnere", [])):
                _lagre(Samarbeidspartner(oppdrag=o, navn=navn.strip(), rekkefolge=j),
                       f"{path}.samarbeidspartnere[{j}]", errors, ["oppdrag"])
            links.append((o, od.get("jf_oppdrag", []), path))
            for j, f in enumerate(od.get("finansiering", [])):
                _lagre(Finansiering(oppdrag=o, tekst=f["tekst"], belop_kr=f["belop_kr"], kapittel=f["kapittel"],
                                    post=f["post"], aar=brev.aar, rekkefolge=j),
                       f"{path}.finansiering[{j}]", errors, ["oppdrag"])
            for j, m in enumerate(od.get("milepaeler", [])):
                mp = Milepael(oppdrag=o, tittel=m["tittel"], rekkefolge=j)
                _fill_frist(mp, {"tekst": "", **m}, aar=brev.aar, virksomhet_id=virksomhet.pk)  # may be uten frist
                _lagre(mp, f"{path}.milepaeler[{j}]", errors, exclude=["oppdrag"])
        if not od["ny_i_aar"] and od["tittel"] != o.tittel:
            Tittelvariant.objects.create(oppdrag=o, tildelingsbrev=brev, tittel=od["tittel"])
        for j, f in enumerate(od["frister"]):
            _lagre_frist(o, f, f"{path}.frister[{j}]", brev, tillegg, errors, frist_nr=frist_nr, kontekst=od["tittel"])


def _lagre_frist(o: Oppdrag, f: dict, fpath: str, brev: Tildelingsbrev, tillegg: Tillegg | None, errors: list[str],
                 *, frist_nr, kontekst: str) -> None:
    # A running number over the letter: an earlier oppdrag is placed by its first frist in
    # this letter (oppdrag/querysets.py), so the order must hold across oppdrag. It was
    # i * 100 + j, which overflowed the smallint column from the 328th oppdrag on.
    frist = Frist(oppdrag=o, tildelingsbrev=brev, tillegg=tillegg, rekkefolge=next(frist_nr))
    _fill_frist(frist, f, aar=brev.aar, virksomhet_id=brev.virksomhet_id, kontekst=kontekst)
    if o.start and frist.dato and frist.dato < o.start:
        errors.append(f"{fpath}.dato: fristen «{frist.tekst}» ({frist.dato:%d.%m.%Y}) er før oppstart "
                      f"{o.start:%d.%m.%Y} for oppdrag {o.nummer}.")
        return
    _lagre(frist, fpath, errors, exclude=["oppdrag", "tildelingsbrev", "tillegg"])


def _import_fellesforinger(rader: list, brev: Tildelingsbrev, errors: list[str], ex: list[str]) -> None:
    """The fellesføringer with the numbers each asks for. A file without keys (before version 2
    carried them) gets them from the titles, "-2", "-3" … where two titles give the same key; a key
    the file states twice is refused."""
    brukt = {f["nokkel"] for f in rader if f.get("nokkel")}
    for i, f in enumerate(rader):
        path = f"fellesforinger[{i}]"
        nokkel = f.get("nokkel") or ""
        if not nokkel:
            grunn = stabil_nokkel(f["tittel"], 76)
            nokkel, n = grunn, 1
            while nokkel in brukt:
                n += 1
                nokkel = f"{grunn}-{n}"
            brukt.add(nokkel)
        elif any(g.get("nokkel") == nokkel for g in rader[:i]):
            errors.append(f"{path}.nokkel: nøkkelen «{nokkel}» står to ganger i brevet.")
            continue
        ff = Fellesforing(tildelingsbrev=brev, rekkefolge=i, nokkel=nokkel, tittel=f["tittel"], tekst=f["tekst"],
                          rapportering=f["rapportering"])
        if not _lagre(ff, path, errors, ex):
            continue
        sett = set()
        for j, t in enumerate(f.get("tallfelt", [])):
            tf = Tallfelt(fellesforing=ff, rekkefolge=j, nokkel=t.get("nokkel") or stabil_nokkel(t["navn"]),
                          navn=t["navn"], enhet=t["enhet"], grunnlag_verdi=_tall(t.get("grunnlag_verdi")),
                          grunnlag_tekst=t.get("grunnlag_tekst", ""), grunnlag_fra_aar=t.get("grunnlag_fra_aar"),
                          grunnlag_til_aar=t.get("grunnlag_til_aar"))
            if tf.nokkel in sett:
                errors.append(f"{path}.tallfelt[{j}].nokkel: nøkkelen «{tf.nokkel}» står to ganger i fellesføringen.")
                continue
            sett.add(tf.nokkel)
            _lagre(tf, f"{path}.tallfelt[{j}]", errors, ["fellesforing"])


def _import_tillegg(t: dict, path: str, brev: Tildelingsbrev, maal_by_nr: dict, known: dict, errors: list[str], *,
                    frist_nr, links: list) -> None:
    """A sent tillegg as the source has it (its own number and date, registered as sent now, like
    the letter), with its chapters, the oppdrag it gives, the frister it states for oppdrag given
    before it, and its budget changes."""
    from django.utils import timezone

    tillegg = Tillegg(tildelingsbrev=brev, nummer=t["nummer"], dato=_d(t.get("dato")), var_ref=t.get("var_ref") or "",
                      tittel=t.get("tittel", ""), tekst=t.get("tekst", ""), status="sendt", sendt=timezone.now())
    if not _lagre(tillegg, path, errors, exclude=["tildelingsbrev"]):
        return
    for i, k in enumerate(t.get("kapitler", [])):
        _lagre(Brevavsnitt(tildelingsbrev=brev, tillegg=tillegg, nummer=k["nummer"], tittel=k["tittel"],
                           tekst=k["tekst"], rekkefolge=i), f"{path}.kapitler[{i}]", errors, ["tildelingsbrev", "tillegg"])
    _import_oppdrag(t.get("oppdrag", []), f"{path}.oppdrag", brev, maal_by_nr, known, errors, frist_nr=frist_nr,
                    links=links, tillegg=tillegg)
    oppdrag = {o.nummer: o for o in Oppdrag.objects.filter(
        virksomhet_id=brev.virksomhet_id, nummer__in={f["oppdrag"] for f in t.get("frister", [])})}
    for j, f in enumerate(t.get("frister", [])):
        o = oppdrag.get(f["oppdrag"])
        if o is None:  # refused above, with its own message
            continue
        _lagre_frist(o, f, f"{path}.frister[{j}]", brev, tillegg, errors, frist_nr=frist_nr, kontekst=o.tittel)
    poster = {(p.kapittel.nummer, p.post): p for p in Budsjettpost.objects.filter(
        kapittel__tildelingsbrev=brev).select_related("kapittel")}
    for j, e in enumerate(t.get("budsjettendringer", [])):
        post = poster.get((e["kapittel"], e["post"]))
        if post is None:  # the post was refused; its error is listed
            continue
        _lagre(Budsjettendring(tillegg=tillegg, post=post, endring_kr=e["endring_kr"], tekst=e["tekst"]),
               f"{path}.budsjettendringer[{j}]", errors, ["tillegg", "post"])


def _koble_jf(brev: Tildelingsbrev, links: list, errors: list[str]) -> None:
    """The earlier oppdrag each new one refers to ("jf. oppdrag 2023-04"), once all are written."""
    virksomhet = brev.virksomhet
    for o, refs, path in links:
        targets = []
        for k, ref in enumerate(refs):
            target = Oppdrag.objects.filter(virksomhet=virksomhet, nummer=ref).first()
            if target is None:
                errors.append(f"{path}.jf_oppdrag[{k}]: oppdrag {ref} finnes ikke for {virksomhet}.")
            else:
                targets.append(target)
        o.jf_oppdrag.set(targets)


def _aar_fra_nummer(nummer: str) -> int | None:
    m = re.match(r"^(\d{4})-", nummer)
    return int(m.group(1)) if m else None


def _import_budsjett(data: dict, brev: Tildelingsbrev, errors: list[str]) -> None:
    kapitler: dict[int, Budsjettkapittel] = {}
    meta = {k["kapittel"]: k for k in data.get("kapittel_sum", [])}
    order = [k["kapittel"] for k in data.get("kapittel_sum", [])]
    for p in data["budsjett"]:
        if p["kapittel"] not in order:
            order.append(p["kapittel"])
    for i, nr in enumerate(order):
        k = meta.get(nr, {})
        kap = Budsjettkapittel(tildelingsbrev=brev, nummer=nr, betegnelse=k.get("betegnelse", ""),
                               enhet_i_brevet=k.get("enhet_i_brevet", "kr"), tekst=k.get("tekst", ""),
                               typed_sum_kr=k.get("typed_sum_kr"),
                               sum_rad_uten_belop=k.get("sum_rad_uten_belop", False), rekkefolge=i)
        if _lagre(kap, f"kapittel_sum[{i}]", errors, exclude=["tildelingsbrev"]):
            kapitler[nr] = kap
    oppdrag = {o.nummer: o for o in Oppdrag.objects.filter(virksomhet_id=brev.virksomhet_id)}
    seen: set[tuple[int, int]] = set()
    for i, p in enumerate(data["budsjett"]):
        path = f"budsjett[{i}]"
        key = (p["kapittel"], p["post"])
        if key in seen:
            errors.append(f"{path}.post: kap. {key[0]} post {key[1]:02d} står to ganger.")
            continue
        seen.add(key)
        kap = kapitler.get(p["kapittel"])
        if kap is None:
            continue
        betegnelse = p["betegnelse"]
        post = Budsjettpost(
            kapittel=kap, post=p["post"], betegnelse=betegnelse, tildelt_kr=p["tildelt_kr"],
            tildelt_tekst=p.get("tildelt_tekst", ""),
            bevilget_kr=p["bevilget_kr"], andel_kr=p["andel_kr"],
            kan_overfores=p.get("kan_overfores", "kan overføres" in betegnelse),
            overslagsbevilgning=p.get("overslagsbevilgning", "overslagsbevilgning" in betegnelse),
            overskrift=p.get("overskrift", ""), tekst=p.get("tekst", ""), typed_tilskudd_sum_kr=p.get("typed_sum_kr"),
            tilskudd_sum_rad_uten_belop=p.get("sum_rad_uten_belop", False),
            rekkefolge=i,
        )
        if not _lagre(post, path, errors, exclude=["kapittel"]):
            continue
        for j, b in enumerate(p["bindinger"]):
            nr = b.get("oppdrag") or ""
            _lagre(Budsjettbinding(post=post, tekst=b["tekst"], belop_kr=b["belop_kr"],
                                   belop_til_kr=b.get("belop_til_kr"), oppdrag_nummer=nr,
                                   oppdrag=oppdrag.get(nr), kategori=b.get("kategori", "annet"), rekkefolge=j),
                   f"{path}.bindinger[{j}]", errors, ["post", "oppdrag"])
        fordelinger = []
        for j, f in enumerate(p.get("fordeling", [])):
            ford = Fordeling(post=post, tekst=f["tekst"], belop_kr=f["belop_kr"], rekkefolge=j)
            _lagre(ford, f"{path}.fordeling[{j}]", errors, ["post"])
            fordelinger.append(ford)
        for j, t in enumerate(p.get("tilskudd", [])):
            idx = t.get("fordeling")
            if idx is not None and not 0 <= idx < len(fordelinger):
                errors.append(f"{path}.tilskudd[{j}].fordeling: fordeling nr. {idx} finnes ikke på posten.")
                continue
            if idx is not None and fordelinger[idx].pk is None:
                continue  # that fordeling was refused; its error is listed
            _lagre(Tilskudd(post=post, mottaker=t["mottaker"], belop_kr=t["belop_kr"], rekkefolge=j,
                            fordeling=fordelinger[idx] if idx is not None else None),
                   f"{path}.tilskudd[{j}]", errors, ["post", "fordeling"])
