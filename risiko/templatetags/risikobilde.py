"""``{% risikobilde vurdering %}``: the matrices before and after measures, and the list of risks
with trend and measures. The same partial on the assessment page, the report page and the PDFs."""

from __future__ import annotations

from django import template

from risiko.matrise import risikomatrise
from risiko.services import trend

register = template.Library()


@register.inclusion_tag("risiko/_risikobilde.html")
def risikobilde(vurdering, pdf: bool = False, id_prefiks: str = "risiko"):
    risikoer = list(vurdering.risikoer.all())
    for r in risikoer:
        r.trend = trend(r)
    return {
        "vurdering": vurdering,
        "risikoer": risikoer,
        "matriser": [risikomatrise(risikoer, id_=f"{id_prefiks}-for"),
                     risikomatrise(risikoer, etter_tiltak=True, id_=f"{id_prefiks}-etter")],
        "pdf": pdf,
        "id_prefiks": id_prefiks,
    }
