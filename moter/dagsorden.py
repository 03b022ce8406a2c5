"""The agenda drafted from what needs discussing.

Until the ministry starts the minutes, a meeting's agenda is computed each time it is shown, so
it always holds the current state:

1. oppdrag of the meeting's ministry to the agency that are red or yellow (latest status), in force
   and not finished;
2. deviations in the report the meeting is based on, once the agency has sent it: results marked
   red or yellow, and posts whose spending and forecast go over the allocation;
3. the agency's latest risk assessment shared with the meeting's ministry before the meeting
   (``risiko.services.siste_delte_vurdering``), with its high risks named;
4. Riksrevisjonen's remarks made before the meeting and not yet closed
   (``revisjon.services.aapne_merknader``);
5. open oppfølgingspunkter from earlier meetings between the same ministry and agency (they
   return to every agenda until they are closed);
6. the items either side proposed (``Sak`` rows, kilde "forslag").

Risk and remarks are read as the person looking may see them (``bruker``); the ministry's view is
the one stored when it starts the minutes.

When the minutes are started (``services.referat_start``) the drafted items are stored as ``Sak``
rows, so the agenda as held stays as it was.
"""

from __future__ import annotations

from dataclasses import dataclass

from oppdrag.models import FERDIGE_STATUSER, Oppdrag, Risiko
from revisjon.services import aapne_merknader
from risiko.models import Nivaa
from risiko.services import siste_delte_vurdering

from .models import Mote, Sak, Vedtak

#: A post overrun smaller than this share of the allocation is not a deviation worth a meeting.
AVVIK_ANDEL = 0.05


@dataclass
class Punkt:
    kilde: str
    tittel: str
    beskrivelse: str = ""
    oppdrag: Oppdrag | None = None
    punkt: Vedtak | None = None
    sak: Sak | None = None
    lenke: str = ""  # the risk assessment or the remark  # a stored item (proposed, or the agenda as held)

    @property
    def kilde_tekst(self) -> str:
        return Sak.Kilde(self.kilde).label


def _rode_gule(mote: Mote) -> list[Punkt]:
    brev = mote.tildelingsbrev
    qs = (Oppdrag.objects.i_kraft()
          .filter(virksomhet_id=brev.virksomhet_id, departement_id=brev.departement_id,
                  risiko__in=[Risiko.ROD, Risiko.GUL])
          .exclude(status__in=FERDIGE_STATUSER).order_by("-risiko", "aar", "nummer"))
    return [Punkt(Sak.Kilde.OPPDRAG, f"Oppdrag {o.nummer} {o.tittel}"[:300],
                  f"{o.get_risiko_display()}, {o.get_status_display().lower()}.", oppdrag=o) for o in qs]


def _avvik(mote: Mote) -> list[Punkt]:
    rapport = mote.grunnlag
    if rapport is None or rapport.status == "utkast":
        return []  # a draft is the agency's own: it gives the meeting nothing until it is sent
    ut = []
    for r in rapport.parameterresultater.filter(risiko__in=["rod", "gul"]).select_related("styringsparameter"):
        sp = r.styringsparameter
        ut.append(Punkt(Sak.Kilde.AVVIK, f"{rapport.tittel}: {sp.kode} {sp.tekst}"[:300],
                        f"{r.get_risiko_display()}. {r.vurdering}".strip()))
    for p in rapport.postrapporter.select_related("post__kapittel"):
        avvik = p.avvik_kr
        if avvik is not None and avvik < 0 and -avvik >= AVVIK_ANDEL * max(p.tildelt_kr, 1):
            ut.append(Punkt(Sak.Kilde.AVVIK, f"{rapport.tittel}: kap. {p.post.kapittel.nummer} post {p.post.nummer} "
                                             f"{p.post.tittel}"[:300],
                            f"Forbruk og prognose er {-avvik:,} kr over tildelingen.".replace(",", " ")))
    return ut


def _risikovurdering(mote: Mote, bruker) -> list[Punkt]:
    brev = mote.tildelingsbrev
    v = siste_delte_vurdering(brev.virksomhet_id, bruker=bruker, per=mote.dato)
    if v is None or v.departement_id != brev.departement_id:
        return []
    risikoer = list(v.risikoer.all())
    hoye = [r for r in risikoer if r.nivaa == Nivaa.HOY]
    tekst = f"{len(risikoer)} risiko{'er' if len(risikoer) != 1 else ''}, {len(hoye)} med høy risiko"
    if hoye:
        tekst += ": " + "; ".join(r.tittel for r in hoye)
    return [Punkt(Sak.Kilde.RISIKO, f"Risiko- og vesentlighetsvurdering {v.periode}", tekst + ".",
                  lenke=f"/risiko/{v.pk}/")]


def _revisjon(mote: Mote, bruker) -> list[Punkt]:
    brev = mote.tildelingsbrev
    return [Punkt(Sak.Kilde.REVISJON, f"Riksrevisjonen: {m.tittel}"[:300],
                  f"{m.get_kilde_display()} {m.dato:%d.%m.%Y}, {m.get_alvorlighet_display().lower()}. "
                  f"Status: {m.get_status_display().lower()}.", lenke=f"/riksrevisjonen/{m.pk}/")
            for m in aapne_merknader(brev.virksomhet_id, bruker=bruker)
            if m.departement_id == brev.departement_id and m.dato <= mote.dato]


def _aapne_punkter(mote: Mote) -> list[Punkt]:
    brev = mote.tildelingsbrev
    qs = (Vedtak.objects.i_kraft().oppfolgingspunkter().aapne()
          .filter(mote__tildelingsbrev__virksomhet_id=brev.virksomhet_id,
                  mote__tildelingsbrev__departement_id=brev.departement_id, mote__dato__lt=mote.dato)
          .exclude(mote=mote).select_related("mote", "ansvarlig").order_by("frist", "pk"))
    ut = []
    for v in qs:
        hvem = f" Ansvarlig: {v.ansvarlig.get_full_name() or v.ansvarlig.username}." if v.ansvarlig_id else ""
        ut.append(Punkt(Sak.Kilde.OPPFOLGING, f"Oppfølgingspunkt fra {v.mote.tittel.lower()} "
                                              f"{v.mote.dato:%d.%m.%Y}: {v.tittel}"[:300],
                        f"{v.get_status_display()}, frist {v.frist:%d.%m.%Y}.{hvem}", punkt=v))
    return ut


def foreslatte(mote: Mote) -> list[Punkt]:
    return [Punkt(s.kilde, s.tittel, s.beskrivelse, sak=s) for s in mote.saker.all() if s.kilde == Sak.Kilde.FORSLAG]


def utkast(mote: Mote, bruker) -> list[Punkt]:
    """The drafted items (not the proposed ones), in the order they are taken."""
    return (_rode_gule(mote) + _avvik(mote) + _risikovurdering(mote, bruker) + _revisjon(mote, bruker)
            + _aapne_punkter(mote))


def dagsorden(mote: Mote, bruker) -> list[Punkt]:
    """The agenda as shown: stored once the minutes are started, drafted live until then."""
    if mote.saker_laast:
        return [Punkt(s.kilde, s.tittel, s.beskrivelse, oppdrag=s.oppdrag, punkt=s.punkt, sak=s)
                for s in mote.saker.all()]
    return utkast(mote, bruker) + foreslatte(mote)
