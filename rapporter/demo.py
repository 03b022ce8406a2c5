"""The demo's report: IMDi's årsrapport for 2024 as a prefilled draft (idempotent)."""

from __future__ import annotations

from styring.models import Rapporteringspunkt

from .models import Rapport, Type
from .services import rapport_opprett


def demo_aarsrapport(*, user, virksomhet: str = "IMDi", aar: int = 2024) -> Rapport | None:
    """Create the årsrapport draft from the letter's reporting table unless it exists already."""
    punkt = (Rapporteringspunkt.objects.filter(tildelingsbrev__virksomhet__kortnavn=virksomhet,
                                               type=Type.AARSRAPPORT, rapport_aar=aar)
             .select_related("tildelingsbrev").order_by("-tildelingsbrev__aar").first())
    if punkt is None:
        return None
    existing = Rapport.objects.filter(virksomhet_id=punkt.tildelingsbrev.virksomhet_id, type=Type.AARSRAPPORT,
                                      rapport_aar=aar).first()
    return existing or rapport_opprett(punkt=punkt, user=user)
