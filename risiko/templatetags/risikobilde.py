"""``{% risikobilde vurdering %}``: the matrices before and after measures, and the list of risks
with trend and measures. The same partial on the assessment page, the report page and the PDFs."""

from __future__ import annotations

from django import template

from risiko.matrise import risikomatrise
from risiko.services import forrige_vurdering, trender

register = template.Library()


@register.inclusion_tag("risiko/_risikobilde.html")
def risikobilde(vurdering, pdf: bool = False, id_prefiks: str = "risiko", forrige=False):
    """``forrige``: the assessment the trend compares with, the last one the reader has seen (the
    assessment page passes the reader's); left out, the last one the agency shared before this one,
    as the ministry saw it (reports and PDFs are read by the ministry)."""
    risikoer = list(vurdering.risikoer.all())
    if forrige is False:
        forrige = forrige_vurdering(vurdering, delt=True)
    trend = trender(vurdering, risikoer, forrige)
    for r in risikoer:
        r.trend = trend[r.pk]
    return {
        "vurdering": vurdering,
        "risikoer": risikoer,
        "matriser": [risikomatrise(risikoer, id_=f"{id_prefiks}-for"),
                     risikomatrise(risikoer, etter_tiltak=True, id_=f"{id_prefiks}-etter")],
        "pdf": pdf,
        "forrige": forrige,
        "id_prefiks": id_prefiks,
    }
