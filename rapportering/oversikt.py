"""The reports list (Rapporter): each report once, what is due or overdue first.

A report is asked for by a row of a letter's reporting table (styring.Rapporteringspunkt). The same
report can stand in two tables (the 2023 letter and the 2024 letter both ask for Årsrapport 2023);
the list shows it once, with the newest letter's row (its deadline is the one last given).

A row is *current* unless a later row of the same kind for the same agency has a report or has
passed its deadline: the later one has taken its place, and the old one is only history (IMDi's
reports for 2022 and 2023 were delivered before the portal). Only a current row that is not yet
written, whose year has begun, offers "Opprett rapport".
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from styring.models import Rapporteringspunkt, Tildelingsbrev

from . import services
from .models import Rapport, RapportStatus, Type

SKRIVES_I_PORTALEN = (Type.AARSRAPPORT, Type.HALVAARSRAPPORT)


@dataclass
class Rad:
    punkt: Rapporteringspunkt
    brev: list[Tildelingsbrev] = field(default_factory=list)  # the letters whose table asks for it
    rapport: Rapport | None = None
    kan_opprette: bool = False
    forfalt: bool = False
    dager_igjen: int = 0

    @property
    def virksomhet(self):
        return self.punkt.tildelingsbrev.virksomhet

    @property
    def sendt(self) -> bool:
        return self.rapport is not None and self.rapport.status != RapportStatus.UTKAST

    @property
    def fristtekst(self) -> str:
        """The deadline in words, relative to today: "frist om 12 dager", "fristen gikk ut i går"."""
        d = self.dager_igjen
        if d == 0:
            return "frist i dag"
        if d == 1:
            return "frist i morgen"
        if d > 1:
            return f"frist om {d} dager"
        if d == -1:
            return "fristen gikk ut i går"
        return f"fristen gikk ut for {-d} dager siden"

    @property
    def brev_aar(self) -> str:
        aar = sorted({b.aar for b in self.brev})
        return " og ".join(str(a) for a in aar)


@dataclass
class Rapportoversikt:
    aa_levere: list[Rad]  # period over, not sent: overdue first, then by deadline
    kommende: list[Rad]  # period not over yet
    sendt: list[Rad]  # sent or received, newest first
    eldre: list[Rad]  # replaced by a later report of the same kind, never written in the portal
    antall_forfalt: int


def rapportoversikt(user, idag: date) -> Rapportoversikt:
    """Everything the user may see, sorted into the list's sections (three queries)."""
    brev = list(
        Tildelingsbrev.objects.for_user(user).select_related("virksomhet", "departement")
        .prefetch_related("rapporteringspunkter").order_by("virksomhet__kortnavn", "-aar")
    )
    rapporter = {(r.virksomhet_id, r.type, r.rapport_aar): r for r in Rapport.objects.for_user(user)}

    rader: dict[tuple, Rad] = {}
    for b in brev:  # newest letter first per agency: its row is the one kept
        for p in b.rapporteringspunkter.all():
            p.tildelingsbrev = b
            nokkel = (b.virksomhet_id, p.type, p.rapport_aar)
            rad = rader.setdefault(nokkel, Rad(punkt=p, rapport=rapporter.get(nokkel)))
            rad.brev.append(b)

    # Per agency and kind, the rows that a later row has replaced.
    etter_art: dict[tuple, list[Rad]] = {}
    for (virksomhet_id, art, _aar), rad in rader.items():
        etter_art.setdefault((virksomhet_id, art), []).append(rad)
    erstattet: set[int] = set()
    for gruppe in etter_art.values():
        gruppe.sort(key=lambda r: r.punkt.rapport_aar)
        for i, rad in enumerate(gruppe):
            if any(senere.rapport is not None or senere.punkt.frist < idag for senere in gruppe[i + 1:]):
                erstattet.add(id(rad))

    aa_levere, kommende, sendt, eldre = [], [], [], []
    for rad in rader.values():
        p = rad.punkt
        rad.dager_igjen = (p.frist - idag).days
        rad.forfalt = not rad.sendt and p.frist < idag
        if rad.sendt:
            sendt.append(rad)
        elif id(rad) in erstattet and rad.rapport is None:
            rad.forfalt = False  # history, not something to do now
            eldre.append(rad)
        elif p.type not in SKRIVES_I_PORTALEN:
            (kommende if p.frist >= idag else eldre).append(rad)
        elif p.telletidspunkt <= idag or rad.forfalt:
            aa_levere.append(rad)
        else:
            kommende.append(rad)
        rad.kan_opprette = (rad.rapport is None and id(rad) not in erstattet and p.rapport_aar <= idag.year
                            and services.kan_opprette(user, p))

    aa_levere.sort(key=lambda r: (not r.forfalt, r.punkt.frist, r.virksomhet.kortnavn))
    kommende.sort(key=lambda r: (r.punkt.frist, r.virksomhet.kortnavn))
    sendt.sort(key=lambda r: (r.punkt.frist, r.virksomhet.kortnavn), reverse=True)
    eldre.sort(key=lambda r: (r.punkt.frist, r.virksomhet.kortnavn), reverse=True)
    return Rapportoversikt(aa_levere=aa_levere, kommende=kommende, sendt=sendt, eldre=eldre,
                           antall_forfalt=sum(r.forfalt for r in aa_levere))
