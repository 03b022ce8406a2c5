"""The report's results drawn as charts (kjerne/diagram.py draws them): per mål, the red/yellow/green
of its oppdrag and styringsparametere in each report period, and per numeric styringsparameter its
results over the periods against its baseline (utgangspunkt) and target (resultatkrav).

Only what the viewer may see goes in: the caller passes the reports the viewer may read
(``Rapport.objects.for_user(user)`` on a page; for a PDF, the reports sent to the ministry plus the
report itself, ``synlige_for_dokument``). The ministry therefore never draws a draft's figures.

A styringsparameter has no link to the same parameter in last year's letter (letters are carried
forward as copies, brev/videreforing.py), so a parameter keeps its identity across years by its
mål's number and its code («Mål 1», «SP 3»); a mål by its number. Everything is read in a fixed
number of queries, however many reports, parameters and oppdrag there are.
"""

from __future__ import annotations

import re
from collections import defaultdict
from dataclasses import dataclass, field

from django.db.models import Q
from django.utils.text import slugify

from kjerne.diagram import DEMPET, Diagram, Serie, linjediagram, stablet_stolpediagram

from .models import Oppdragsstatus, Parameterresultat, Rapport, RapportStatus, Risiko, Type

RESULTAT = "#0b4f8a"  # 8.6:1 on white
KRAV = "#1d6b2a"  # 6.9:1 on white

# The bars: the portal's light red/yellow/green (risiko/matrise.py) with a dark outline and dark
# counts printed on them, so the parts keep 3:1 against white and their neighbours, and carry text.
RISIKOFARGER = ((Risiko.ROD, "Rød", "#f4b5ae"), (Risiko.GUL, "Gul", "#ffe8a3"), (Risiko.GRONN, "Grønn", "#cde9d2"))


@dataclass
class Maaldiagrammer:
    """The charts of one mål, as the report (or Min side) shows them."""

    navn: str
    tittel: str
    risiko: Diagram | None = None
    parametere: list[Diagram] = field(default_factory=list)


def periodenavn(rapport: Rapport) -> str:
    """«Halvår 2024» for a halvårsrapport, «2024» for an årsrapport (as risk assessments name periods)."""
    return f"Halvår {rapport.rapport_aar}" if rapport.type == Type.HALVAARSRAPPORT else str(rapport.rapport_aar)


def _rekkefolge(rapport: Rapport) -> tuple:
    return (rapport.rapport_aar, 0 if rapport.type == Type.HALVAARSRAPPORT else 1, 0)


def _maaleverdi_rekkefolge(v) -> tuple:
    # A baseline named "2023" stands in the same column as the årsrapport 2023.
    if v.dato:
        return (v.dato.year, 1, -1)
    funnet = re.search(r"\b(1[89]\d\d|2\d\d\d)\b", v.periode)
    return (int(funnet.group(1)), 1, -1) if funnet else (0, 0, 0)


def synlige_for_dokument(rapport: Rapport):
    """The reports a PDF of ``rapport`` may draw from: those sent to its ministry, and itself."""
    return Rapport.objects.filter(Q(departement_id=rapport.departement_id,
                                    status__in=[RapportStatus.SENDT, RapportStatus.MOTTATT]) | Q(pk=rapport.pk))


def rapportdiagrammer(rapport: Rapport, synlige, *, id_prefiks: str = "diagram") -> list[Maaldiagrammer]:
    """Per mål of ``rapport``'s letter, its charts over the periods up to ``rapport``'s, from ``synlige``."""
    rapporter = sorted(synlige.filter(virksomhet_id=rapport.virksomhet_id,
                                      telletidspunkt__lte=rapport.telletidspunkt), key=_rekkefolge)
    if rapport.pk not in {r.pk for r in rapporter}:
        return []
    per_id = {r.pk: r for r in rapporter}
    resultater = list(Parameterresultat.objects.filter(rapport_id__in=per_id)
                      .select_related("styringsparameter__maal")
                      .prefetch_related("styringsparameter__resultatkrav", "styringsparameter__maaleverdier"))
    statuser = list(Oppdragsstatus.objects.filter(rapport_id__in=per_id).exclude(risiko=Risiko.IKKE_VURDERT)
                    .values_list("rapport_id", "risiko", "oppdrag__maal__nummer"))
    maal = list(rapport.tildelingsbrev.maal.all())

    egne = [r for r in resultater if r.rapport_id == rapport.pk]
    ut = []
    for m in maal:
        blokk = Maaldiagrammer(navn=m.navn, tittel=m.tittel)
        anker = f"{id_prefiks}-{slugify(str(m.nummer).replace('.', '-')) or m.pk}"
        blokk.risiko = _risikodiagram(m, rapporter, resultater, statuser, id_=f"{anker}-risiko")
        for r in egne:
            sp = r.styringsparameter
            if r.numerisk and sp.maal_id == m.pk and (d := _parameterdiagram(
                    r, rapporter, resultater, id_=f"{anker}-{slugify(sp.kode) or sp.pk}")):
                blokk.parametere.append(d)
        if blokk.risiko or blokk.parametere:
            ut.append(blokk)
    return ut


def _risikodiagram(maal, rapporter, resultater, statuser, *, id_: str) -> Diagram | None:
    nummer = str(maal.nummer)
    tellinger: dict[int, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    for rapport_id, risiko, maalnummer in statuser:
        if maalnummer is not None and str(maalnummer) == nummer:
            tellinger[rapport_id][risiko] += 1
    for r in resultater:
        if r.risiko and str(r.styringsparameter.maal.nummer) == nummer:
            tellinger[r.rapport_id][r.risiko] += 1
    perioder = [r for r in rapporter if sum(tellinger[r.pk].values())]
    if not perioder:
        return None
    serier = [Serie(navn, [tellinger[r.pk][verdi] for r in perioder], farge) for verdi, navn, farge in RISIKOFARGER]
    return stablet_stolpediagram(
        id_=id_, tittel=f"{maal.navn}: rød, gul og grønn per rapport",
        perioder=[periodenavn(r) for r in perioder], serier=serier,
        innledning="Antall oppdrag og styringsparametere under målet vurdert som rød, gul og grønn i hver rapport.")


def _parameterdiagram(egen: Parameterresultat, rapporter, resultater, *, id_: str) -> Diagram | None:
    """None until a result is reported: a target and a baseline alone are in the table already."""
    sp = egen.styringsparameter
    nokkel = (str(sp.maal.nummer), sp.kode)
    per_rapport = {r.rapport_id: r for r in resultater
                   if (str(r.styringsparameter.maal.nummer), r.styringsparameter.kode) == nokkel}
    kolonner: dict[str, tuple] = {}
    resultat: dict[str, object] = {}
    krav: dict[str, object] = {}
    utgangspunkt: dict[str, object] = {}
    enhet = ""
    for v in sp.maaleverdier.all():
        if v.verdi is not None:
            kolonner.setdefault(v.periode, _maaleverdi_rekkefolge(v))
            utgangspunkt[v.periode] = v.verdi
            enhet = enhet or v.enhet
    for rapport in rapporter:
        r = per_rapport.get(rapport.pk)
        if r is None:
            continue
        navn = periodenavn(rapport)
        kolonner[navn] = _rekkefolge(rapport)
        resultat[navn] = r.resultat_tall
        tall = [k for k in r.styringsparameter.resultatkrav.all() if k.verdi is not None]
        if tall:
            krav[navn] = tall[0].verdi
            enhet = tall[0].enhet or enhet
    if all(v is None for v in resultat.values()):
        return None
    perioder = sorted(kolonner, key=lambda p: kolonner[p])
    serier = [Serie("Resultat", [resultat.get(p) for p in perioder], RESULTAT)]
    if krav:
        serier.append(Serie("Resultatkrav", [krav.get(p) for p in perioder], KRAV, strek="7 4", fylt_punkt=False))
    if utgangspunkt:
        serier.append(Serie("Utgangspunkt", [utgangspunkt.get(p) for p in perioder], DEMPET, strek="2 3"))
    return linjediagram(
        id_=id_, tittel=f"{sp.kode}: {sp.tekst}", perioder=perioder, serier=serier, enhet=enhet,
        innledning=f"Resultatet for {sp.kode} i hver rapport, med resultatkravet for året og utgangspunktet.")


def minside_diagrammer(user) -> tuple[Rapport | None, list[Maaldiagrammer]]:
    """For agency staff: the charts of the latest report of their own agency (drafts included)."""
    if not getattr(user, "er_virksomhet", False) or not user.organisasjon_id:
        return None, []
    synlige = Rapport.objects.for_user(user)
    siste = (synlige.filter(virksomhet_id=user.organisasjon_id)
             .select_related("tildelingsbrev").order_by("-telletidspunkt").first())
    if siste is None:
        return None, []
    return siste, rapportdiagrammer(siste, synlige, id_prefiks="minside-diagram")
