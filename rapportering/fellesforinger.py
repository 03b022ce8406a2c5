"""The letter's fellesføringer as structured items of the årsrapport.

Each fellesføring of the report's letter is answered with text (``Fellesforingssvar``) and, where
it asks for numbers, one number per tallfelt (``Tallsvar``). On the report page and in the PDF
each number stands beside the same field's values in the agency's earlier årsrapporter, matched
by the stable keys ``(Fellesforing.nokkel, Tallfelt.nokkel)`` (titles change from year to year,
keys are kept when a letter is carried forward), and beside the baseline: the letter's stated
value, else the average of the named years' reported values when all of them are there.

Which earlier reports count depends on who reads: what ``Rapport.objects.for_user`` gives (the
agency its own, drafts included; the ministry only sent ones), and in the PDF, which anyone
entitled to the report may download, only sent reports.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal

from styring.models import Fellesforing, Tallfelt, Tildelingsbrev

from .models import Fellesforingssvar, Rapport, RapportStatus, Tallsvar, Type


def fellesforinger_til_rapport(brev: Tildelingsbrev) -> list[Fellesforing]:
    """The letter's fellesføringer with their tallfelt, in the letter's order."""
    return list(brev.fellesforinger.prefetch_related("tallfelt").order_by("rekkefolge", "pk"))


def suppler(rapport: Rapport) -> int:
    """Give an årsrapport the answers and numbers its letter asks for that it lacks (a draft made
    before the letter's fellesføringer or tallfelt were added); returns how many rows were added.
    Existing answers are left as they are. The caller checks access and holds the transaction."""
    if rapport.type != Type.AARSRAPPORT:
        return 0
    nye = 0
    svar = {s.fellesforing_id: s for s in rapport.fellesforingssvar.prefetch_related("tall")}
    for i, f in enumerate(fellesforinger_til_rapport(rapport.tildelingsbrev)):
        s = svar.get(f.pk)
        if s is None:
            s = Fellesforingssvar(rapport=rapport, fellesforing=f, rekkefolge=i)
            s.full_clean()
            s.save()
            nye += 1
            har = set()
        else:
            har = {t.tallfelt_id for t in s.tall.all()}
        for j, tf in enumerate(f.tallfelt.all()):
            if tf.pk not in har:
                t = Tallsvar(svar=s, tallfelt=tf, rekkefolge=j)
                t.full_clean()
                t.save()
                nye += 1
    return nye


# --- reading: numbers beside earlier years and the baseline ----------------------------------

def _differanse(verdi: Decimal | None, mot: Decimal | None, tf: Tallfelt) -> str:
    if verdi is None or mot is None:
        return ""
    d = verdi - mot
    tegn = "+" if d > 0 else ("−" if d < 0 else "±")
    return f"{tegn}{tf.format_verdi(abs(d))}"


@dataclass
class Tallrad:
    """One number of an answer, as the page and the PDF show it."""

    tall: Tallsvar
    tallfelt: Tallfelt
    verdi: str
    tidligere: list[tuple[int, str]]  # (year, value) of earlier årsrapporter, latest first
    grunnlag: str = ""  # the baseline's value, formatted; empty when there is none (yet)
    grunnlag_forklaring: str = ""  # "oppgitt grunnlag", "beregnet av årsrapportene for 2020 og 2021"
    mot_grunnlag: str = ""  # the difference to the baseline, "+3" / "−250 000 kr"
    mot_fjoraaret: str = ""  # the difference to the latest earlier year
    fjoraar: int | None = None


@dataclass
class Svarblokk:
    svar: Fellesforingssvar
    tall: list[Tallrad] = field(default_factory=list)

    @property
    def mangler(self) -> int:
        """Empty text and numbers not stated: what still counts as missing before sending."""
        return int(self.svar.mangler) + sum(t.tall.verdi is None for t in self.tall)


def _gjennomsnitt(verdier: list[Decimal]) -> Decimal:
    return (sum(verdier) / len(verdier)).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)


def _tidligere_verdier(rapport: Rapport, svar: list[Fellesforingssvar], synlige) -> dict:
    """{(fellesføring key, tallfelt key): {year: value}} from the agency's earlier årsrapporter
    that ``synlige`` (a Rapport queryset) admits; one query, none when nothing asks for numbers."""
    fnokler = {s.fellesforing.nokkel for s in svar if s.tall.all()}
    tnokler = {t.tallfelt.nokkel for s in svar for t in s.tall.all()}
    if not tnokler:
        return {}
    rader = (Tallsvar.objects
             .filter(svar__rapport__in=synlige.filter(virksomhet_id=rapport.virksomhet_id, type=Type.AARSRAPPORT,
                                                      rapport_aar__lt=rapport.rapport_aar),
                     svar__fellesforing__nokkel__in=fnokler, tallfelt__nokkel__in=tnokler, verdi__isnull=False)
             .values_list("svar__rapport__rapport_aar", "svar__fellesforing__nokkel", "tallfelt__nokkel", "verdi"))
    ut: dict = defaultdict(dict)
    for aar, fn, tn, verdi in rader:
        ut[(fn, tn)][aar] = verdi
    return ut


def svarblokker(rapport: Rapport, *, user=None) -> list[Svarblokk]:
    """The report's answers with each number beside earlier years and the baseline.

    Reads ``rapport.fellesforingssvar`` as prefetched by ``with_report_data``; one more query for
    the earlier years. ``user`` None (the PDF): only sent reports count as earlier years."""
    svar = list(rapport.fellesforingssvar.all())
    if user is not None:
        synlige = Rapport.objects.for_user(user)
    else:
        synlige = Rapport.objects.filter(status__in=[RapportStatus.SENDT, RapportStatus.MOTTATT])
    tidligere = _tidligere_verdier(rapport, svar, synlige)
    blokker = []
    for s in svar:
        blokk = Svarblokk(svar=s)
        for t in s.tall.all():
            tf = t.tallfelt
            aar_verdi = tidligere.get((s.fellesforing.nokkel, tf.nokkel), {})
            rad = Tallrad(tall=t, tallfelt=tf, verdi=tf.format_verdi(t.verdi),
                          tidligere=[(a, tf.format_verdi(v)) for a, v in sorted(aar_verdi.items(), reverse=True)])
            if aar_verdi:
                rad.fjoraar = max(aar_verdi)
                rad.mot_fjoraaret = _differanse(t.verdi, aar_verdi[rad.fjoraar], tf)
            grunnlag = None
            if tf.grunnlag_verdi is not None:
                grunnlag = tf.grunnlag_verdi
                rad.grunnlag_forklaring = "oppgitt grunnlag"
            elif tf.grunnlagsaar:
                mangler = [a for a in tf.grunnlagsaar if a not in aar_verdi]
                navn = " og ".join(str(a) for a in tf.grunnlagsaar) if len(tf.grunnlagsaar) <= 2 \
                    else f"{tf.grunnlag_fra_aar}–{tf.grunnlag_til_aar}"
                if mangler:
                    rad.grunnlag_forklaring = (f"beregnes av årsrapportene for {navn}, mangler tall for "
                                               + ", ".join(str(a) for a in mangler))
                else:
                    grunnlag = _gjennomsnitt([aar_verdi[a] for a in tf.grunnlagsaar])
                    rad.grunnlag_forklaring = f"beregnet av årsrapportene for {navn}"
            if grunnlag is not None:
                rad.grunnlag = tf.format_verdi(grunnlag)
                rad.mot_grunnlag = _differanse(t.verdi, grunnlag, tf)
            blokk.tall.append(rad)
        blokker.append(blokk)
    return blokker
