"""What "Min side" shows a person: what is due soon, what is overdue, what is red or yellow, and
what changed lately — all limited to what the person may see. The number of queries does not
depend on how many oppdrag there are."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta
from functools import cached_property

from django.db.models import Count, Q

from moter.oversikt import aapne_punkter, kommende_moter
from oppdrag.models import FERDIGE_STATUSER, Oppdrag, Risiko, Statusoppdatering
from styring.models import Tildelingsbrev
from varsler.models import Varsel
from varsler.paaminnelser import Forekomst, forekomster, moduler_i_bruk

DAGER_FREM = 30
DAGER_FORFALT = 365
SISTE_ENDRINGER = 15
NYTT_SIDEN_SIST = 10
MAKS_RADER = 50
_NAVNEFELTER = ("first_name", "last_name", "username")  # what User.__str__ reads


@dataclass
class Virksomhetsstatus:
    virksomhet: object
    aapne: int = 0
    rode: int = 0
    gule: int = 0
    forfalte: int = 0


@dataclass
class Oversikt:
    idag: date
    kommende: list[Forekomst]
    forfalte: list[Forekomst]
    rode_gule: list
    mine: list
    siste: list
    virksomheter: list[Virksomhetsstatus] = field(default_factory=list)
    brev_til_behandling: list = field(default_factory=list)
    nytt: list = field(default_factory=list)  # unread hand-off notices ("nytt siden sist")
    moter: list = field(default_factory=list)  # meetings in the next 60 days (moter)
    punkter: list = field(default_factory=list)  # open oppfølgingspunkter from approved minutes

    @cached_property
    def forfalte_per_oppdrag(self) -> list[dict]:
        """Each oppdrag once, most recent first: its latest passed frist and how many have passed."""
        per: dict[int, dict] = {}
        for f in self.forfalte:
            rad = per.setdefault(f.oppdrag.pk, {"siste": f, "antall": 0})
            rad["antall"] += 1
        return list(per.values())

    @property
    def forfalte_rader(self):
        """The table's rows (the 50 most recent oppdrag), built in Python: minside/rader.py."""
        from .rader import forfalte_rader

        return forfalte_rader(self.forfalte_per_oppdrag[:50])

    @property
    def risiko_rader(self):
        from .rader import risiko_rader

        return risiko_rader(self.rode_gule)

    @property
    def virksomhetsrader(self):
        from .rader import virksomhetsrader

        return virksomhetsrader(self.virksomheter)

    @property
    def antall_rode(self) -> int:
        return sum(1 for o in self.rode_gule if o.risiko == Risiko.ROD)

    @property
    def antall_gule(self) -> int:
        return sum(1 for o in self.rode_gule if o.risiko == Risiko.GUL)


def oversikt(user, idag: date) -> Oversikt:
    synlige = Oppdrag.objects.for_user(user)
    oversiktsside = user.er_departement or user.is_superuser  # with the table of agencies
    if oversiktsside:
        # The agencies and their open, red and yellow oppdrag in one grouped read (two before: the
        # agencies' ids, then their counts; each as dear to build and compile as to run).
        ikke_ferdig = ~Q(status__in=FERDIGE_STATUSER)
        tall = synlige.order_by().values_list("virksomhet_id").annotate(
            aapne=Count("pk", filter=ikke_ferdig), rode=Count("pk", filter=Q(risiko=Risiko.ROD) & ikke_ferdig),
            gule=Count("pk", filter=Q(risiko=Risiko.GUL) & ikke_ferdig))
        per_virksomhet = {pk: (aapne_, rode, gule) for pk, aapne_, rode, gule in tall}
        virksomhet_ids = sorted(per_virksomhet)
    else:
        virksomhet_ids = sorted(set(synlige.order_by().values_list("virksomhet_id", flat=True).distinct()))
    # The agencies whose frister and report deadlines the person may see, passed as a list: without it
    # the database first finds every open frist in the window nationwide (18,750 for the year behind
    # at 200 agencies: 5 s on PostgreSQL) and only then keeps the person's.
    omfang = sorted(set(virksomhet_ids) | set(Tildelingsbrev.objects.for_user(user).order_by()
                                              .values_list("virksomhet_id", flat=True).distinct()))
    # One reading of the whole window, split at today: what is due and what has passed. Two readings
    # built and compiled every query twice (a third of the page's time); the occurrences of two
    # adjoining windows are those of the one window, in the same order (sorted by date).
    moduler = moduler_i_bruk(user)  # the meetings' lists below are read only if there are meetings
    alle = forekomster(idag - timedelta(days=DAGER_FORFALT), idag + timedelta(days=DAGER_FREM), bruker=user,
                       virksomhet_ids=omfang, mottakere=False, moduler=moduler)
    kommende = [f for f in alle if f.dato >= idag]
    forfalte = [f for f in alle if f.dato < idag and f.oppdrag is not None]
    forfalte.reverse()  # most recent first
    aapne = synlige.exclude(status__in=FERDIGE_STATUSER)
    # Only what the page shows is joined: with the mål as well, PostgreSQL hashed all 10,000 mål of
    # the national data for 50 rows (12 ms).
    # The three lists read only the fields the page shows (a person as User.__str__ writes them): the
    # oppdrag's long texts, and every field of its agency and people, were most of what was read.
    rode_gule = list(aapne.filter(risiko__in=[Risiko.ROD, Risiko.GUL])
                     .select_related("virksomhet", "ansvarlig")
                     .only("nummer", "tittel", "status", "risiko", "virksomhet__kortnavn",
                           *(f"ansvarlig__{n}" for n in _NAVNEFELTER))
                     .order_by("-risiko", "virksomhet__kortnavn", "nummer")[:MAKS_RADER])
    mine = list(aapne.filter(ansvarlig=user).only("nummer", "tittel", "status", "risiko")
                .order_by("aar", "nummer")[:MAKS_RADER])
    siste = list(Statusoppdatering.objects.filter(oppdrag__in=synlige.values("pk"))
                 .select_related("oppdrag__virksomhet", "opprettet_av")
                 .only("status", "risiko", "kommentar", "opprettet", "oppdrag__nummer", "oppdrag__virksomhet__kortnavn",
                       *(f"opprettet_av__{n}" for n in _NAVNEFELTER))
                 .order_by("-opprettet", "-pk")[:SISTE_ENDRINGER])
    nytt = list(Varsel.objects.filter(mottaker=user, i_innboks=True, lest__isnull=True)[:NYTT_SIDEN_SIST])
    result = Oversikt(idag, kommende, forfalte, rode_gule, mine, siste, nytt=nytt)
    if "moter" in moduler:  # an oppfølgingspunkt is a decision of a meeting the person may see
        result.moter, result.punkter = kommende_moter(user, idag), aapne_punkter(user)[:MAKS_RADER]
    if oversiktsside:
        forfalt_per: dict[int, set] = {}
        for f in forfalte:
            forfalt_per.setdefault(f.virksomhet_id, set()).add(f.oppdrag.pk)
        from styring.models import Organisasjon

        for org in Organisasjon.objects.filter(pk__in=virksomhet_ids).order_by("kortnavn"):
            result.virksomheter.append(Virksomhetsstatus(org, *per_virksomhet[org.pk],
                                                         len(forfalt_per.get(org.pk, ()))))
        result.brev_til_behandling = list(
            Tildelingsbrev.objects.for_user(user).exclude(status="sendt").select_related("virksomhet")
            .order_by("-aar", "virksomhet__kortnavn"))
    return result
