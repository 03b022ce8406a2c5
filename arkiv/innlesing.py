"""Reading a letter from the archive format into the database, in one transaction: any problem
is refused with a message naming the field, and nothing is saved."""

from __future__ import annotations

import re
from typing import Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from budsjett.models import Budsjettbinding, Budsjettkapittel, Budsjettpost, Finansiering, Fordeling, Tilskudd
from kjerne.historikk import acting_user
from kjerne.tekst import avsnitt_i
from oppdrag.models import FoU, Frist, Milepael, Oppdrag, Tittelvariant
from oppdrag.services import apply_frist_text
from styring.models import (
    Brevavsnitt,
    Fellesforing,
    Maal,
    Maaleverdi,
    Moete,
    Organisasjon,
    Plikt,
    Rapporteringskrav,
    Rapporteringspunkt,
    RapportType,
    Resultatkrav,
    Signatur,
    Styringsparameter,
    Tildelingsbrev,
    Vedlegg,
)

from .skjema import FORMAT, ROOT, VERSJON, ArkivFeil, _d, _validate

_RAPPORT_ORD = (("halvår", RapportType.HALVAARSRAPPORT), ("årsrapport", RapportType.AARSRAPPORT))


def _rapport_type(tekst: str) -> str:
    low = tekst.lower()
    for word, kind in _RAPPORT_ORD:
        if word in low:
            return kind
    return RapportType.ANNET


def _full_clean(obj, path: str, errors: list[str], exclude: list[str] | None = None) -> bool:
    try:
        obj.full_clean(exclude=exclude, validate_unique=False, validate_constraints=True)
    except ValidationError as exc:
        for field, messages in exc.message_dict.items():
            for m in messages:
                errors.append(f"{path}{'.' + field if field != '__all__' else ''}: {m}")
        return False
    return True


def _frist_kwargs(data: dict) -> dict:
    """Explicit structured frist fields from a full-format entry (absent in the short form)."""
    if "form" not in data:
        return {}
    mapping = {"del": "del_betegnelse"}
    out = {}
    for key in ("form", "fra_dato", "opprinnelig_dato", "del", "etikett", "rolle", "intervall_mnd", "gjentas_til",
                "rapport_type", "rapport_aar", "uke"):
        if key in data:
            value = data[key]
            if key in ("fra_dato", "opprinnelig_dato", "gjentas_til"):
                value = _d(value)
            out[mapping.get(key, key)] = value
    return out


def _fill_frist(obj, data: dict, *, aar: int, virksomhet_id: int, kontekst: str = "") -> None:
    obj.tekst = data["tekst"]
    explicit = _frist_kwargs(data)
    if explicit:
        for key, value in explicit.items():
            setattr(obj, key, value if value is not None or key not in ("del_betegnelse", "etikett", "rolle",
                                                                          "rapport_type", "form") else "")
        obj.dato = _d(data.get("dato"))
    else:
        apply_frist_text(obj, aar=aar, virksomhet_id=virksomhet_id, kontekst=kontekst, dato=_d(data.get("dato")))


def _org(kortnavn: str, known: dict, type_: str | None = None) -> Organisasjon:
    org = Organisasjon.objects.filter(kortnavn=kortnavn).first()
    if org:
        return org
    info = known.get(kortnavn, {})
    org = Organisasjon(kortnavn=kortnavn, navn=info.get("navn", kortnavn),
                       type=info.get("type", type_ or Organisasjon.Type.VIRKSOMHET))
    org.save()
    return org


def import_tildelingsbrev(data: Any, *, user=None) -> Tildelingsbrev:
    """Load a letter from the archive format in one transaction; raise ArkivFeil on any problem."""
    errors: list[str] = []
    if not isinstance(data, dict):
        raise ArkivFeil(["Filen skal inneholde ett JSON-objekt (et tildelingsbrev)."])
    _validate(data, ROOT, "", errors)
    if data.get("format", FORMAT) != FORMAT:
        errors.append(f"format: «{data.get('format')}» er ikke {FORMAT}.")
    if isinstance(data.get("versjon", VERSJON), int) and data.get("versjon", VERSJON) > VERSJON:
        errors.append(f"versjon: filen har versjon {data['versjon']}, men denne portalen leser til og med {VERSJON}.")
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
            return brev
    except IntegrityError as exc:  # a constraint the validation above did not foresee
        raise ArkivFeil([f"Databasen avviste innholdet: {exc}"]) from exc


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
        if _full_clean(kv, f"kvitteringer[{i}]", errors, exclude=["tildelingsbrev"]):
            kv.save()


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
    if not _full_clean(brev, "", errors):
        return brev
    brev.save()
    brev.kopi_til.set([_org(k, known, Organisasjon.Type.OBSERVATOR) for k in data.get("kopi_til", [])])

    for i, k in enumerate(data.get("kapitler", [])):
        Brevavsnitt.objects.create(tildelingsbrev=brev, nummer=k["nummer"], tittel=k["tittel"], tekst=k["tekst"],
                                   rekkefolge=i)
    for i, s in enumerate(data.get("signaturer", [])):
        Signatur.objects.create(tildelingsbrev=brev, navn=s["navn"], tittel=s["tittel"], ef=s["ef"], rekkefolge=i)
    for v in data.get("vedlegg", []):
        Vedlegg.objects.create(tildelingsbrev=brev, **v)
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
        if _full_clean(rp, f"rapportering[{i}]", errors, exclude=["tildelingsbrev"]):
            rp.save()
    for m in data.get("kalender", []):
        Moete.objects.create(tildelingsbrev=brev, type=m["type"], tittel=m["tittel"], dato=_d(m["dato"]),
                             tidspunkt_tekst=m["tidspunkt_tekst"], beskrivelse=m["beskrivelse"])
    for i, f in enumerate(data.get("fellesforinger", [])):
        Fellesforing.objects.create(tildelingsbrev=brev, rekkefolge=i, **f)

    maal_by_nr: dict[int, Maal] = {}
    for i, m in enumerate(data["maal"]):
        maal = Maal(tildelingsbrev=brev, nummer=m["nummer"], tittel=m["tittel"], tekst=m.get("tekst", ""),
                    overskrift_nye_oppdrag=m.get("overskrift_nye_oppdrag", ""),
                    overskrift_tidligere_oppdrag=m.get("overskrift_tidligere_oppdrag", ""))
        if m["nummer"] in maal_by_nr:
            errors.append(f"maal[{i}].nummer: mål {m['nummer']} står to ganger.")
            continue
        if not _full_clean(maal, f"maal[{i}]", errors, exclude=["tildelingsbrev"]):
            continue
        maal.save()
        maal_by_nr[maal.nummer] = maal
        for j, sp_data in enumerate(m["styringsparametere"]):
            sp = Styringsparameter(
                maal=maal, kode=sp_data["kode"], tekst=sp_data["tekst"], rekkefolge=j,
                i_aarsrapport=sp_data.get("i_aarsrapport", True), i_halvaarsrapport=sp_data.get("i_halvaarsrapport", False),
                formaal=sp_data.get("formaal", ""), maaleutgangspunkt=sp_data.get("maaleutgangspunkt", ""),
                nokkeltall=sp_data.get("nokkeltall", ""))
            if not _full_clean(sp, f"maal[{i}].styringsparametere[{j}]", errors, exclude=["maal"]):
                continue
            sp.save()
            for v in sp_data.get("maaleverdier", []):
                Maaleverdi.objects.create(styringsparameter=sp, periode=v["periode"], dato=_d(v.get("dato")),
                                          verdi=v.get("verdi"), enhet=v.get("enhet", ""), tekst=v.get("tekst", ""))
            for k, r in enumerate(sp_data.get("resultatkrav", [])):
                Resultatkrav.objects.create(styringsparameter=sp, verdi=r.get("verdi"), enhet=r.get("enhet", ""),
                                            tekst=r.get("tekst", ""), rekkefolge=k)
    for r in data.get("rapporteringskrav", []):
        Rapporteringskrav.objects.create(tildelingsbrev=brev, kode=r["kode"], tekst=r["tekst"],
                                         maal=maal_by_nr.get(r["maal"]) if r.get("maal") else None,
                                         frekvens=r["frekvens"], frekvens_tekst=r["frekvens_tekst"])
    for i, p in enumerate(data.get("plikter", [])):
        plikt = Plikt(tildelingsbrev=brev, beskrivelse=p["beskrivelse"], kilde=p["kilde"])
        _fill_frist(plikt, p, aar=aar, virksomhet_id=virksomhet.pk)
        if _full_clean(plikt, f"plikter[{i}]", errors, exclude=["tildelingsbrev"]):
            plikt.save()

    _import_oppdrag(data, brev, maal_by_nr, known, errors)
    _import_budsjett(data, brev, errors)
    return brev


def _import_oppdrag(data: dict, brev: Tildelingsbrev, maal_by_nr: dict, known: dict, errors: list[str]) -> None:
    virksomhet = brev.virksomhet
    seen: set[str] = set()
    links: list[tuple[Oppdrag, list[str], str]] = []
    for i, od in enumerate(data["oppdrag"]):
        path = f"oppdrag[{i}]"
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
        existing = Oppdrag.objects.filter(virksomhet=virksomhet, nummer=nr).first()
        original = od.get("opprinnelig_tittel") or od["tittel"]
        if od["ny_i_aar"]:
            if existing:
                errors.append(f"{path}.nummer: oppdrag {nr} finnes allerede for {virksomhet} "
                              f"(gitt {existing.aar}).")
                continue
            o = Oppdrag(virksomhet=virksomhet, nummer=nr, aar=brev.aar, tildelingsbrev=brev, maal=maal,
                        departement=brev.departement)
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
            if not _full_clean(o, path, errors, exclude=["virksomhet", "tildelingsbrev", "maal", "hovedansvar"]):
                continue
            o.save()
            if od.get("delt_med"):
                o.delt_med.set([_org(k, known) for k in od["delt_med"]])
            links.append((o, od.get("jf_oppdrag", []), path))
            for j, f in enumerate(od.get("finansiering", [])):
                Finansiering.objects.create(oppdrag=o, tekst=f["tekst"], belop_kr=f["belop_kr"],
                                            kapittel=f["kapittel"], post=f["post"], aar=brev.aar, rekkefolge=j)
            for j, m in enumerate(od.get("milepaeler", [])):
                mp = Milepael(oppdrag=o, tittel=m["tittel"], rekkefolge=j)
                _fill_frist(mp, {"tekst": "", **m}, aar=brev.aar, virksomhet_id=virksomhet.pk)  # may be uten frist
                if _full_clean(mp, f"{path}.milepaeler[{j}]", errors, exclude=["oppdrag"]):
                    mp.save()
        if not od["ny_i_aar"] and od["tittel"] != o.tittel:
            Tittelvariant.objects.create(oppdrag=o, tildelingsbrev=brev, tittel=od["tittel"])
        for j, f in enumerate(od["frister"]):
            frist = Frist(oppdrag=o, tildelingsbrev=brev, rekkefolge=i * 100 + j)
            _fill_frist(frist, f, aar=brev.aar, virksomhet_id=virksomhet.pk, kontekst=od["tittel"])
            fpath = f"{path}.frister[{j}]"
            if o.start and frist.dato and frist.dato < o.start:
                errors.append(f"{fpath}.dato: fristen «{frist.tekst}» ({frist.dato:%d.%m.%Y}) er før oppstart "
                              f"{o.start:%d.%m.%Y} for oppdrag {nr}.")
                continue
            if _full_clean(frist, fpath, errors, exclude=["oppdrag", "tildelingsbrev"]):
                frist.save()
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
                               typed_sum_kr=k.get("typed_sum_kr"), rekkefolge=i)
        if _full_clean(kap, f"kapittel_sum[{i}]", errors, exclude=["tildelingsbrev"]):
            kap.save()
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
            bevilget_kr=p["bevilget_kr"], andel_kr=p["andel_kr"],
            kan_overfores=p.get("kan_overfores", "kan overføres" in betegnelse),
            overslagsbevilgning=p.get("overslagsbevilgning", "overslagsbevilgning" in betegnelse),
            overskrift=p.get("overskrift", ""), tekst=p.get("tekst", ""), typed_tilskudd_sum_kr=p.get("typed_sum_kr"),
            rekkefolge=i,
        )
        if not _full_clean(post, path, errors, exclude=["kapittel"]):
            continue
        post.save()
        for j, b in enumerate(p["bindinger"]):
            nr = b.get("oppdrag") or ""
            Budsjettbinding.objects.create(post=post, tekst=b["tekst"], belop_kr=b["belop_kr"], oppdrag_nummer=nr,
                                           oppdrag=oppdrag.get(nr), kategori=b.get("kategori", "annet"), rekkefolge=j)
        fordelinger = [Fordeling.objects.create(post=post, tekst=f["tekst"], belop_kr=f["belop_kr"], rekkefolge=j)
                       for j, f in enumerate(p.get("fordeling", []))]
        for j, t in enumerate(p.get("tilskudd", [])):
            idx = t.get("fordeling")
            if idx is not None and not 0 <= idx < len(fordelinger):
                errors.append(f"{path}.tilskudd[{j}].fordeling: fordeling nr. {idx} finnes ikke på posten.")
                continue
            Tilskudd.objects.create(post=post, mottaker=t["mottaker"], belop_kr=t["belop_kr"], rekkefolge=j,
                                    fordeling=fordelinger[idx] if idx is not None else None)
