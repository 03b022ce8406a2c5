"""Reading a year's styringsdialog from the archive format (arkiv/dialog_skjema.py) into the portal.

The year's letter must be in the portal already (import_tildelingsbrev first): meetings belong to
it, and decisions, agenda items and risks name its oppdrag and mål by number. The whole file is
checked against the schema and against what the portal holds before anything is written; then
everything is written in one transaction, and any problem still found rolls all of it back. Every
problem is named in Norwegian with its JSON path."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import time
from decimal import Decimal
from typing import Any

from django.contrib.auth import get_user_model
from django.db import IntegrityError, transaction

from kjerne.historikk import acting_user
from moter.models import Deltaker, Mote, Punktoppdatering, Referat, Referatstatus, Sak, Vedlegg, Vedtak
from moter.models import Merknad as Referatmerknad
from oppdrag.models import Oppdrag
from rapportering.models import Rapport, Tallsvar
from revisjon.models import Merknad, Merknadsstatus, Revisjonstiltak, Svarbrev
from risiko.models import Periodetype, Risiko, Risikotiltak, Risikovurdering, Vurderingsstatus
from styring.models import Maal, Moete, Organisasjon, Tildelingsbrev

from .dialog_skjema import FORMAT, KJENTE_VERSJONER, KLOKKESLETT, ROOT, tidspunkt
from .innlesing import _full_clean, _lagre
from .skjema import MAKS_DYBDE, ArkivFeil, _d, _validate, for_dyp


@dataclass
class Resultat:
    """What an import wrote, and what it could not link (said by the command, not an error)."""

    brev: Tildelingsbrev
    moter: int = 0
    risikovurderinger: int = 0
    merknader: int = 0
    brukere_opprettet: list[str] = field(default_factory=list)
    merknader_til_bruker: list[str] = field(default_factory=list)


@dataclass
class _Kontekst:
    brev: Tildelingsbrev
    virksomhet: Organisasjon
    orgs: dict[str, Organisasjon]
    brukere: dict[str, Any]
    oppdrag: dict[str, Oppdrag]
    maal: dict[str, Maal]
    kalender: dict[tuple, Moete]
    rapporter: dict[tuple, Rapport]


def _nr(v) -> str | None:
    return None if v is None else (" ".join(v.split()) if isinstance(v, str) else str(v))


def _gjentatt(sett: dict, nokkel, indeks: int) -> int | None:
    """Where ``nokkel`` first stood when it stands again; None the first time (which notes it)."""
    forste = sett.setdefault(nokkel, indeks)
    return forste if forste != indeks else None


def _periode(aar: int, periodetype: str) -> str:
    return f"Halvår {aar}" if periodetype == Periodetype.HALVAAR else str(aar)


# --- what the file names ---------------------------------------------------------------------------

def _personreferanser(data: dict) -> list[tuple[str, str]]:
    """(path, username) for every person the file names outside "personer"."""
    refs: list[tuple[str, str | None]] = []
    for i, m in enumerate(data.get("moter", [])):
        p = f"moter[{i}]"
        refs += [(f"{p}.deltakere[{j}].bruker", d["bruker"]) for j, d in enumerate(m["deltakere"])]
        refs += [(f"{p}.dagsorden[{j}].foreslatt_av", s["foreslatt_av"]) for j, s in enumerate(m["dagsorden"])]
        refs += [(f"{p}.dokumenter[{j}].lastet_opp_av", d["lastet_opp_av"])
                 for j, d in enumerate(m.get("dokumenter", []))]
        if "referat" in m:
            r = m["referat"]
            refs += [(f"{p}.referat.{k}", r[k]) for k in ("sendt_av", "godkjent_departement_av",
                                                          "godkjent_virksomhet_av")]
            refs += [(f"{p}.referat.merknader[{j}].skrevet_av", k["skrevet_av"]) for j, k in enumerate(r["merknader"])]
        for j, v in enumerate(m["vedtak"]):
            refs.append((f"{p}.vedtak[{j}].ansvarlig", v["ansvarlig"]))
            refs += [(f"{p}.vedtak[{j}].oppfolging[{k}].skrevet_av", o["skrevet_av"])
                     for k, o in enumerate(v["oppfolging"])]
    for i, v in enumerate(data.get("risikovurderinger", [])):
        refs.append((f"risikovurderinger[{i}].delt_av", v["delt_av"]))
        for j, r in enumerate(v["risikoer"]):
            refs += [(f"risikovurderinger[{i}].risikoer[{j}].tiltak[{k}].ansvarlig", t["ansvarlig"])
                     for k, t in enumerate(r["tiltak"])]
    for i, m in enumerate(data.get("riksrevisjonen", [])):
        refs += [(f"riksrevisjonen[{i}].tiltak[{k}].ansvarlig", t["ansvarlig"]) for k, t in enumerate(m["tiltak"])]
        refs += [(f"riksrevisjonen[{i}].svarbrev[{k}].lastet_opp_av", s["lastet_opp_av"])
                 for k, s in enumerate(m["svarbrev"])]
    return [(p, u) for p, u in refs if u is not None]


def _oppdragsreferanser(data: dict) -> list[tuple[str, str]]:
    refs: list[tuple[str, str | None]] = []
    for i, m in enumerate(data.get("moter", [])):
        refs += [(f"moter[{i}].dagsorden[{j}].oppdrag", s["oppdrag"]) for j, s in enumerate(m["dagsorden"])]
        refs += [(f"moter[{i}].vedtak[{j}].oppdrag", v["oppdrag"]) for j, v in enumerate(m["vedtak"])]
    for i, v in enumerate(data.get("risikovurderinger", [])):
        refs += [(f"risikovurderinger[{i}].risikoer[{j}].oppdrag", r["oppdrag"]) for j, r in enumerate(v["risikoer"])]
    return [(p, n) for p, n in refs if n is not None]


# --- checks before anything is written ----------------------------------------------------------------

def _organisasjon(kortnavn: str, type_: str, path: str, errors: list[str]) -> Organisasjon | None:
    org = Organisasjon.objects.filter(kortnavn=kortnavn).first()
    if org is None:
        errors.append(f"{path}: organisasjonen «{kortnavn}» finnes ikke i portalen. Les inn årets tildelingsbrev "
                      "først (manage.py import_tildelingsbrev --opprett-organisasjon).")
    elif org.type != type_:
        errors.append(f"{path}: «{kortnavn}» er ikke {'et departement' if type_ == 'departement' else 'en virksomhet'} "
                      "i portalen.")
        return None
    return org


def _sjekk_felt(obj, path: str, errors: list[str], exclude: list[str], navn: dict[str, str] | None = None) -> None:
    """The row's own fields checked as the model checks them (lengths as on PostgreSQL, choices, the
    1–5 scales), before anything is written. ``navn`` gives a field's key in the file where it
    differs (``periodetype`` is ``periode``); a choice refused names the values it may take."""
    egne: list[str] = []
    _full_clean(obj, path, egne, exclude=exclude, bare_felt=True)
    navn = navn or {}
    for feil in egne:
        felt_sti, _, melding = feil.partition(": ")
        felt = felt_sti.removeprefix(path + ".") if felt_sti.startswith(path + ".") else None
        if felt:
            modellfelt = obj._meta.get_field(felt)
            if modellfelt.choices and "gyldig valg" in melding:
                melding += f" Gyldige verdier: {', '.join(str(v) for v, _ in modellfelt.choices)}."
            felt_sti = f"{path}.{navn.get(felt, felt)}"
        errors.append(f"{felt_sti}: {melding}")


def _sjekk_tid(verdi: str | None, path: str, errors: list[str], *, paakrevd: bool = True) -> None:
    if verdi is None:
        if paakrevd:
            errors.append(f"{path}: mangler tidspunkt.")
        return
    if tidspunkt(verdi) is None:
        errors.append(f"{path}: «{verdi}» er ikke et tidspunkt med tidssone (ÅÅÅÅ-MM-DDTTT:MM:SS+01:00).")


def _sjekk_personer(data: dict, opprett: bool, errors: list[str]) -> dict:
    """Every username the file names is listed under "personer" and is a user of the portal, or,
    with --opprett-brukere, can be created from that list (then without login: no password, inactive)."""
    User = get_user_model()
    personer: dict[str, tuple[int, dict]] = {}
    for i, p in enumerate(data.get("personer", [])):
        if p["brukernavn"] in personer:
            errors.append(f"personer[{i}].brukernavn: «{p['brukernavn']}» står allerede "
                          f"(personer[{personer[p['brukernavn']][0]}]).")
        personer.setdefault(p["brukernavn"], (i, p))
    refs = _personreferanser(data)
    finnes = {u.username: u for u in User.objects.filter(username__in={u for _, u in refs} | set(personer))}
    for path, brukernavn in refs:
        if brukernavn not in personer:
            errors.append(f"{path}: «{brukernavn}» står ikke under personer.")
    for brukernavn in sorted({u for _, u in refs if u in personer and u not in finnes}, key=lambda u: personer[u][0]):
        i, p = personer[brukernavn]
        if not opprett:
            errors.append(f"personer[{i}].brukernavn: brukeren «{brukernavn}» finnes ikke i portalen. Opprett "
                          "brukeren først, eller les inn med --opprett-brukere.")
            continue
        if p["organisasjon"] is not None and not Organisasjon.objects.filter(kortnavn=p["organisasjon"]).exists():
            errors.append(f"personer[{i}].organisasjon: organisasjonen «{p['organisasjon']}» finnes ikke i portalen.")
        _sjekk_felt(_ny_bruker(p), f"personer[{i}]", errors, ["password", "organisasjon"],
                    {"username": "brukernavn", "email": "epost", "first_name": "navn", "last_name": "navn"})
    return finnes


def _ny_bruker(p: dict):
    fornavn, _, etternavn = p["navn"].strip().rpartition(" ")
    if not fornavn:
        fornavn, etternavn = etternavn, ""
    return get_user_model()(username=p["brukernavn"], first_name=fornavn, last_name=etternavn, email=p["epost"],
                            is_active=False)


def _sjekk_tiltak(liste: list[dict], modell, path: str, errors: list[str]) -> None:
    for k, t in enumerate(liste):
        tp = f"{path}.tiltak[{k}]"
        if not t["tekst"].strip():
            errors.append(f"{tp}.tekst: et tiltak må ha en tekst.")
        _sjekk_felt(modell(tekst=t["tekst"] or "-", frist=_d(t["frist"]), status=t["status"], rekkefolge=k + 1),
                    tp, errors, ["risiko", "merknad", "ansvarlig"])


def _sjekk_fil(obj, d: dict, path: str, eier: str, errors: list[str]) -> None:
    """A document or reply letter: its metadata only (the file is not in the archive), under a name in
    the file storage that no other row of the portal uses, so it cannot come to point at another's file."""
    _sjekk_tid(d["lastet_opp"], f"{path}.lastet_opp", errors)
    if not d["fil"].strip():
        errors.append(f"{path}.fil: mangler filnavn.")
    elif type(obj).objects.filter(fil=d["fil"]).exists():
        errors.append(f"{path}.fil: filen «{d['fil']}» hører allerede til {eier} i portalen.")
    fk = [f.name for f in obj._meta.concrete_fields if f.is_relation]
    _sjekk_felt(obj, path, errors, fk)


def _sjekk_moter(data: dict, kx: _Kontekst, errors: list[str]) -> None:
    moter = data.get("moter", [])
    if moter and kx.brev.status != "sendt":
        errors.append(f"moter: {kx.virksomhet}s tildelingsbrev for {kx.brev.aar} er ikke sendt; møtene i "
                      "styringsdialogen hører til et sendt brev.")
    # A meeting the portal made from the calendar and nobody has touched is replaced by the file's.
    tomme = Mote.objects.tomme_fra_kalender().values("pk")
    finnes = set(Mote.objects.filter(tildelingsbrev=kx.brev).exclude(pk__in=tomme).values_list("dato", "tittel"))
    i_filen: dict[tuple, int] = {}
    vedtak_i_filen: set[tuple] = set()
    for m in moter:
        for v in m["vedtak"]:
            vedtak_i_filen.add((m["dato"], m["tittel"], v["nummer"]))
    koblet = set(Mote.objects.filter(kalenderpunkt__isnull=False).exclude(pk__in=tomme)
                 .values_list("kalenderpunkt_id", flat=True))
    for i, m in enumerate(moter):
        p = f"moter[{i}]"
        nokkel = (m["dato"], m["tittel"])
        if (forste := _gjentatt(i_filen, nokkel, i)) is not None:
            errors.append(f"{p}: møtet «{m['tittel']}» {_d(m['dato']):%d.%m.%Y} står allerede (moter[{forste}]).")
        if (_d(m["dato"]), m["tittel"]) in finnes:
            errors.append(f"{p}: møtet «{m['tittel']}» {_d(m['dato']):%d.%m.%Y} finnes allerede i portalen.")
        if m["klokkeslett"] is not None and not KLOKKESLETT.fullmatch(m["klokkeslett"]):
            errors.append(f"{p}.klokkeslett: «{m['klokkeslett']}» er ikke et klokkeslett (TT:MM).")
        if m["dagsorden_frist"] and m["dagsorden_frist"] > m["dato"]:
            errors.append(f"{p}.dagsorden_frist: fristen for saker til dagsorden må være før møtet.")
        _sjekk_felt(Mote(type=m["type"], tittel=m["tittel"], dato=_d(m["dato"]), sted=m["sted"],
                         dagsorden_frist=_d(m["dagsorden_frist"])), p, errors, ["tildelingsbrev", "kalenderpunkt", "grunnlag", "opprettet_av"])
        if "kalenderpunkt" in m:
            k = m["kalenderpunkt"]
            punkt = kx.kalender.get((k["tittel"], _d(k["dato"])))
            if punkt is None:
                errors.append(f"{p}.kalenderpunkt: brevets kalender har ikke «{k['tittel']}»"
                              f"{' ' + format(_d(k['dato']), '%d.%m.%Y') if k['dato'] else ''}.")
            elif punkt.pk in koblet:
                errors.append(f"{p}.kalenderpunkt: «{k['tittel']}» i brevets kalender har allerede et møte i portalen.")
        if "grunnlag" in m and m["grunnlag"]["type"] not in ("aarsrapport", "halvaarsrapport"):
            errors.append(f"{p}.grunnlag.type: «{m['grunnlag']['type']}» er ikke aarsrapport eller halvaarsrapport.")
        for j, d in enumerate(m["deltakere"]):
            if d["bruker"] is None and not d["navn"].strip():
                errors.append(f"{p}.deltakere[{j}]: en deltaker har en bruker eller et navn.")
            _sjekk_felt(Deltaker(side=d["side"], navn=d["navn"], stilling=d["stilling"]), f"{p}.deltakere[{j}]",
                        errors, ["mote", "bruker"])
        for j, s in enumerate(m["dagsorden"]):
            sp = f"{p}.dagsorden[{j}]"
            _sjekk_tid(s["foreslatt"], f"{sp}.foreslatt", errors)
            _sjekk_felt(Sak(kilde=s["kilde"], tittel=s["tittel"], beskrivelse=s["beskrivelse"], side=s["side"],
                            rekkefolge=j + 1), sp, errors, ["mote", "oppdrag", "punkt", "foreslatt_av"])
            if "punkt" in s:
                pk = s["punkt"]
                if (pk["mote_dato"], pk["mote_tittel"], pk["nummer"]) not in vedtak_i_filen and not Vedtak.objects.filter(
                        mote__tildelingsbrev__virksomhet=kx.virksomhet, mote__dato=_d(pk["mote_dato"]),
                        mote__tittel=pk["mote_tittel"], nummer=pk["nummer"], art=Vedtak.Art.OPPFOLGING).exists():
                    errors.append(f"{sp}.punkt: oppfølgingspunkt {pk['nummer']} fra «{pk['mote_tittel']}» "
                                  f"{_d(pk['mote_dato']):%d.%m.%Y} finnes ikke i filen eller i portalen.")
        for j, d in enumerate(m.get("dokumenter", [])):
            _sjekk_fil(Vedlegg(tittel=d["tittel"], fil=d["fil"], storrelse=d["storrelse"]), d,
                       f"{p}.dokumenter[{j}]", "et annet møte", errors)
        _sjekk_referat(m, p, errors)


def _sjekk_referat(m: dict, p: str, errors: list[str]) -> None:
    if "referat" not in m:
        if m["vedtak"]:
            errors.append(f"{p}.vedtak: vedtak står i referatet; møtet har ikke noe sendt referat i filen.")
        return
    r = m["referat"]
    rp = f"{p}.referat"
    if r["status"] == Referatstatus.UTKAST:
        errors.append(f"{rp}.status: et referat i utkast er departementets alene og hører ikke hjemme i arkivet; "
                      "bare sendte og godkjente referater leses inn.")
    _sjekk_felt(Referat(tekst=r["tekst"], status=r["status"]), rp, errors, ["mote", "sendt_av", "godkjent_departement_av", "godkjent_virksomhet_av"])
    _sjekk_tid(r["sendt"], f"{rp}.sendt", errors)
    godkjent = r["status"] == Referatstatus.GODKJENT
    for side in ("departement", "virksomhet"):
        _sjekk_tid(r[f"godkjent_{side}"], f"{rp}.godkjent_{side}", errors, paakrevd=godkjent)
    for j, k in enumerate(r["merknader"]):
        _sjekk_tid(k["skrevet"], f"{rp}.merknader[{j}].skrevet", errors)
        _sjekk_felt(Referatmerknad(tekst=k["tekst"]), f"{rp}.merknader[{j}]", errors, ["referat", "skrevet_av"])
    nummer: dict[int, int] = {}
    for j, v in enumerate(m["vedtak"]):
        vp = f"{p}.vedtak[{j}]"
        if (forste := _gjentatt(nummer, v["nummer"], j)) is not None:
            errors.append(f"{vp}.nummer: vedtak {v['nummer']} står allerede ({p}.vedtak[{forste}]).")
        _sjekk_felt(Vedtak(nummer=v["nummer"], art=v["art"], tittel=v["tittel"], tekst=v["tekst"],
                           frist=_d(v["frist"]), status=v["status"]), vp, errors, ["mote", "ansvarlig", "oppdrag"])
        if v["art"] == Vedtak.Art.OPPFOLGING and v["frist"] is None:
            errors.append(f"{vp}.frist: et oppfølgingspunkt må ha en frist.")
        if v["art"] == Vedtak.Art.OPPDRAG:
            if v["status"] != Vedtak.Status.AAPEN:
                errors.append(f"{vp}.status: bare et oppfølgingspunkt følges opp med status; et vedtak om nytt "
                              "oppdrag har status «aapen».")
            if v["oppfolging"]:
                errors.append(f"{vp}.oppfolging: bare et oppfølgingspunkt følges opp; et nytt oppdrag følges opp "
                              "som oppdrag.")
        elif v["oppdrag"] is not None:
            errors.append(f"{vp}.oppdrag: bare et vedtak om nytt oppdrag blir et oppdrag.")
        for k, o in enumerate(v["oppfolging"]):
            op = f"{vp}.oppfolging[{k}]"
            _sjekk_tid(o["skrevet"], f"{op}.skrevet", errors)
            _sjekk_felt(Punktoppdatering(status=o["status"], tekst=o["tekst"]), op, errors, ["vedtak", "skrevet_av"])


def _sjekk_risiko(data: dict, kx: _Kontekst, errors: list[str]) -> None:
    aar = data["aar"]
    i_filen: dict[str, tuple[int, set]] = {}
    for i, v in enumerate(data.get("risikovurderinger", [])):
        p = f"risikovurderinger[{i}]"
        periode = v["periode"]
        if periode in i_filen:
            errors.append(f"{p}.periode: vurderingen for {_periode(aar, periode)} står allerede "
                          f"(risikovurderinger[{i_filen[periode][0]}]).")
        if Risikovurdering.objects.filter(virksomhet=kx.virksomhet, aar=aar, periodetype=periode).exists():
            errors.append(f"{p}.periode: {kx.virksomhet} har allerede en risikovurdering for "
                          f"{_periode(aar, periode)} i portalen.")
        if v["departement"] not in kx.orgs:
            kx.orgs[v["departement"]] = _organisasjon(v["departement"], "departement", f"{p}.departement", errors)
        _sjekk_tid(v["delt"], f"{p}.delt", errors)
        _sjekk_felt(Risikovurdering(aar=aar, periodetype=periode, gjelder_per=_d(v["gjelder_per"]),
                                    sammendrag=v["sammendrag"], status=Vurderingsstatus.DELT), p, errors,
                    ["virksomhet", "departement", "opprettet_av", "delt_av"], {"periodetype": "periode"})
        nummer: dict[int, int] = {}
        for j, r in enumerate(v["risikoer"]):
            rp = f"{p}.risikoer[{j}]"
            if (forste := _gjentatt(nummer, r["nummer"], j)) is not None:
                errors.append(f"{rp}.nummer: R{r['nummer']} står allerede ({p}.risikoer[{forste}]).")
            _sjekk_felt(Risiko(nummer=r["nummer"], tittel=r["tittel"], beskrivelse=r["beskrivelse"],
                               sannsynlighet=r["sannsynlighet"], konsekvens=r["konsekvens"],
                               rest_sannsynlighet=r["rest_sannsynlighet"], rest_konsekvens=r["rest_konsekvens"],
                               akseptabel=r["akseptabel"], begrunnelse=r["begrunnelse"]), rp, errors,
                        ["vurdering", "maal", "oppdrag", "forrige"])
            if r["maal"] is not None and _nr(r["maal"]) not in kx.maal:
                errors.append(f"{rp}.maal: {kx.virksomhet}s tildelingsbrev for {aar} har ikke mål {_nr(r['maal'])}.")
            _sjekk_tiltak(r["tiltak"], Risikotiltak, rp, errors)
            if "forrige" in r:
                f = r["forrige"]
                tidligere = i_filen.get(f["periode"]) if f["aar"] == aar else None
                if not ((tidligere and f["nummer"] in tidligere[1]) or Risiko.objects.filter(
                        vurdering__virksomhet=kx.virksomhet, vurdering__aar=f["aar"],
                        vurdering__periodetype=f["periode"], nummer=f["nummer"]).exists()):
                    errors.append(f"{rp}.forrige: R{f['nummer']} i risikovurderingen for "
                                  f"{_periode(f['aar'], f['periode'])} finnes ikke i filen før denne eller i portalen.")
        i_filen.setdefault(periode, (i, set(nummer)))


def _sjekk_revisjon(data: dict, kx: _Kontekst, errors: list[str]) -> None:
    aar = data["aar"]
    sett: dict[tuple, int] = {}
    for i, r in enumerate(data.get("riksrevisjonen", [])):
        p = f"riksrevisjonen[{i}]"
        m = r["merknad"]
        dato = _d(m["dato"])
        if dato.year != aar:
            errors.append(f"{p}.merknad.dato: merknaden er datert {dato:%d.%m.%Y}; filen gjelder {aar} og har "
                          f"merknadene datert det året.")
        nokkel = (m["dato"], m["tittel"])
        if (forste := _gjentatt(sett, nokkel, i)) is not None:
            errors.append(f"{p}.merknad: merknaden står allerede (riksrevisjonen[{forste}]).")
        if Merknad.objects.filter(virksomhet=kx.virksomhet, dato=dato, tittel=m["tittel"]).exists():
            errors.append(f"{p}.merknad: merknaden «{m['tittel']}» {dato:%d.%m.%Y} finnes allerede i portalen.")
        if r["departement"] not in kx.orgs:
            kx.orgs[r["departement"]] = _organisasjon(r["departement"], "departement", f"{p}.departement", errors)
        if not m["tittel"].strip():
            errors.append(f"{p}.merknad.tittel: merknaden må ha en tittel.")
        if m["revidert_aar"] is not None and not 1990 <= m["revidert_aar"] <= 2100:
            errors.append(f"{p}.merknad.revidert_aar: «{m['revidert_aar']}» er ikke et regnskapsår (1990–2100).")
        if r["status"] == Merknadsstatus.LUKKET and (r["lukket"] is None or not r["lukket_begrunnelse"].strip()):
            errors.append(f"{p}.status: en lukket merknad har dato for lukking (lukket) og grunnlag "
                          "(lukket_begrunnelse).")
        _sjekk_felt(Merknad(kilde=m["kilde"], dato=dato, revidert_aar=m["revidert_aar"], referanse=m["referanse"],
                            tittel=m["tittel"] or "-", beskrivelse=m["tekst"], alvorlighet=m["alvorlighet"],
                            status=r["status"], lukket=_d(r["lukket"]), lukket_begrunnelse=r["lukket_begrunnelse"]),
                    p, errors, ["virksomhet", "departement", "registrert_av"],
                    {f: f"merknad.{f}" for f in ("kilde", "dato", "revidert_aar", "referanse", "tittel", "alvorlighet")}
                    | {"beskrivelse": "merknad.tekst"})
        _sjekk_tiltak(r["tiltak"], Revisjonstiltak, p, errors)
        for j, s in enumerate(r["svarbrev"]):
            _sjekk_fil(Svarbrev(tittel=s["tittel"], datert=_d(s["datert"]), fil=s["fil"], storrelse=s["storrelse"]), s,
                       f"{p}.svarbrev[{j}]", "en annen merknad", errors)


def _sjekk_fellesforinger(data: dict, kx: _Kontekst, errors: list[str]) -> None:
    """The answers belong to the årsrapport, which this format does not carry: each must name a
    fellesføring of the year's letter; nothing of them is written."""
    tallfelt: dict[str, set[str]] = {}
    for f in kx.brev.fellesforinger.prefetch_related("tallfelt"):
        tallfelt[f.nokkel] = {t.nokkel for t in f.tallfelt.all()}
    sett: dict[str, int] = {}
    for i, f in enumerate(data.get("fellesforinger", [])):
        p = f"fellesforinger[{i}]"
        if (forste := _gjentatt(sett, f["nokkel"], i)) is not None:
            errors.append(f"{p}.nokkel: «{f['nokkel']}» står allerede (fellesforinger[{forste}]).")
        if f["nokkel"] not in tallfelt:
            errors.append(f"{p}.nokkel: {kx.virksomhet}s tildelingsbrev for {kx.brev.aar} har ingen "
                          f"fellesføring «{f['nokkel']}».")
            continue
        if f["svar"] is None and f["tall"]:
            errors.append(f"{p}.tall: tall uten svar; årsrapporten er ikke sendt (svar er null).")
        for j, t in enumerate(f["tall"]):
            if t["nokkel"] not in tallfelt[f["nokkel"]]:
                errors.append(f"{p}.tall[{j}].nokkel: fellesføringen «{f['nokkel']}» ber ikke om tallet "
                              f"«{t['nokkel']}».")
            verdi = None if t["verdi"] is None else Decimal(str(t["verdi"]))
            if verdi is not None and verdi < 0:
                errors.append(f"{p}.tall[{j}].verdi: tallet kan ikke være negativt ({t['verdi']}).")
            _sjekk_felt(Tallsvar(verdi=verdi), f"{p}.tall[{j}]", errors, ["svar", "tallfelt"])


def _kontekst(data: dict, opprett_brukere: bool, errors: list[str]) -> _Kontekst | None:
    virksomhet = _organisasjon(data["virksomhet"], "virksomhet", "virksomhet", errors)
    departement = _organisasjon(data["departement"], "departement", "departement", errors)
    if virksomhet is None or departement is None:
        return None
    brev = (Tildelingsbrev.objects.filter(virksomhet=virksomhet, aar=data["aar"])
            .select_related("virksomhet", "departement").first())
    if brev is None:
        errors.append(f"aar: {virksomhet} har ikke noe tildelingsbrev for {data['aar']} i portalen. Les inn årets "
                      "tildelingsbrev først (manage.py import_tildelingsbrev), deretter styringsdialogen.")
        return None
    if brev.departement_id != departement.pk:
        errors.append(f"departement: {virksomhet}s tildelingsbrev for {brev.aar} er fra {brev.departement}, "
                      f"ikke {departement}.")
        return None
    brukere = _sjekk_personer(data, opprett_brukere, errors)
    nummer = {n for _, n in _oppdragsreferanser(data)}
    oppdrag = {o.nummer: o for o in Oppdrag.objects.filter(virksomhet=virksomhet, nummer__in=nummer)}
    for path, n in _oppdragsreferanser(data):
        if n not in oppdrag:
            errors.append(f"{path}: oppdrag {n} finnes ikke for {virksomhet} i portalen.")
    return _Kontekst(
        brev=brev, virksomhet=virksomhet, orgs={departement.kortnavn: departement}, brukere=brukere, oppdrag=oppdrag,
        maal={m.nummer: m for m in brev.maal.all()},
        kalender={(k.tittel, k.dato): k for k in brev.moter.all()},
        rapporter={(r.type, r.rapport_aar): r for r in Rapport.objects.filter(virksomhet=virksomhet)
                   .exclude(status="utkast")})


def import_styringsdialog(data: Any, *, user=None, opprett_brukere: bool = False) -> Resultat:
    """Load a year's dialog from the archive format in one transaction; raise ArkivFeil on any problem."""
    errors: list[str] = []
    if not isinstance(data, dict):
        raise ArkivFeil(["Filen skal inneholde ett JSON-objekt (styringsdialogen for et år)."])
    if for_dyp(data):
        raise ArkivFeil([f"Filen er nøstet for dypt (mer enn {MAKS_DYBDE} nivåer) til å være en styringsdialog."])
    _validate(data, ROOT, "", errors)
    if data.get("format", FORMAT) != FORMAT:
        errors.append(f"format: «{data.get('format')}» er ikke {FORMAT}.")
    versjon = data.get("versjon", KJENTE_VERSJONER[-1])
    if isinstance(versjon, int) and not isinstance(versjon, bool) and versjon not in KJENTE_VERSJONER:
        errors.append(f"versjon: filen har versjon {versjon} av arkivformatet for styringsdialogen, som denne "
                      f"portalen ikke kjenner; den leser versjon {' og '.join(map(str, KJENTE_VERSJONER))}.")
    if errors:
        raise ArkivFeil(errors)
    kx = _kontekst(data, opprett_brukere, errors)
    if kx is None:
        raise ArkivFeil(errors)
    _sjekk_moter(data, kx, errors)
    _sjekk_risiko(data, kx, errors)
    _sjekk_revisjon(data, kx, errors)
    _sjekk_fellesforinger(data, kx, errors)
    if errors:
        raise ArkivFeil(errors)
    try:
        with transaction.atomic(), acting_user(user):
            resultat = _skriv(data, kx, errors)
            if errors:
                raise ArkivFeil(errors)
            return resultat
    except IntegrityError as exc:  # a constraint the checks above did not foresee
        raise ArkivFeil(["Databasen avviste innholdet, trolig fordi noe står to ganger eller allerede finnes i "
                         "portalen. Ingenting er lagret."]) from exc


# --- writing ----------------------------------------------------------------------------------------

def _skriv(data: dict, kx: _Kontekst, errors: list[str]) -> Resultat:
    resultat = Resultat(brev=kx.brev)
    personer = {p["brukernavn"]: p for p in data.get("personer", [])}
    for brukernavn in sorted({u for _, u in _personreferanser(data)} - set(kx.brukere)):
        p = personer[brukernavn]
        bruker = _ny_bruker(p)
        bruker.organisasjon = Organisasjon.objects.filter(kortnavn=p["organisasjon"]).first() if p["organisasjon"] \
            else None
        bruker.set_unusable_password()
        bruker.save()
        kx.brukere[brukernavn] = bruker
        resultat.brukere_opprettet.append(brukernavn)

    def hvem(brukernavn: str | None):
        return kx.brukere[brukernavn] if brukernavn is not None else None

    vedtak: dict[tuple, Vedtak] = {}
    for i, m in enumerate(data.get("moter", [])):
        _skriv_mote(m, f"moter[{i}]", kx, hvem, vedtak, resultat, errors)
    vurderinger: dict[str, Risikovurdering] = {}
    for i, v in enumerate(data.get("risikovurderinger", [])):
        _skriv_vurdering(v, f"risikovurderinger[{i}]", data["aar"], kx, hvem, vurderinger, errors)
        resultat.risikovurderinger += 1
    for i, r in enumerate(data.get("riksrevisjonen", [])):
        _skriv_merknad(r, f"riksrevisjonen[{i}]", kx, hvem, errors)
        resultat.merknader += 1
    if besvart := sum(1 for f in data.get("fellesforinger", []) if f["svar"] is not None):
        resultat.merknader_til_bruker.append(
            f"fellesforinger: {besvart} svar fra årsrapporten er kontrollert mot brevets fellesføringer, men ikke "
            "lest inn (årsrapporten er ikke en del av arkivformatet).")
    return resultat


def _med_tidspunkt(obj, felt: str, verdi: str) -> None:
    """A time the model stamps on creation (auto_now_add) set to the file's: a second save may set it."""
    setattr(obj, felt, tidspunkt(verdi))
    obj.save(update_fields=[felt])


def _skriv_mote(m: dict, p: str, kx: _Kontekst, hvem, vedtak: dict, resultat: Resultat, errors: list[str]) -> None:
    grunnlag = None
    if "grunnlag" in m:
        grunnlag = kx.rapporter.get((m["grunnlag"]["type"], m["grunnlag"]["aar"]))
        if grunnlag is None:
            navn = "Årsrapporten" if m["grunnlag"]["type"] == "aarsrapport" else "Halvårsrapporten"
            resultat.merknader_til_bruker.append(
                f"{p}.grunnlag: {navn} for {m['grunnlag']['aar']} finnes ikke i portalen; møtet er lest inn uten "
                "rapporten det bygger på.")
    k = m.get("kalenderpunkt")
    if k:
        for tom in Mote.objects.tomme_fra_kalender().filter(kalenderpunkt=kx.kalender[(k["tittel"], _d(k["dato"]))]):
            tom.delete()
    mote = Mote(tildelingsbrev=kx.brev, type=m["type"], tittel=m["tittel"], dato=_d(m["dato"]),
                klokkeslett=time.fromisoformat(m["klokkeslett"]) if m["klokkeslett"] else None, sted=m["sted"],
                dagsorden_frist=_d(m["dagsorden_frist"]), grunnlag=grunnlag,
                kalenderpunkt=kx.kalender[(k["tittel"], _d(k["dato"]))] if k else None)
    if not _lagre(mote, p, errors, exclude=["tildelingsbrev", "kalenderpunkt", "grunnlag", "opprettet_av"]):
        return
    resultat.moter += 1
    for j, d in enumerate(m["deltakere"]):
        _lagre(Deltaker(mote=mote, side=d["side"], bruker=hvem(d["bruker"]), navn=d["navn"], stilling=d["stilling"]),
               f"{p}.deltakere[{j}]", errors, exclude=["mote", "bruker"])
    for j, d in enumerate(m.get("dokumenter", [])):
        # The file itself is not in the archive: its name in the storage is (docs/arkivformat.md).
        dok = Vedlegg(mote=mote, tittel=d["tittel"], fil=d["fil"], storrelse=d["storrelse"],
                      lastet_opp_av=hvem(d["lastet_opp_av"]))
        if _lagre(dok, f"{p}.dokumenter[{j}]", errors, exclude=["mote", "lastet_opp_av"]):
            _med_tidspunkt(dok, "lastet_opp", d["lastet_opp"])
    if "referat" in m:
        r = m["referat"]
        referat = Referat(mote=mote, tekst=r["tekst"], status=r["status"], sendt=tidspunkt(r["sendt"]),
                          sendt_av=hvem(r["sendt_av"]))
        for side in ("departement", "virksomhet"):
            setattr(referat, f"godkjent_{side}", tidspunkt(r[f"godkjent_{side}"]) if r[f"godkjent_{side}"] else None)
            setattr(referat, f"godkjent_{side}_av", hvem(r[f"godkjent_{side}_av"]))
        if _lagre(referat, f"{p}.referat", errors, exclude=["mote", "sendt_av", "godkjent_departement_av",
                                                           "godkjent_virksomhet_av"]):
            for j, k in enumerate(r["merknader"]):
                merknad = Referatmerknad(referat=referat, tekst=k["tekst"], skrevet_av=hvem(k["skrevet_av"]))
                if _lagre(merknad, f"{p}.referat.merknader[{j}]", errors, exclude=["referat", "skrevet_av"]):
                    _med_tidspunkt(merknad, "skrevet", k["skrevet"])
    for j, v in enumerate(m["vedtak"]):
        vp = f"{p}.vedtak[{j}]"
        vd = Vedtak(mote=mote, nummer=v["nummer"], art=v["art"], tittel=v["tittel"], tekst=v["tekst"],
                    ansvarlig=hvem(v["ansvarlig"]), frist=_d(v["frist"]), status=v["status"],
                    oppdrag=kx.oppdrag[v["oppdrag"]] if v["oppdrag"] else None)
        if not _lagre(vd, vp, errors, exclude=["mote", "ansvarlig", "oppdrag"]):
            continue
        vedtak[(m["dato"], m["tittel"], v["nummer"])] = vd
        for k, o in enumerate(v["oppfolging"]):
            opp = Punktoppdatering(vedtak=vd, status=o["status"], tekst=o["tekst"], skrevet_av=hvem(o["skrevet_av"]))
            if _lagre(opp, f"{vp}.oppfolging[{k}]", errors, exclude=["vedtak", "skrevet_av"]):
                _med_tidspunkt(opp, "skrevet", o["skrevet"])
    for j, s in enumerate(m["dagsorden"]):
        punkt = None
        if "punkt" in s:
            pk = s["punkt"]
            punkt = vedtak.get((pk["mote_dato"], pk["mote_tittel"], pk["nummer"])) or Vedtak.objects.filter(
                mote__tildelingsbrev__virksomhet=kx.virksomhet, mote__dato=_d(pk["mote_dato"]),
                mote__tittel=pk["mote_tittel"], nummer=pk["nummer"]).first()
        sak = Sak(mote=mote, kilde=s["kilde"], tittel=s["tittel"], beskrivelse=s["beskrivelse"], side=s["side"],
                  oppdrag=kx.oppdrag[s["oppdrag"]] if s["oppdrag"] else None, punkt=punkt,
                  foreslatt_av=hvem(s["foreslatt_av"]), rekkefolge=j + 1)
        if _lagre(sak, f"{p}.dagsorden[{j}]", errors, exclude=["mote", "oppdrag", "punkt", "foreslatt_av"]):
            _med_tidspunkt(sak, "opprettet", s["foreslatt"])


def _skriv_tiltak(liste: list[dict], modell, eier: dict, path: str, hvem, errors: list[str]) -> None:
    for k, t in enumerate(liste):
        _lagre(modell(**eier, tekst=t["tekst"], ansvarlig=hvem(t["ansvarlig"]), frist=_d(t["frist"]),
                      status=t["status"], rekkefolge=k + 1),
               f"{path}.tiltak[{k}]", errors, exclude=[*eier, "ansvarlig"])


def _skriv_vurdering(v: dict, p: str, aar: int, kx: _Kontekst, hvem, vurderinger: dict, errors: list[str]) -> None:
    vurdering = Risikovurdering(virksomhet=kx.virksomhet, departement=kx.orgs[v["departement"]], aar=aar,
                                periodetype=v["periode"], gjelder_per=_d(v["gjelder_per"]), sammendrag=v["sammendrag"],
                                status=Vurderingsstatus.DELT, delt=tidspunkt(v["delt"]), delt_av=hvem(v["delt_av"]))
    if not _lagre(vurdering, p, errors, exclude=["virksomhet", "departement", "opprettet_av", "delt_av"]):
        return
    vurderinger[v["periode"]] = vurdering
    for j, r in enumerate(v["risikoer"]):
        forrige = None
        if "forrige" in r:
            f = r["forrige"]
            forrige = Risiko.objects.filter(vurdering__virksomhet=kx.virksomhet, vurdering__aar=f["aar"],
                                            vurdering__periodetype=f["periode"], nummer=f["nummer"]).first()
        risiko = Risiko(vurdering=vurdering, nummer=r["nummer"], tittel=r["tittel"], beskrivelse=r["beskrivelse"],
                        maal=kx.maal[_nr(r["maal"])] if r["maal"] is not None else None,
                        oppdrag=kx.oppdrag[r["oppdrag"]] if r["oppdrag"] else None,
                        sannsynlighet=r["sannsynlighet"], konsekvens=r["konsekvens"],
                        rest_sannsynlighet=r["rest_sannsynlighet"], rest_konsekvens=r["rest_konsekvens"],
                        akseptabel=r["akseptabel"], begrunnelse=r["begrunnelse"], forrige=forrige)
        if _lagre(risiko, f"{p}.risikoer[{j}]", errors, exclude=["vurdering", "maal", "oppdrag", "forrige"]):
            _skriv_tiltak(r["tiltak"], Risikotiltak, {"risiko": risiko}, f"{p}.risikoer[{j}]", hvem, errors)


def _skriv_merknad(r: dict, p: str, kx: _Kontekst, hvem, errors: list[str]) -> None:
    m = r["merknad"]
    merknad = Merknad(virksomhet=kx.virksomhet, departement=kx.orgs[r["departement"]], kilde=m["kilde"],
                      dato=_d(m["dato"]), revidert_aar=m["revidert_aar"], referanse=m["referanse"], tittel=m["tittel"],
                      beskrivelse=m["tekst"], alvorlighet=m["alvorlighet"], status=r["status"],
                      lukket=_d(r["lukket"]), lukket_begrunnelse=r["lukket_begrunnelse"])
    if not _lagre(merknad, p, errors, exclude=["virksomhet", "departement", "registrert_av"]):
        return
    _skriv_tiltak(r["tiltak"], Revisjonstiltak, {"merknad": merknad}, p, hvem, errors)
    for j, s in enumerate(r["svarbrev"]):
        svar = Svarbrev(merknad=merknad, tittel=s["tittel"], datert=_d(s["datert"]), fil=s["fil"],
                        storrelse=s["storrelse"], lastet_opp_av=hvem(s["lastet_opp_av"]))
        if _lagre(svar, f"{p}.svarbrev[{j}]", errors, exclude=["merknad", "lastet_opp_av"]):
            _med_tidspunkt(svar, "lastet_opp", s["lastet_opp"])

