"""Consistency checks: what a careful reader of a letter would catch.

Each app registers its checks here (in its AppConfig.ready), so the letter page, the admin and
the archive export can run them all without ``styring`` importing the apps that build on it.
The checks report; they never block loading a real letter that contains the mistake.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

FEIL = "feil"
ADVARSEL = "advarsel"
MERKNAD = "merknad"


@dataclass(frozen=True)
class Avvik:
    melding: str
    nivaa: str = ADVARSEL
    kategori: str = ""
    sted: dict = field(default_factory=dict, compare=False, hash=False)

    def as_dict(self) -> dict:
        return {"melding": self.melding, "nivaa": self.nivaa, "kategori": self.kategori, **self.sted}


Check = Callable[[object], list[Avvik]]
_checks: list[Check] = []


def register(check: Check) -> Check:
    if check not in _checks:
        _checks.append(check)
    return check


def check_tildelingsbrev(brev) -> list[Avvik]:
    """Run every registered check on a letter, in registration order."""
    found: list[Avvik] = []
    for check in _checks:
        found.extend(check(brev))
    return found


@register
def check_styringsparametere(brev) -> list[Avvik]:
    from django.db.models import prefetch_related_objects

    found = []
    seen: dict[str, int] = {}
    # What the caller loaded (the letter page prefetches both) is read as it is; the rest is read here.
    maal_list = list(brev.maal.all())
    prefetch_related_objects(maal_list, "styringsparametere")
    for maal in maal_list:
        for sp in maal.styringsparametere.all():
            if sp.kode in seen:
                found.append(Avvik(
                    f"Styringsparameter {sp.kode} står både under mål {seen[sp.kode]} og mål {maal.nummer}.",
                    ADVARSEL, "styringsparameter", {"kode": sp.kode}))
            seen.setdefault(sp.kode, maal.nummer)
    return found


@register
def check_rapporteringspunkter(brev) -> list[Avvik]:
    found = []
    for rp in brev.rapporteringspunkter.all():
        if rp.telletidspunkt.year != rp.rapport_aar:
            found.append(Avvik(
                f"«{rp.betegnelse}» gjelder {rp.rapport_aar}, men telletidspunktet er "
                f"{rp.telletidspunkt:%d.%m.%Y}.", ADVARSEL, "rapportering"))
    return found
