"""Carrying a letter forward: which years move on by themselves, and what the check lists for the
editor to update (registered with styring.konsistens).

A paragraph is *standard text* when last year's letter held the same paragraph with every year one
lower (the ministry reuses it year after year): its years move on. Every other paragraph is kept
as written; if it is still word for word as in last year's letter and names a year before the
letter's year, the check lists it until the editor changes it or acknowledges it with a reason.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Iterable

from styring.konsistens import FEIL, Avvik, register

#: Findings an editor may acknowledge (brev.models.Kvittering) instead of changing the letter.
KATEGORI_AARSTALL = "årstall"
KATEGORI_BELOP = "videreført beløp"
KVITTERBARE = {KATEGORI_AARSTALL, KATEGORI_BELOP}

# A year, but not the year of an oppdrag number such as 2022-09.
AARSTALL = re.compile(r"(?<!\d)((?:19|20)\d\d)(?!\d)(?!-\d\d(?!\d))")
_AVSNITT = re.compile(r"(\n[ \t]*\n)")


def _normal(tekst: str) -> str:
    return " ".join(tekst.split())


def _mal(avsnitt: str, aar: int) -> str:
    """The paragraph with each year written relative to the letter's year ("{-1}", "{0}")."""
    return AARSTALL.sub(lambda m: f"{{{int(m.group(1)) - aar:+d}}}", _normal(avsnitt))


def avsnitt_av(tekst: str) -> list[str]:
    return [a for a in _AVSNITT.split(tekst or "") if a.strip() and not _AVSNITT.fullmatch(a)]


def standardmaler(tekster: Iterable[str], aar: int) -> set[str]:
    """The year-relative form of every paragraph with a year in the letter for ``aar``."""
    return {_mal(a, aar) for t in tekster for a in avsnitt_av(t) if AARSTALL.search(a)}


def _formler(aar: int) -> list[re.Pattern]:
    """Set phrases every letter has, whose years always follow the budget year: the budget
    proposition and recommendation for the year, the Storting's December decision, the letter itself."""
    ws = r"\s*"
    return [
        re.compile(rf"(?:Prop\.?{ws}1{ws}S|Innst\.?{ws}\d+{ws}S){ws}\({aar - 1}{ws}[-–]{ws}{aar}\)"),
        re.compile(rf"budsjettvedtak\s+av\s+\d+\.\s+desember\s+{aar - 1}\b"),
        re.compile(rf"[Tt]ildelingsbrevet\s+for\s+{aar}\b"),
    ]


def _pluss_ett(tekst: str) -> str:
    return AARSTALL.sub(lambda m: str(int(m.group(1)) + 1), tekst)


def _flytt_formler(tekst: str, aar: int) -> str:
    for formel in _formler(aar):
        tekst = formel.sub(lambda m: _pluss_ett(m.group(0)), tekst)
    return tekst


def flytt_standardtekst(tekst: str, aar: int, maler: set[str]) -> str:
    """``tekst`` from the letter for ``aar`` with the years of its standard paragraphs and set
    phrases moved on by one; every other year stays as written."""
    if not tekst or not AARSTALL.search(tekst):
        return tekst
    deler = _AVSNITT.split(tekst)
    for i, del_ in enumerate(deler):
        if not AARSTALL.search(del_):
            continue
        if _mal(del_, aar) in maler:
            deler[i] = _pluss_ett(del_)
        else:
            deler[i] = _flytt_formler(del_, aar)
    return "".join(deler)


def brevtekster(brev) -> list[tuple[str, str]]:
    """(place, text) of every text in a letter an editor writes, in reading order."""
    from budsjett.models import Budsjettkapittel

    ut: list[tuple[str, str]] = []
    for a in brev.avsnitt.filter(tillegg__isnull=True).order_by("rekkefolge", "id"):
        navn = f"Kapittel {a.nummer} «{a.tittel}»" if a.nummer else f"Kapittelet «{a.tittel}»"
        ut += [(f"{navn}, overskriften", a.tittel), (navn, a.tekst)]
    for g in brev.maalgrupper.all():
        hva = "Delområde" if g.under_maal_id else "Målområde"
        ut += [(f"{hva} {g.nummer} «{g.tittel}»", g.tittel), (f"{hva} {g.nummer} «{g.tittel}»", g.tekst)]
    for m in brev.maal.prefetch_related("styringsparametere__resultatkrav"):
        navn = m.navn
        ut += [(f"{navn}, tittelen", m.tittel), (navn, m.tekst),
               (f"{navn}, overskriften over nye oppdrag", m.overskrift_nye_oppdrag),
               (f"{navn}, overskriften over oppdrag gitt tidligere", m.overskrift_tidligere_oppdrag)]
        for sp in m.styringsparametere.all():
            ut.append((f"{navn}, styringsparameter {sp.kode}", sp.tekst))
            ut += [(f"{navn}, resultatkrav til {sp.kode}", rk.tekst) for rk in sp.resultatkrav.all()]
    for f in brev.fellesforinger.prefetch_related("tallfelt"):
        ut += [(f"Fellesføringen «{f.tittel}»", f.tekst), (f"Fellesføringen «{f.tittel}», rapportering", f.rapportering)]
        ut += [(f"Fellesføringen «{f.tittel}», tallet «{tf.navn}»", tf.navn) for tf in f.tallfelt.all()]
    for kap in Budsjettkapittel.objects.filter(tildelingsbrev=brev).prefetch_related("poster"):
        ut.append((f"Kap. {kap.nummer}", kap.tekst))
        ut += [(f"Kap. {kap.nummer} post {p.post:02d}, overskriften", p.overskrift) for p in kap.poster.all()]
    return [(sted, t) for sted, t in ut if t]


def forrige_brev(brev):
    """Last year's letter to the same agency, the one this letter is (usually) carried from: sent,
    or the same ministry's own (another ministry's draft is not compared with, not even for equality)."""
    from django.db.models import Q

    from styring.models import Status, Tildelingsbrev

    return (Tildelingsbrev.objects.filter(virksomhet_id=brev.virksomhet_id, aar=brev.aar - 1)
            .filter(Q(status=Status.SENDT) | Q(departement_id=brev.departement_id)).first())


def _utdrag(tekst: str, i: int) -> str:
    """About 50 characters either side of position ``i``, cut at spaces."""
    start = max(0, tekst.rfind(" ", 0, max(0, i - 50)) + 1) if i > 50 else 0
    slutt = tekst.find(" ", i + 50)
    slutt = len(tekst) if slutt == -1 else slutt
    return ("…" if start else "") + tekst[start:slutt] + ("…" if slutt < len(tekst) else "")


def _nokkel(*deler: str) -> str:
    return "videreføring:" + hashlib.sha256("\x1f".join(deler).encode()).hexdigest()[:24]


@register
def check_videreforing(brev) -> list[Avvik]:
    """What a draft still holds unchanged from last year's letter: old years and last year's amounts.

    Only for letters not yet sent: a sent letter can no longer be updated, and its check stays
    what it was when it was sent.
    """
    from styring.models import Status

    if brev.status == Status.SENDT:
        return []
    forrige = forrige_brev(brev)
    if forrige is None:
        return []
    found: list[Avvik] = []
    # Last year's paragraphs as they are, and with the set phrases moved on as carrying forward does.
    fjorar = set()
    for _, t in brevtekster(forrige):
        for a in avsnitt_av(t):
            fjorar |= {_normal(a), _normal(_flytt_formler(a, forrige.aar))}
    for sted, tekst in brevtekster(brev):
        for avsnitt in avsnitt_av(tekst):
            if _normal(avsnitt) not in fjorar:
                continue
            tekst = _normal(avsnitt)
            # The set phrases rightly name the year before (the December budget decision): not findings.
            formler = [m.span() for f in _formler(brev.aar) for m in f.finditer(tekst)]
            treff = [m for m in AARSTALL.finditer(tekst)
                     if int(m.group(1)) < brev.aar and not any(a <= m.start() < b for a, b in formler)]
            if not treff:
                continue
            gamle = sorted({m.group(1) for m in treff})
            aarene = " og ".join([", ".join(gamle[:-1]), gamle[-1]] if len(gamle) > 1 else gamle)
            found.append(Avvik(
                f"{sted} står som i tildelingsbrevet for {forrige.aar} og nevner {aarene}: "
                f"«{_utdrag(tekst, treff[0].start())}»",
                FEIL, KATEGORI_AARSTALL, {"nokkel": _nokkel(sted, _normal(avsnitt))}))

    from budsjett.models import Budsjettpost
    from kjerne.belop import format_kroner

    i_fjor = {(p.kapittel.nummer, p.post): p.tildelt_kr
              for p in Budsjettpost.objects.filter(kapittel__tildelingsbrev=forrige).select_related("kapittel")}
    for p in (Budsjettpost.objects.filter(kapittel__tildelingsbrev=brev).select_related("kapittel")
              .order_by("kapittel__rekkefolge", "kapittel__nummer", "rekkefolge", "post")):
        if p.tildelt_kr is not None and i_fjor.get((p.kapittel.nummer, p.post)) == p.tildelt_kr:
            found.append(Avvik(
                f"Kap. {p.kapittel.nummer} post {p.post:02d} «{p.betegnelse}»: beløpet {format_kroner(p.tildelt_kr)} "
                f"er videreført fra {forrige.aar} og må oppdateres.",
                FEIL, KATEGORI_BELOP,
                {"kapittel": p.kapittel.nummer, "post": p.post,
                 "nokkel": _nokkel("post", str(p.kapittel.nummer), str(p.post), str(p.tildelt_kr))}))
    return found
