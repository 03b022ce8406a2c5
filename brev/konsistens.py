"""Checks on a letter's budget (registered with styring.konsistens): typed totals against computed
ones, distributions against the share, and bindinger against the oppdrag they cite."""

from __future__ import annotations

import re
from difflib import SequenceMatcher

from django.db.models import prefetch_related_objects

from styring.konsistens import ADVARSEL, FEIL, MERKNAD, Avvik, register

#: A letter that states "243,5 mill." where the table has 243 510 000 is rounding, not a mistake.
AVRUNDING_KR = 50_000

_ORD = re.compile(r"[0-9a-zæøå]+")
_STOPPORD = {"og", "i", "av", "for", "til", "med", "om", "på", "en", "et", "det", "den", "de", "som", "fra", "mot",
             "fou", "delvis", "herunder", "oppdrag", "inn", "å", "a"}


def _ord(tekst: str) -> list[str]:
    return [w for w in _ORD.findall(tekst.lower()) if w not in _STOPPORD]


def likhet(a: str, b: str) -> float:
    """How alike two titles are (0..1), by their words; robust to small rewordings."""
    wa, wb = _ord(a), _ord(b)
    if not wa or not wb:
        return 0.0
    return SequenceMatcher(None, wa, wb).ratio()


def _kr(v: int) -> str:
    from kjerne.belop import format_kroner

    return format_kroner(v)


def _post_sted(post) -> dict:
    return {"kapittel": post.kapittel.nummer, "post": post.post}


@register
def check_budsjett(brev) -> list[Avvik]:
    from oppdrag.querysets import oppdrag_i_brev

    found: list[Avvik] = []
    # The chapters and posts the caller loaded (the letter page prefetches them) are read as they are;
    # what is missing is read here (the post's chapter is set by reading the posts from it).
    kapitler = list(brev.kapitler.all())
    prefetch_related_objects(kapitler, "poster__bindinger", "poster__fordelinger__tilskudd", "poster__tilskudd")
    i_brevet = {e.oppdrag.nummer: e for g in oppdrag_i_brev(brev) for e in g.nye + g.tidligere}
    # One query for the financing of the oppdrag a binding cites, not one per binding (the letter page
    # runs this), and none when no binding cites one.
    sitert = {b.oppdrag_nummer for kap in kapitler for p in kap.poster.all() for b in p.bindinger.all()}
    prefetch_related_objects([e.oppdrag for nr, e in i_brevet.items() if nr in sitert], "finansiering")

    for kap in kapitler:
        uten_belop = kap.poster_uten_belop
        if uten_belop and kap.typed_sum_kr is not None and kap.typed_sum_kr != kap.sum_kr:
            # A post given as "Se omtale under" has no amount: the typed sum may well include it, so
            # the difference is not called a mistake, only shown.
            navn = " og ".join(f"post {p.post:02d}" for p in uten_belop)
            found.append(Avvik(
                f"Kap. {kap.nummer}: summen i brevet er {_kr(kap.typed_sum_kr)}. Postene med beløp i tabellen "
                f"summerer seg til {_kr(kap.sum_kr)}; {navn} står uten beløp, så summen kan ikke kontrolleres "
                f"(differanse {_kr(abs(kap.typed_sum_kr - kap.sum_kr))}).",
                MERKNAD, "sum", {"kapittel": kap.nummer}))
        elif kap.typed_sum_kr is not None and kap.typed_sum_kr != kap.sum_kr:
            found.append(Avvik(
                f"Kap. {kap.nummer}: summen i brevet er {_kr(kap.typed_sum_kr)}, men postene summerer seg til "
                f"{_kr(kap.sum_kr)} (differanse {_kr(abs(kap.typed_sum_kr - kap.sum_kr))}).",
                FEIL, "sum", {"kapittel": kap.nummer}))
        if kap.sum_rad_uten_belop:
            found.append(Avvik(
                f"Kap. {kap.nummer}: brevets tabell har en Sum-rad uten beløp. Postene summerer seg til "
                f"{_kr(kap.sum_kr)}; skriv summen inn i brevet, eller fjern Sum-raden.",
                ADVARSEL, "sum", {"kapittel": kap.nummer}))
        for post in sorted(kap.poster.all(), key=lambda p: p.post):  # the posts' own order (the page's differs)
            found.extend(_check_post(post, i_brevet, brev))
    return found


def _check_post(post, i_brevet: dict, brev) -> list[Avvik]:
    found: list[Avvik] = []
    sted = _post_sted(post)
    navn = f"Kap. {post.kapittel.nummer} post {post.post:02d}"
    disponibelt = post.disponibelt_kr

    if post.bevilget_kr is not None and post.andel_kr is not None and post.andel_kr > post.bevilget_kr:
        found.append(Avvik(f"{navn}: virksomhetens andel ({_kr(post.andel_kr)}) er større enn bevilgningen "
                           f"({_kr(post.bevilget_kr)}).", FEIL, "andel", sted))
    # A post without an amount in the table ("Se omtale under") is not compared with the text.
    if post.tildelt_kr is not None and post.bevilget_kr is not None \
            and abs(post.tildelt_kr - post.bevilget_kr) > AVRUNDING_KR:
        if post.andel_kr is not None and abs(post.tildelt_kr - post.andel_kr) <= AVRUNDING_KR:
            found.append(Avvik(f"{navn}: tabellen viser virksomhetens andel ({_kr(post.tildelt_kr)}), ikke det "
                               f"Stortinget har bevilget på posten ({_kr(post.bevilget_kr)}).", MERKNAD, "tabell", sted))
        else:
            found.append(Avvik(f"{navn}: tabellen viser {_kr(post.tildelt_kr)}, mens teksten sier at det er "
                               f"bevilget {_kr(post.bevilget_kr)}.", ADVARSEL, "tabell", sted))

    bindinger = list(post.bindinger.all())
    # A binding without an amount binds nothing countable; a range binds at least its start.
    bundet = sum(b.belop_kr for b in bindinger if b.belop_kr is not None)
    bundet_hoyst = sum(b.hoyeste_kr for b in bindinger if b.belop_kr is not None)
    if disponibelt is not None and bundet > disponibelt:
        found.append(Avvik(f"{navn}: bindingene ({_kr(bundet)}{' eller mer' if bundet_hoyst > bundet else ''}) er "
                           f"større enn det som er stilt til disposisjon ({_kr(disponibelt)}).", FEIL, "binding", sted))
    elif disponibelt is not None and bundet_hoyst > disponibelt:
        found.append(Avvik(f"{navn}: bindingene kan bli opptil {_kr(bundet_hoyst)}, mer enn det som er stilt til "
                           f"disposisjon ({_kr(disponibelt)}).", MERKNAD, "binding", sted))

    fordelinger = list(post.fordelinger.all())
    if fordelinger and disponibelt is not None:
        fordelt = sum(f.belop_kr for f in fordelinger)
        if fordelt > disponibelt:
            found.append(Avvik(f"{navn}: fordelingen summerer seg til {_kr(fordelt)}, som er "
                               f"{_kr(fordelt - disponibelt)} mer enn virksomhetens andel på {_kr(disponibelt)}.",
                               FEIL, "fordeling", sted))
        elif fordelt < disponibelt:
            found.append(Avvik(f"{navn}: fordelingen summerer seg til {_kr(fordelt)}, {_kr(disponibelt - fordelt)} "
                               f"mindre enn virksomhetens andel på {_kr(disponibelt)}.", MERKNAD, "fordeling", sted))
        for f in fordelinger:
            rader = list(f.tilskudd.all())
            if rader:
                s = sum(t.belop_kr for t in rader)
                if s != f.belop_kr:
                    found.append(Avvik(f"{navn}: tilskuddstabellen for «{f.tekst}» summerer seg til {_kr(s)}, men "
                                       f"fordelingen oppgir {_kr(f.belop_kr)}.", ADVARSEL, "tilskudd", sted))

    tilskudd = list(post.tilskudd.all())
    if post.typed_tilskudd_sum_kr is not None:
        s = sum(t.belop_kr for t in tilskudd)
        if s != post.typed_tilskudd_sum_kr:
            found.append(Avvik(f"{navn}: SUM-raden i tilskuddstabellen er {_kr(post.typed_tilskudd_sum_kr)}, men "
                               f"radene summerer seg til {_kr(s)}.", FEIL, "sum", sted))
    elif post.tilskudd_sum_rad_uten_belop:
        found.append(Avvik(f"{navn}: tilskuddstabellen har en SUM-rad uten beløp. Radene summerer seg til "
                           f"{_kr(sum(t.belop_kr for t in tilskudd))}.", ADVARSEL, "sum", sted))

    for b in bindinger:
        found.extend(_check_binding(b, navn, sted, i_brevet, brev))
    return found


def _check_binding(b, navn: str, sted: dict, i_brevet: dict, brev) -> list[Avvik]:
    if not b.oppdrag_nummer:
        return []
    nr = b.oppdrag_nummer
    kort = b.tekst if len(b.tekst) <= 90 else b.tekst[:87] + "…"
    bsted = {**sted, "oppdrag": nr}
    # Judged on the letter's own content only, so the export of a letter does not depend on what else
    # the database holds (export -> import into an empty database -> export stays identical).
    if nr not in i_brevet:
        if nr.startswith(f"{brev.aar}-"):
            return [Avvik(f"{navn}: bindingen «{kort}» viser til oppdrag {nr}, men brevet gir ikke noe oppdrag med "
                          f"det nummeret.", FEIL, "binding", bsted)]
        return [Avvik(f"{navn}: bindingen «{kort}» viser til oppdrag {nr}, som ikke står blant oppdragene i "
                      f"tildelingsbrevet for {brev.aar}.", ADVARSEL, "binding", bsted)]
    found: list[Avvik] = []
    o = i_brevet[nr].oppdrag
    tittel = i_brevet[nr].tittel
    score = likhet(b.tekst, tittel)
    candidates = [(likhet(b.tekst, e.tittel), n) for n, e in i_brevet.items() if n != nr]
    best_score, best_nr = max(candidates, default=(0.0, None))
    if best_nr and best_score >= 0.5 and best_score - score >= 0.2:
        found.append(Avvik(f"{navn}: bindingen «{kort}» viser til oppdrag {nr} («{tittel}»), men teksten passer med "
                           f"oppdrag {best_nr} («{i_brevet[best_nr].tittel}»).", FEIL, "binding", bsted))
    elif score < 0.25:
        found.append(Avvik(f"{navn}: bindingen «{kort}» viser til oppdrag {nr}, men oppdragets tittel er "
                           f"«{tittel}».", ADVARSEL, "binding", bsted))
    fin = [f for f in o.finansiering.all() if f.post == b.post.post and f.kapittel == b.post.kapittel.nummer
           and f.belop_kr is not None and (f.aar in (None, brev.aar))]
    if fin and sum(f.belop_kr for f in fin) != b.belop_kr:
        found.append(Avvik(f"{navn}: bindingen til oppdrag {nr} er {_kr(b.belop_kr)}, men oppdragets finansiering "
                           f"over samme post er {_kr(sum(f.belop_kr for f in fin))}.", ADVARSEL, "binding", bsted))
    return found
