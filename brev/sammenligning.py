"""Comparing a letter with last year's letter or with an earlier version of itself, and the
letter's merged change history.

A letter is reduced to a ``Bilde`` (snapshot): mål by number, styringsparametere by code,
oppdrag by number and budget posts by (kapittel, post). Two snapshots are matched on those keys
and each row is marked Ny / Fjernet / Endret / Uendret, with a word-level diff for changed text.
Earlier versions come from simple-history (``as_of``), so nothing extra has to be stored.
"""

from __future__ import annotations

import difflib
import re
from dataclasses import dataclass, field
from datetime import datetime, time, timedelta

from django.db.models import Q
from django.utils import timezone

from kjerne.sortering import naturlig_nokkel
from kjerne.tid import format_tidspunkt
from styring.models import Maal, Styringsparameter, Tildelingsbrev, maal_navn


@dataclass
class Bilde:
    tittel: str
    maal: dict = field(default_factory=dict)  # nummer -> title and text
    omraader: dict = field(default_factory=dict)  # målområde/delområde nummer -> title and text
    sp: dict = field(default_factory=dict)  # kode -> "tekst (resultatkrav)"
    oppdrag: dict = field(default_factory=dict)  # nummer -> tittel
    poster: dict = field(default_factory=dict)  # (kap, post) -> (betegnelse, kr)


@dataclass
class Rad:
    nokkel: str
    status: str  # "Ny", "Fjernet", "Endret", "Uendret"
    gammel: str
    ny: str
    diff_gammel: list = field(default_factory=list)  # [(is_changed, text)]
    diff_ny: list = field(default_factory=list)


@dataclass
class Seksjon:
    tittel: str
    rader: list[Rad]
    entall: str = ""  # "mål", "styringsparameter": for "6 mål uendret"
    flertall: str = ""

    @property
    def antall_endringer(self) -> int:
        return len(self.endrede)

    @property
    def endrede(self) -> list[Rad]:
        """The rows shown open: new, removed and changed."""
        return [r for r in self.rader if r.status != "Uendret"]

    @property
    def uendrede(self) -> list[Rad]:
        """The rows folded away under one line ("6 mål uendret")."""
        return [r for r in self.rader if r.status == "Uendret"]

    @property
    def uendret_tekst(self) -> str:
        n = len(self.uendrede)
        return f"{n} {self.entall if n == 1 else self.flertall} uendret"


@dataclass
class Resultat:
    venstre: str
    hoyre: str
    seksjoner: list[Seksjon]


def _ord_diff(a: str, b: str) -> tuple[list, list]:
    wa, wb = re.findall(r"\S+|\s+", a), re.findall(r"\S+|\s+", b)
    left, right = [], []
    for op, i1, i2, j1, j2 in difflib.SequenceMatcher(None, wa, wb, autojunk=False).get_opcodes():
        if op == "equal":
            left.append((False, "".join(wa[i1:i2])))
            right.append((False, "".join(wb[j1:j2])))
        else:
            if i2 > i1:
                left.append((True, "".join(wa[i1:i2])))
            if j2 > j1:
                right.append((True, "".join(wb[j1:j2])))
    return left, right


def _rader(gammel: dict, ny: dict, label, fmt=str) -> list[Rad]:
    rader = []
    for key in sorted(set(gammel) | set(ny), key=lambda k: (str(type(k)), naturlig_nokkel(k) if isinstance(k, str) else k)):
        a, b = gammel.get(key), ny.get(key)
        ta, tb = (fmt(a) if a is not None else ""), (fmt(b) if b is not None else "")
        if a is None:
            rader.append(Rad(label(key), "Ny", "", tb))
        elif b is None:
            rader.append(Rad(label(key), "Fjernet", ta, ""))
        elif ta != tb:
            dl, dr = _ord_diff(ta, tb)
            rader.append(Rad(label(key), "Endret", ta, tb, dl, dr))
        else:
            rader.append(Rad(label(key), "Uendret", ta, tb))
    return rader


def _kr(v) -> str:
    from kjerne.belop import format_kroner

    betegnelse, kr = v
    return f"{betegnelse}: {format_kroner(kr) if kr is not None else 'ikke beløp i tabellen'}"


def _sammenlign(a: Bilde, b: Bilde) -> list[Seksjon]:
    omraader = [Seksjon("Målområder og delområder", _rader(a.omraader, b.omraader, lambda k: k), "målområde",
                        "målområder")] if a.omraader or b.omraader else []
    return [
        *omraader,
        Seksjon("Mål", _rader(a.maal, b.maal, maal_navn), "mål", "mål"),
        Seksjon("Styringsparametere", _rader(a.sp, b.sp, lambda k: k), "styringsparameter", "styringsparametere"),
        Seksjon("Oppdrag", _rader(a.oppdrag, b.oppdrag, lambda k: k), "oppdrag", "oppdrag"),
        Seksjon("Budsjettposter", _rader(a.poster, b.poster, lambda k: f"Kap. {k[0]} post {k[1]:02d}", _kr),
                "budsjettpost", "budsjettposter"),
    ]


def _maal_tekst(m) -> str:
    return f"{m.tittel}\n\n{m.tekst}".strip() if m.tekst else m.tittel


def _sp_tekst(sp, krav: list) -> str:
    tekst = sp.tekst
    if krav:
        tekst += " – resultatkrav: " + "; ".join(krav)
    return tekst


def _krav_tekst(rk) -> str:
    return rk.tekst or f"{rk.verdi} {rk.enhet}".strip()


def bilde_naa(brev: Tildelingsbrev, *, med_tidligere_oppdrag: bool) -> Bilde:
    """The letter as it is now (the oppdrag it gives, and optionally the earlier ones it lists)."""
    from budsjett.models import Budsjettpost
    from oppdrag.models import Oppdrag
    from oppdrag.querysets import oppdrag_i_brev

    b = Bilde(tittel=f"Tildelingsbrev {brev.aar}")
    for m in brev.maal.prefetch_related("styringsparametere__resultatkrav"):
        b.maal[m.nummer] = _maal_tekst(m)
        for sp in m.styringsparametere.all():
            b.sp[sp.kode] = _sp_tekst(sp, [_krav_tekst(rk) for rk in sp.resultatkrav.all()])
    for g in brev.maalgrupper.all():
        b.omraader[g.nummer] = _maal_tekst(g)
    if med_tidligere_oppdrag:
        for g in oppdrag_i_brev(brev):
            for e in g.nye + g.tidligere:
                b.oppdrag[e.oppdrag.nummer] = e.tittel
    else:
        # The oppdrag the letter gives, with those of sent tillegg: a draft tillegg is not part of it.
        for o in Oppdrag.objects.filter(tildelingsbrev=brev).filter(
                Q(tillegg__isnull=True) | Q(tillegg__status="sendt")).only("nummer", "tittel"):
            b.oppdrag[o.nummer] = o.tittel
    for p in Budsjettpost.objects.filter(kapittel__tildelingsbrev=brev).select_related("kapittel"):
        b.poster[(p.kapittel.nummer, p.post)] = (p.betegnelse, p.tildelt_kr)
    return b


def bilde_da(brev: Tildelingsbrev, tidspunkt: datetime) -> Bilde:
    """The letter as it stood at ``tidspunkt``, rebuilt from the history tables."""
    from budsjett.models import Budsjettkapittel, Budsjettpost
    from oppdrag.models import Oppdrag
    from styring.models import Maalgruppe, Resultatkrav

    b = Bilde(tittel=f"Versjon {format_tidspunkt(tidspunkt)}")
    maal = list(Maal.history.as_of(tidspunkt).filter(tildelingsbrev_id=brev.pk))
    for m in maal:
        b.maal[m.nummer] = _maal_tekst(m)
    for g in Maalgruppe.history.as_of(tidspunkt).filter(tildelingsbrev_id=brev.pk):
        b.omraader[g.nummer] = _maal_tekst(g)
    sps = list(Styringsparameter.history.as_of(tidspunkt).filter(maal_id__in=[m.pk for m in maal]))
    krav: dict = {}
    for rk in Resultatkrav.history.as_of(tidspunkt).filter(styringsparameter_id__in=[s.pk for s in sps]):
        krav.setdefault(rk.styringsparameter_id, []).append(rk)
    for sp in sps:
        rks = sorted(krav.get(sp.pk, []), key=lambda r: (r.rekkefolge, r.pk))
        b.sp[sp.kode] = _sp_tekst(sp, [_krav_tekst(rk) for rk in rks])
    sendte_tillegg = list(brev.tillegg.filter(status="sendt", sendt__lte=tidspunkt).values_list("pk", flat=True))
    for o in Oppdrag.history.as_of(tidspunkt).filter(tildelingsbrev_id=brev.pk).filter(
            Q(tillegg_id__isnull=True) | Q(tillegg_id__in=sendte_tillegg)):
        b.oppdrag[o.nummer] = o.tittel
    kapitler = {k.pk: k.nummer for k in Budsjettkapittel.history.as_of(tidspunkt).filter(tildelingsbrev_id=brev.pk)}
    for p in Budsjettpost.history.as_of(tidspunkt).filter(kapittel_id__in=list(kapitler)):
        b.poster[(kapitler[p.kapittel_id], p.post)] = (p.betegnelse, p.tildelt_kr)
    return b


def sammenlign_forrige_aar(brev: Tildelingsbrev, forrige: Tildelingsbrev) -> Resultat:
    a = bilde_naa(forrige, med_tidligere_oppdrag=True)
    b = bilde_naa(brev, med_tidligere_oppdrag=True)
    return Resultat(venstre=a.tittel, hoyre=b.tittel, seksjoner=_sammenlign(a, b))


def sammenlign_versjon(brev: Tildelingsbrev, tidspunkt: datetime, *, med_utkast: bool = False) -> Resultat:
    """The letter now against the letter at ``tidspunkt``. Without ``med_utkast`` (anyone but the
    sending ministry) a time before the letter was sent shows the letter as sent: its drafting is
    the ministry's own."""
    if not med_utkast and brev.sendt and tidspunkt < brev.sendt:
        tidspunkt = brev.sendt
    a = bilde_da(brev, tidspunkt)
    b = bilde_naa(brev, med_tidligere_oppdrag=False)
    b.tittel = "Nå"
    return Resultat(venstre=a.tittel, hoyre=b.tittel, seksjoner=_sammenlign(a, b))


def tolk_tidspunkt(tekst: str, brev: Tildelingsbrev, *, med_utkast: bool = True) -> tuple[datetime | None, str]:
    """Read ``YYYY-MM-DD`` (end of that day) or ``YYYY-MM-DDTHH:MM``; empty means when the
    letter was sent. Returns (aware datetime or None, Norwegian error message). Without
    ``med_utkast`` a time before the letter was sent is refused: the drafts are not the reader's."""
    tidspunkt, feil = _tolk_tidspunkt(tekst, brev)
    if tidspunkt and not med_utkast and brev.sendt and tidspunkt < brev.sendt:
        return None, (f"Brevet ble sendt {format_tidspunkt(brev.sendt)}. Velg et tidspunkt etter det; "
                      "utkastene før brevet ble sendt, er departementets.")
    return tidspunkt, feil


def _tolk_tidspunkt(tekst: str, brev: Tildelingsbrev) -> tuple[datetime | None, str]:
    tekst = (tekst or "").strip()
    if not tekst:
        if brev.sendt:
            return brev.sendt, ""
        return None, "Velg et tidspunkt å sammenligne med."
    for fmt in ("%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M", "%Y-%m-%dT%H:%M:%S"):
        try:
            return timezone.make_aware(datetime.strptime(tekst, fmt)), ""
        except ValueError:
            continue
    try:
        dag = datetime.strptime(tekst, "%Y-%m-%d").date()
    except ValueError:
        return None, f"«{tekst}» er ikke et gyldig tidspunkt. Skriv f.eks. 2024-01-15 eller 2024-01-15T14:30."
    return timezone.make_aware(datetime.combine(dag, time.max) - timedelta(microseconds=time.max.microsecond)), ""


# The parts of a letter a reader can filter its history by.
HISTORIKK_DELER = [("brev", "Brevet og teksten"), ("maal", "Mål og styringsparametere"), ("oppdrag", "Oppdrag og frister"),
                   ("budsjett", "Budsjett"), ("rapportering", "Rapportering og kalender"), ("tillegg", "Tillegg")]


def brev_endringer(brev: Tildelingsbrev, grense: int | None = None, *, med_utkast: bool = False,
                   bruker=None) -> list:
    """Every recorded change to the letter and its parts, newest first, merged across models, each
    marked with its part (``HISTORIKK_DELER``). ``grense`` keeps only the newest rows. ``bruker``
    is the reader: an oppdrag's *jf. oppdrag* names only oppdrag they may see.

    Parts are found through the history tables, so deleted mål, posts and oppdrag still show.
    Without ``med_utkast`` (anyone but the sending ministry and administrators) only what happened
    once it was sent: changes after the letter was sent, and a tillegg's parts once that tillegg
    was sent; a draft tillegg does not appear at all.
    """
    from budsjett.models import (
        Budsjettbinding,
        Budsjettendring,
        Budsjettkapittel,
        Budsjettpost,
        Finansiering,
        Fordeling,
        Tilskudd,
    )
    from kjerne.endringslogg import Oppslag, endringer
    from oppdrag.models import Frist, Milepael, Oppdrag
    from styring.models import (
        Brevavsnitt,
        Fellesforing,
        Maaleverdi,
        Maalgruppe,
        Moete,
        Plikt,
        Rapporteringskrav,
        Rapporteringspunkt,
        Resultatkrav,
        Signatur,
        Tallfelt,
        Tillegg,
        Vedlegg,
    )

    pk = brev.pk
    maal_ids = Maal.history.filter(tildelingsbrev_id=pk).values("id")
    sp_ids = Styringsparameter.history.filter(maal_id__in=maal_ids).values("id")
    kap_ids = Budsjettkapittel.history.filter(tildelingsbrev_id=pk).values("id")
    post_ids = Budsjettpost.history.filter(kapittel_id__in=kap_ids).values("id")
    tillegg_ids = Tillegg.history.filter(tildelingsbrev_id=pk).values("id")
    oppdrag_qs = Oppdrag.history.filter(tildelingsbrev_id=pk) | Oppdrag.history.filter(tillegg_id__in=tillegg_ids)
    oppdrag_ids = oppdrag_qs.values("id")
    kilder = [
        ("brev", Tildelingsbrev.history.filter(id=pk)),
        ("tillegg", Tillegg.history.filter(tildelingsbrev_id=pk)),
        ("brev", Brevavsnitt.history.filter(tildelingsbrev_id=pk)),
        ("maal", Maalgruppe.history.filter(tildelingsbrev_id=pk)),
        ("maal", Maal.history.filter(tildelingsbrev_id=pk)),
        ("maal", Styringsparameter.history.filter(maal_id__in=maal_ids)),
        ("maal", Resultatkrav.history.filter(styringsparameter_id__in=sp_ids)),
        ("maal", Maaleverdi.history.filter(styringsparameter_id__in=sp_ids)),
        ("oppdrag", oppdrag_qs),
        ("oppdrag", Frist.history.filter(tildelingsbrev_id=pk)),
        ("oppdrag", Milepael.history.filter(oppdrag_id__in=oppdrag_ids)),
        ("budsjett", Finansiering.history.filter(oppdrag_id__in=oppdrag_ids)),
        ("budsjett", Budsjettkapittel.history.filter(tildelingsbrev_id=pk)),
        ("budsjett", Budsjettpost.history.filter(kapittel_id__in=kap_ids)),
        ("budsjett", Budsjettbinding.history.filter(post_id__in=post_ids)),
        ("budsjett", Fordeling.history.filter(post_id__in=post_ids)),
        ("budsjett", Tilskudd.history.filter(post_id__in=post_ids)),
        ("budsjett", Budsjettendring.history.filter(tillegg_id__in=tillegg_ids)),
        ("rapportering", Rapporteringspunkt.history.filter(tildelingsbrev_id=pk)),
        ("rapportering", Rapporteringskrav.history.filter(tildelingsbrev_id=pk)),
        ("rapportering", Moete.history.filter(tildelingsbrev_id=pk)),
        ("brev", Plikt.history.filter(tildelingsbrev_id=pk)),
        ("brev", Fellesforing.history.filter(tildelingsbrev_id=pk)),
        ("brev", Tallfelt.history.filter(fellesforing_id__in=Fellesforing.history.filter(tildelingsbrev_id=pk)
                                         .values("id"))),
        ("brev", Signatur.history.filter(tildelingsbrev_id=pk)),
        ("brev", Vedlegg.history.filter(tildelingsbrev_id=pk)),
    ]
    deler = [d for d, _ in kilder]
    kilder = [qs for _, qs in kilder]
    if not med_utkast:
        kilder = _bare_sendt(brev, kilder, Tillegg)
    alle, oppslag = [], Oppslag()
    for del_, qs in zip(deler, kilder, strict=True):
        alle.extend(endringer(qs, grense=grense, fast_antall_sporringer=True, del_=del_, oppslag=oppslag,
                              bruker=bruker))
    alle.sort(key=lambda e: (e.tid, e.history_id), reverse=True)
    return alle if grense is None else alle[:grense]


def _bare_sendt(brev: Tildelingsbrev, kilder: list, tillegg_model) -> list:
    """The history sources narrowed to what a reader outside the sending ministry may see."""
    if brev.sendt is None:
        return [qs.none() for qs in kilder]
    sendte = list(tillegg_model.objects.filter(tildelingsbrev=brev, status="sendt").values_list("pk", "sendt"))
    sendt_ids = {pk for pk, _ in sendte}
    # A part of a tillegg counts from the moment that tillegg was sent; a draft tillegg never.
    tillegg_q = Q(tillegg_id__isnull=True)
    for pk, sendt in sendte:
        tillegg_q |= Q(tillegg_id=pk, history_date__gte=sendt)
    from oppdrag.models import Oppdrag

    oppdrag_q = Q(oppdrag_id__in=Oppdrag.objects.filter(tildelingsbrev=brev, tillegg__isnull=True).values("pk"))
    for pk, sendt in sendte:
        oppdrag_q |= Q(oppdrag_id__in=Oppdrag.objects.filter(tillegg_id=pk).values("pk"), history_date__gte=sendt)
    resultat = []
    for qs in kilder:
        qs = qs.filter(history_date__gte=brev.sendt)
        felter = {f.name for f in qs.model._meta.get_fields()}
        if qs.model is tillegg_model.history.model:
            qs = qs.filter(id__in=sendt_ids)
            for pk, sendt in sendte:
                qs = qs.exclude(id=pk, history_date__lt=sendt)
        elif "tillegg" in felter or "tillegg_id" in felter:
            qs = qs.filter(tillegg_q)
        elif "oppdrag" in felter:
            # An oppdrag's milepæler and financing count as the oppdrag does: from the letter, or
            # from the moment its tillegg was sent.
            qs = qs.filter(oppdrag_q)
        resultat.append(qs)
    return resultat
