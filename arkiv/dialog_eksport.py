"""The year's styringsdialog between a ministry and an agency as an archive file (version 1): the
meetings of the year's letter with their agenda, minutes and decisions, the agency's risk
assessments for the year, Riksrevisjonen's remarks dated in the year with the follow-up plan, and
the årsrapport's answers to the letter's fellesføringer.

Only what the two sides have shared leaves: minutes in draft are the ministry's alone and risk
assessments in draft the agency's alone, so neither is written, nor the decisions in draft minutes,
nor the answers of an årsrapport that is not sent. Export → import into an empty database (the
letter imported first) → export gives identical JSON."""

from __future__ import annotations

from django.db.models import Prefetch

from moter.models import Deltaker, Mote, Punktoppdatering, Referatstatus, Sak, Vedtak
from moter.models import Merknad as Referatmerknad
from rapportering.models import Rapport, RapportStatus, Tallsvar
from revisjon.models import Merknad, Revisjonstiltak, Svarbrev
from risiko.models import Risiko, Risikotiltak, Risikovurdering, Vurderingsstatus
from styring.models import Organisasjon, Tildelingsbrev

from .dialog_skjema import FORMAT, VERSJON, tid_iso
from .skjema import _iso


class Personer:
    """The people the file names, by username; each is listed once under "personer"."""

    def __init__(self):
        self._alle: dict[str, object] = {}

    def __call__(self, user) -> str | None:
        if user is None:
            return None
        self._alle[user.username] = user
        return user.username

    def liste(self) -> list[dict]:
        # The organisations in one query, however each user was fetched.
        kortnavn = dict(Organisasjon.objects.filter(pk__in={u.organisasjon_id for u in self._alle.values()})
                        .values_list("pk", "kortnavn"))
        return [{"brukernavn": u.username, "navn": u.get_full_name(), "epost": u.email,
                 "organisasjon": kortnavn.get(u.organisasjon_id)}
                for u in sorted(self._alle.values(), key=lambda u: u.username)]


def _tiltak(t, person: Personer) -> dict:
    return {"tekst": t.tekst, "ansvarlig": person(t.ansvarlig), "frist": _iso(t.frist), "status": t.status}


def _mote(m: Mote, person: Personer) -> dict:
    referat = m.referat if m.har_referat else None
    sendt = referat is not None and referat.status != Referatstatus.UTKAST
    ut = {
        "type": m.type, "tittel": m.tittel, "dato": _iso(m.dato),
        "klokkeslett": m.klokkeslett.strftime("%H:%M") if m.klokkeslett else None,
        "sted": m.sted, "dagsorden_frist": _iso(m.dagsorden_frist),
    }
    if m.kalenderpunkt_id:
        ut["kalenderpunkt"] = {"tittel": m.kalenderpunkt.tittel, "dato": _iso(m.kalenderpunkt.dato)}
    # The report it is based on, named only once the agency has sent it (a draft report is the agency's).
    if m.grunnlag_id and m.grunnlag.status != "utkast":
        ut["grunnlag"] = {"type": m.grunnlag.type, "aar": m.grunnlag.rapport_aar}
    ut["deltakere"] = [{"side": d.side, "bruker": person(d.bruker), "navn": d.navn, "stilling": d.stilling}
                       for d in m.deltakere.all()]
    ut["dagsorden"] = [{
        "kilde": s.kilde, "tittel": s.tittel, "beskrivelse": s.beskrivelse,
        "oppdrag": s.oppdrag.nummer if s.oppdrag_id else None, "side": s.side,
        "foreslatt_av": person(s.foreslatt_av), "foreslatt": tid_iso(s.opprettet),
        **({"punkt": {"mote_dato": _iso(s.punkt.mote.dato), "mote_tittel": s.punkt.mote.tittel,
                      "nummer": s.punkt.nummer}} if s.punkt_id else {}),
    } for s in m.saker.all()]
    if dokumenter := list(m.vedlegg.all()):
        ut["dokumenter"] = [{"tittel": v.tittel, "fil": v.fil.name, "storrelse": v.storrelse,
                             "lastet_opp": tid_iso(v.lastet_opp), "lastet_opp_av": person(v.lastet_opp_av)}
                            for v in dokumenter]
    if sendt:
        ut["referat"] = {
            "status": referat.status, "tekst": referat.tekst,
            "sendt": tid_iso(referat.sendt), "sendt_av": person(referat.sendt_av),
            "godkjent_departement": tid_iso(referat.godkjent_departement),
            "godkjent_departement_av": person(referat.godkjent_departement_av),
            "godkjent_virksomhet": tid_iso(referat.godkjent_virksomhet),
            "godkjent_virksomhet_av": person(referat.godkjent_virksomhet_av),
            "merknader": [{"tekst": k.tekst, "skrevet": tid_iso(k.skrevet), "skrevet_av": person(k.skrevet_av)}
                          for k in referat.merknader.all()],
        }
    # Decisions are written in the minutes: while those are the ministry's draft, so are they.
    ut["vedtak"] = [{
        "nummer": v.nummer, "art": v.art, "tittel": v.tittel, "tekst": v.tekst, "ansvarlig": person(v.ansvarlig),
        "frist": _iso(v.frist), "status": v.status, "oppdrag": v.oppdrag.nummer if v.oppdrag_id else None,
        "oppfolging": [{"status": p.status, "tekst": p.tekst, "skrevet": tid_iso(p.skrevet),
                        "skrevet_av": person(p.skrevet_av)}
                       for p in sorted(v.oppdateringer.all(), key=lambda p: (p.skrevet, p.pk))],
    } for v in m.vedtak.all()] if sendt else []
    return ut


def _moter(brev: Tildelingsbrev) -> list[Mote]:
    """The meetings of the year's letter; a letter not yet sent is the ministry's, and so are its meetings."""
    if brev.status != "sendt":
        return []
    return list(
        Mote.objects.filter(tildelingsbrev=brev)
        .select_related("kalenderpunkt", "grunnlag", "referat__sendt_av", "referat__godkjent_departement_av",
                        "referat__godkjent_virksomhet_av")
        .prefetch_related(
            Prefetch("deltakere", queryset=Deltaker.objects.select_related("bruker")),
            Prefetch("saker", queryset=Sak.objects.select_related("oppdrag", "foreslatt_av",
                                                                  "punkt__mote")),
            "vedlegg__lastet_opp_av",
            Prefetch("referat__merknader", queryset=Referatmerknad.objects.select_related(
                "skrevet_av")),
            Prefetch("vedtak", queryset=Vedtak.objects.select_related("ansvarlig", "oppdrag")
                     .prefetch_related(Prefetch("oppdateringer", queryset=Punktoppdatering.objects.select_related(
                         "skrevet_av")))),
        ))


def _risikovurderinger(virksomhet: Organisasjon, aar: int, person: Personer) -> list[dict]:
    """The year's assessments shared with the ministry (a draft is the agency's alone), half year first."""
    vurderinger = (Risikovurdering.objects.filter(virksomhet=virksomhet, aar=aar, status=Vurderingsstatus.DELT)
                   .select_related("departement", "delt_av").order_by("gjelder_per", "pk")
                   .prefetch_related(Prefetch("risikoer", queryset=Risiko.objects.select_related(
                       "maal", "oppdrag", "forrige__vurdering").prefetch_related(
                       Prefetch("tiltak", queryset=Risikotiltak.objects.select_related("ansvarlig"))))))
    ut = []
    for v in vurderinger:
        risikoer = []
        for r in v.risikoer.all():
            forrige = r.forrige
            risikoer.append({
                "nummer": r.nummer, "tittel": r.tittel, "beskrivelse": r.beskrivelse,
                "maal": r.maal.nummer if r.maal_id else None, "oppdrag": r.oppdrag.nummer if r.oppdrag_id else None,
                "sannsynlighet": r.sannsynlighet, "konsekvens": r.konsekvens,
                "rest_sannsynlighet": r.rest_sannsynlighet, "rest_konsekvens": r.rest_konsekvens,
                "akseptabel": r.akseptabel, "begrunnelse": r.begrunnelse,
                "tiltak": [_tiltak(t, person) for t in r.tiltak.all()],
                # The same risk in the previous assessment (the trend), when that one was shared too.
                **({"forrige": {"aar": forrige.vurdering.aar, "periode": forrige.vurdering.periodetype,
                                "nummer": forrige.nummer}}
                   if forrige is not None and forrige.vurdering.status == Vurderingsstatus.DELT else {}),
            })
        ut.append({"periode": v.periodetype, "gjelder_per": _iso(v.gjelder_per),
                   "departement": v.departement.kortnavn, "sammendrag": v.sammendrag,
                   "delt": tid_iso(v.delt), "delt_av": person(v.delt_av), "risikoer": risikoer})
    return ut


def _riksrevisjonen(virksomhet: Organisasjon, aar: int, person: Personer) -> list[dict]:
    """Riksrevisjonen's remarks dated in the year, each with the agency's plan and its reply letters
    (their metadata: the files themselves are not in the archive)."""
    merknader = (Merknad.objects.filter(virksomhet=virksomhet, dato__year=aar).select_related("departement")
                 .order_by("dato", "pk")
                 .prefetch_related(Prefetch("tiltak", queryset=Revisjonstiltak.objects.select_related(
                     "ansvarlig")),
                     Prefetch("svarbrev", queryset=Svarbrev.objects.select_related("lastet_opp_av")
                              .order_by("datert", "pk"))))
    return [{
        "merknad": {"kilde": m.kilde, "dato": _iso(m.dato), "revidert_aar": m.revidert_aar,
                    "referanse": m.referanse, "tittel": m.tittel, "tekst": m.beskrivelse,
                    "alvorlighet": m.alvorlighet},
        "departement": m.departement.kortnavn, "status": m.status, "lukket": _iso(m.lukket),
        "lukket_begrunnelse": m.lukket_begrunnelse,
        "tiltak": [_tiltak(t, person) for t in m.tiltak.all()],
        "svarbrev": [{"tittel": s.tittel, "datert": _iso(s.datert), "fil": s.fil.name, "storrelse": s.storrelse,
                      "lastet_opp": tid_iso(s.lastet_opp), "lastet_opp_av": person(s.lastet_opp_av)}
                     for s in m.svarbrev.all()],
    } for m in merknader]


def _fellesforinger(brev: Tildelingsbrev) -> list[dict]:
    """The letter's fellesføringer by their stable key, each with the year's årsrapport's answer and
    numbers; only once the agency has sent the årsrapport (a draft is the agency's alone)."""
    if brev.status != "sendt":
        return []
    rapport = (Rapport.objects.filter(virksomhet_id=brev.virksomhet_id, type="aarsrapport", rapport_aar=brev.aar,
                                      tildelingsbrev=brev).exclude(status=RapportStatus.UTKAST).first())
    svar = {}
    if rapport is not None:
        svar = {s.fellesforing_id: s for s in rapport.fellesforingssvar.prefetch_related(
            Prefetch("tall", queryset=Tallsvar.objects.select_related("tallfelt")))}
    ut = []
    for f in brev.fellesforinger.all():
        s = svar.get(f.pk)
        ut.append({"nokkel": f.nokkel, "tittel": f.tittel, "svar": s.tekst if s else None,
                   "tall": [{"nokkel": t.tallfelt.nokkel, "navn": t.tallfelt.navn, "enhet": t.tallfelt.enhet,
                             "verdi": _desimal(t.verdi)} for t in s.tall.all()] if s else []})
    return ut


def _desimal(v) -> str | None:
    """A decimal as text, as the letter's archive writes them ("12500000", "3.5")."""
    return None if v is None else format(v.normalize(), "f")


def export_styringsdialog(brev: Tildelingsbrev) -> dict:
    """The dialog of the letter's agency and year as a JSON-ready dict in the archive format (version 1)."""
    brev = Tildelingsbrev.objects.select_related("virksomhet", "departement").get(pk=brev.pk)
    virksomhet, aar = brev.virksomhet, brev.aar
    person = Personer()
    moter = [_mote(m, person) for m in _moter(brev)]
    risiko = _risikovurderinger(virksomhet, aar, person)
    revisjon = _riksrevisjonen(virksomhet, aar, person)
    return {
        "format": FORMAT, "versjon": VERSJON,
        "virksomhet": virksomhet.kortnavn, "departement": brev.departement.kortnavn, "aar": aar,
        "personer": person.liste(),
        "moter": moter,
        "risikovurderinger": risiko,
        "riksrevisjonen": revisjon,
        "fellesforinger": _fellesforinger(brev),
    }
