"""Where an older letter's målområder and delområder stand among its mål, in the letter's order.

A målområde ("3 Integrering") is a heading before the first mål it groups (mål 3.1, 3.2); a
delområde ("3.2.1 Bosetting", ``under_maal`` set) is a heading with its text inside its mål. A
målområde that groups no mål stands where its number falls among the mål ("3.3" after mål 3.2),
so nothing is left as an empty heading after the mål part. The letter page, the letter's PDF and
the editor read the same placement.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass
class Omraade:
    gruppe: object  # Maalgruppe
    dybde: int  # 0 at the top; one more per heading it sits under

    @property
    def er_delomraade(self) -> bool:
        return self.gruppe.under_maal_id is not None


def _sortert(grupper) -> list:
    return sorted(grupper, key=lambda g: (g.sorteringsnokkel, g.nummer))


def plasser_omraader(maal_list: list, grupper: list) -> list[Omraade]:
    """Set ``omraader_foer`` (headings just before) and ``delomraader_i`` (headings inside) on every
    mål of ``maal_list`` (in natural order); return the målområder that come after the last mål."""
    by_pk = {g.pk: g for g in grupper}
    barn: dict = {}
    for g in _sortert(grupper):
        barn.setdefault(g.overordnet_id if g.overordnet_id in by_pk else None, []).append(g)

    def dybde(g, innenfor_maal: bool) -> int:
        n, seen = 0, {g.pk}
        while g.overordnet_id in by_pk and g.overordnet_id not in seen:
            g = by_pk[g.overordnet_id]
            if innenfor_maal and g.under_maal_id is None:
                break
            seen.add(g.pk)
            n += 1
        return n

    def tre(start, innenfor_maal: bool) -> list:
        """``start`` and the headings under it, depth first in natural order."""
        ut, stack, seen = [], [start], set()
        while stack:
            g = stack.pop()
            if g.pk in seen:
                continue
            seen.add(g.pk)
            ut.append(g)
            stack.extend(reversed([b for b in barn.get(g.pk, []) if (b.under_maal_id is not None) == innenfor_maal]))
        return ut

    # Delområder: inside their mål, each with the ones under it.
    maal_pks = {m.pk for m in maal_list}
    inni: dict = {}
    for g in _sortert(grupper):
        if g.under_maal_id in maal_pks:
            forelder = by_pk.get(g.overordnet_id)
            if forelder is None or forelder.under_maal_id != g.under_maal_id:
                inni.setdefault(g.under_maal_id, []).extend(
                    Omraade(x, dybde(x, True)) for x in tre(g, True) if x.under_maal_id == g.under_maal_id)

    # Målområder: before the first mål they group, or where their number falls.
    omraader = [g for g in grupper if g.under_maal_id is None or g.under_maal_id not in maal_pks]
    vist: set = set()

    def vis(g) -> list[Omraade]:
        ut = []
        kjede = []
        x, seen = g, set()
        while x is not None and x.pk not in seen:
            seen.add(x.pk)
            kjede.append(x)
            x = by_pk.get(x.overordnet_id)
        for x in reversed(kjede):
            if x.pk not in vist and x in omraader:
                vist.add(x.pk)
                ut.append(Omraade(x, dybde(x, False)))
        return ut

    ledige = _sortert(g for g in omraader if not any(m.gruppe_id == g.pk for m in maal_list))
    for m in maal_list:
        foer = []
        for g in ledige:
            if g.pk not in vist and (g.sorteringsnokkel, g.nummer) < (m.sorteringsnokkel, m.nummer):
                foer += vis(g)
        if m.gruppe_id in by_pk:
            foer += vis(by_pk[m.gruppe_id])
        m.omraader_foer = foer
        m.delomraader_i = inni.get(m.pk, [])
    etter = []
    for g in ledige:
        if g.pk not in vist:
            etter += vis(g)
    return etter


def plasser_krav(maal_list: list, krav: list) -> list:
    """Set ``krav_liste`` on every mål: the rapporteringskrav under it, in the letter's order (a
    requirement without a mål stands under the mål of the first styringsparameter it names). Return
    those that belong to no mål. The styringsparametere are loaded only when there are requirements."""
    from django.db.models import prefetch_related_objects

    if krav:
        prefetch_related_objects(krav, "styringsparametere")
    per_maal: dict = {}
    uten = []
    for k in sorted(krav, key=lambda k: (k.rekkefolge, k.pk)):
        sps = list(k.styringsparametere.all())
        maal_id = k.maal_id or (sps[0].maal_id if sps else None)
        (per_maal.setdefault(maal_id, []) if maal_id else uten).append(k)
    for m in maal_list:
        m.krav_liste = per_maal.pop(m.pk, [])
    return uten + [k for liste in per_maal.values() for k in liste]
