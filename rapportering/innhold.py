"""The report laid out as the document reads: parts in order, with the tables each part holds.

Built from a report loaded with ``Rapport.objects.with_report_data()`` without further queries;
the report page and the PDF both show this.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field

from kjerne.belop import format_kroner, format_mill
from rapportering.fellesforinger import Svarblokk, svarblokker
from rapportering.format import format_desimal, krav_tekst, maaleverdi_tekst
from rapportering.krav import beskrivelse, krav_for_deler
from rapportering.models import (
    Deldefinisjon,
    Kommentar,
    Oppdragsstatus,
    Parameterresultat,
    Postrapport,
    Rapport,
    Rapportdel,
)
from risiko.services import vurdering_for_rapport


@dataclass
class Maalblokk:
    maal: object
    resultater: list[Parameterresultat] = field(default_factory=list)


@dataclass
class Del:
    rad: Rapportdel
    definisjon: Deldefinisjon
    krav: object | None = None  # the letter's Rapporteringskrav this part answers (rapportering/krav.py)
    krav_beskrivelse: str = ""

    @property
    def blokker(self) -> tuple[str, ...]:
        return self.definisjon.blokker


@dataclass
class Summer:
    tildelt_kr: int = 0
    forbruk_kr: int | None = 0
    prognose_kr: int | None = 0
    avvik_kr: int | None = 0


@dataclass
class Innhold:
    rapport: Rapport
    deler: list[Del]
    maal: list[Maalblokk]
    oppdrag: list[Oppdragsstatus]
    poster: list[Postrapport]
    summer: Summer
    mangler_parametere: int
    mangler_poster: int
    ingenting: int
    rapportkommentarer: list[Kommentar]
    # The risk assessment for the period that the agency has shared with the report's ministry.
    risikovurdering: object | None = None
    # The årsrapport's answers to the letter's fellesføringer (rapportering/fellesforinger.py).
    fellesforinger: list[Svarblokk] = field(default_factory=list)

    @property
    def mangler_fellesforinger(self) -> int:
        return sum(b.mangler for b in self.fellesforinger)

    @property
    def mangler(self) -> int:
        return self.mangler_parametere + self.mangler_poster + self.mangler_fellesforinger


def _belop(value: int | None) -> str:
    return format_kroner(value) if value is not None else ""


def rapport_innhold(rapport: Rapport, *, user=None) -> Innhold:
    """``user``: who reads, for what counts as earlier years beside the fellesføringer's numbers
    (None, the PDF: sent reports only)."""
    per_element: dict[tuple[str, int], list[Kommentar]] = defaultdict(list)
    rapportkommentarer = []
    for k in rapport.kommentarer.all():
        if k.rapportdel_id:
            per_element[("del", k.rapportdel_id)].append(k)
        elif k.parameterresultat_id:
            per_element[("parameter", k.parameterresultat_id)].append(k)
        elif k.oppdragsstatus_id:
            per_element[("oppdrag", k.oppdragsstatus_id)].append(k)
        elif k.postrapport_id:
            per_element[("post", k.postrapport_id)].append(k)
        else:
            rapportkommentarer.append(k)

    definisjoner = {d.kode: d for d in rapport.deldefinisjoner}
    deler = []
    alle = list(rapport.deler.all())
    krav_per_del = krav_for_deler(alle)
    for d in alle:
        d.departementets_kommentarer = per_element[("del", d.pk)]
        k = krav_per_del.get(d.kode)
        deler.append(Del(rad=d, definisjon=definisjoner.get(d.kode, Deldefinisjon(d.kode, d.tittel, "")),
                         krav=k, krav_beskrivelse=beskrivelse(k) if k else ""))

    maal: dict[int, Maalblokk] = {}
    mangler_parametere = ingenting = 0
    for r in rapport.parameterresultater.all():
        sp = r.styringsparameter
        r.departementets_kommentarer = per_element[("parameter", r.pk)]
        r.krav = [krav_tekst(k) for k in sp.resultatkrav.all()]
        r.utgangspunkt = [maaleverdi_tekst(v) for v in sp.maaleverdier.all()]
        r.resultat_visning = format_desimal(r.resultat_tall) if r.numerisk else r.resultat_tekst
        maal.setdefault(sp.maal_id, Maalblokk(maal=sp.maal)).resultater.append(r)
        mangler_parametere += r.mangler
        ingenting += r.ingenting_aa_rapportere

    oppdrag = list(rapport.oppdragsstatuser.all())
    for o in oppdrag:
        o.departementets_kommentarer = per_element[("oppdrag", o.pk)]

    poster = list(rapport.postrapporter.all())
    summer = Summer()
    for p in poster:
        p.departementets_kommentarer = per_element[("post", p.pk)]
        p.tildelt_visning, p.forbruk_visning = _belop(p.tildelt_kr), _belop(p.forbruk_kr)
        p.prognose_visning, p.avvik_visning = _belop(p.prognose_kr), _belop(p.avvik_kr)
        p.tildelt_mill = format_mill(p.tildelt_kr)
        summer.tildelt_kr += p.tildelt_kr
        summer.forbruk_kr += p.forbruk_kr or 0
        summer.prognose_kr += p.prognose_kr or 0
    mangler_poster = sum(p.mangler for p in poster)
    # A total is only meaningful when every post has the figure; a partial sum would mislead.
    if any(p.forbruk_kr is None for p in poster):
        summer.forbruk_kr = None
    if any(p.prognose_kr is None for p in poster):
        summer.prognose_kr = None
    summer.avvik_kr = None if mangler_poster else summer.tildelt_kr - summer.forbruk_kr - summer.prognose_kr

    risikovurdering = None
    if any("risiko" in d.blokker for d in deler):
        risikovurdering = vurdering_for_rapport(virksomhet_id=rapport.virksomhet_id,
                                                departement_id=rapport.departement_id, per=rapport.telletidspunkt)

    fellesforinger = svarblokker(rapport, user=user) if any("fellesforinger" in d.blokker for d in deler) else []

    return Innhold(rapport=rapport, deler=deler, maal=list(maal.values()), oppdrag=oppdrag, poster=poster,
                   summer=summer, mangler_parametere=mangler_parametere, mangler_poster=mangler_poster,
                   ingenting=ingenting, rapportkommentarer=rapportkommentarer, risikovurdering=risikovurdering,
                   fellesforinger=fellesforinger)
