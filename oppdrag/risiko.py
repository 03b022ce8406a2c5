"""What red, yellow and green mean: the letter's own definitions where it states them, else the
instruks's (``RISIKO_DEFINISJON``).

Follow-up and reports use only what is in force: a sent letter's definitions. A draft's
definitions are shown only in the draft itself (letter page, editor, PDF), to those who may see it.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from .models import RISIKO_DEFINISJON, Risiko, Risikodefinisjon

FARGER = (Risiko.ROD, Risiko.GUL, Risiko.GRONN)


@dataclass(frozen=True)
class Definisjoner:
    """The three definitions in force for a letter's year, and where they come from."""

    tekster: dict[str, str] = field(default_factory=lambda: {str(k): v for k, v in RISIKO_DEFINISJON.items()})
    brev_aar: int | None = None  # None: the instruks's

    @property
    def egne(self) -> bool:
        return self.brev_aar is not None

    @property
    def kilde(self) -> str:
        """Where the definitions come from, for a sentence: "Definisjonene i {kilde}"."""
        return f"tildelingsbrevet for {self.brev_aar}" if self.egne else "instruksen"

    def get(self, farge: str, default: str = "") -> str:
        return self.tekster.get(str(farge), default)

    @property
    def rader(self) -> list[tuple[str, str, str]]:
        """(value, label, definition) from red to green, for legends."""
        return [(str(f), f.label, self.tekster[str(f)]) for f in FARGER]


INSTRUKSEN = Definisjoner()


def egne_definisjoner(brev) -> dict[str, str]:
    """The letter's own definitions as stored, whatever its status ({} when it states none)."""
    if brev is None:
        return {}
    rader = getattr(brev, "_prefetched_objects_cache", {}).get("risikodefinisjoner")
    if rader is None:
        # Read into a dict by colour (one row per colour and letter): no order needed, and the
        # model's own (by letter, whose agency and year it joins) is the same for all rows anyway.
        rader = Risikodefinisjon.objects.filter(tildelingsbrev=brev).order_by()
    tekster = {r.farge: r.tekst for r in rader}
    return {str(f): tekster[str(f)] for f in FARGER if str(f) in tekster}  # red, yellow, green


def for_brev(brev, *, ogsaa_utkast: bool = False) -> Definisjoner:
    """The definitions that apply in ``brev``'s year: its own if it is sent (or ``ogsaa_utkast``,
    for the letter's own pages), else the instruks's. A colour the letter leaves out keeps the
    instruks's wording."""
    if brev is None or (brev.status != "sendt" and not ogsaa_utkast):
        return INSTRUKSEN
    egne = egne_definisjoner(brev)
    if not egne:
        return INSTRUKSEN
    return Definisjoner({**INSTRUKSEN.tekster, **egne}, brev.aar)


def for_oppdrag(oppdrag) -> Definisjoner:
    """The definitions for following up ``oppdrag``: those of the (sent) letter that gave it."""
    if not oppdrag.tildelingsbrev_id:
        return INSTRUKSEN
    if not hasattr(oppdrag, "_risikodefinisjoner"):  # the page and its form ask once between them
        oppdrag._risikodefinisjoner = for_brev(oppdrag.tildelingsbrev)
    return oppdrag._risikodefinisjoner
