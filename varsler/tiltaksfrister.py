"""Frister of measures that remind like the letter's frister (``paaminnelser.forekomster``):

- risk measures (Kilde.RISIKOTILTAK): the measures not yet done in each agency's *latest* risk
  assessment. A measure carried from one assessment into the next is a new row there, so taking
  only the latest assessment makes it remind once, not once per assessment it appears in;
- Riksrevisjonen measures (Kilde.REVISJONSTILTAK): the measures not yet done of remarks not closed.

Recipients are the measure's owner, else the agency's contact person: agency staff only, so a draft
assessment reaches nobody outside the agency. ``bruker`` limits to what that person may see
(the risk querysets: a draft is the agency's alone). Two queries.
"""

from __future__ import annotations

from datetime import date

from django.db.models import OuterRef, Subquery

from revisjon.models import Merknad, Revisjonstiltak
from risiko.models import Risikotiltak, Risikovurdering


def tiltaksforekomster(fra: date, til: date, *, kun, bruker, virksomhet_ids, mottakere: bool = True,
                       risiko: bool = True, revisjon: bool = True) -> list:
    """``mottakere=False``: a page's reading, without the people reminded (see ``forekomster``).
    ``risiko`` / ``revisjon`` False: that kind is not read (nothing in the module for the person)."""
    from .paaminnelser import Forekomst, Kilde, _uniq

    siste = (Risikovurdering.objects.filter(virksomhet_id=OuterRef("risiko__vurdering__virksomhet_id"))
             .order_by("-gjelder_per").values("pk")[:1])
    risikotiltak = (Risikotiltak.objects.filter(frist__gte=fra, frist__lte=til, risiko__vurdering=Subquery(siste))
                    .exclude(status="gjennomfort")
                    .select_related(*(("risiko__vurdering__virksomhet__kontaktperson", "ansvarlig")
                                      if mottakere else ("risiko__vurdering",))))
    revisjonstiltak = (Revisjonstiltak.objects.filter(frist__gte=fra, frist__lte=til)
                       .exclude(status="gjennomfort").exclude(merknad__status="lukket")
                       .select_related(*(("merknad__virksomhet__kontaktperson", "ansvarlig") if mottakere
                                         else ("merknad",))))
    if kun is not None:
        risikotiltak = risikotiltak.filter(pk=kun[1]) if kun[0] == Kilde.RISIKOTILTAK else risikotiltak.none()
        revisjonstiltak = (revisjonstiltak.filter(pk=kun[1]) if kun[0] == Kilde.REVISJONSTILTAK
                           else revisjonstiltak.none())
    if bruker is not None:
        risikotiltak = risikotiltak.filter(risiko__vurdering__in=Risikovurdering.objects.for_user(bruker).values("pk"))
        revisjonstiltak = revisjonstiltak.filter(merknad__in=Merknad.objects.for_user(bruker).values("pk"))
    if virksomhet_ids is not None:
        risikotiltak = risikotiltak.filter(risiko__vurdering__virksomhet_id__in=virksomhet_ids)
        revisjonstiltak = revisjonstiltak.filter(merknad__virksomhet_id__in=virksomhet_ids)
    # No order: paaminnelser.forekomster sorts all occurrences by date, kind and id.
    risikotiltak = risikotiltak.order_by() if risiko else []
    revisjonstiltak = revisjonstiltak.order_by() if revisjon else []
    found = []
    for t in risikotiltak:
        r, v = t.risiko, t.risiko.vurdering
        found.append(Forekomst(Kilde.RISIKOTILTAK, t.pk, t.frist, f"{t.frist:%d.%m.%Y}",
                               f"Tiltak mot risiko {r.kode} «{r.tittel}» ({v.periode}): {t.tekst}",
                               f"/risiko/{v.pk}/#risiko-{r.kode}", v.virksomhet_id,
                               _uniq([t.ansvarlig or v.virksomhet.kontaktperson]) if mottakere else []))
    for t in revisjonstiltak:
        m = t.merknad
        found.append(Forekomst(Kilde.REVISJONSTILTAK, t.pk, t.frist, f"{t.frist:%d.%m.%Y}",
                               f"Tiltak etter Riksrevisjonens merknad «{m.tittel}»: {t.tekst}",
                               f"/riksrevisjonen/{m.pk}/", m.virksomhet_id,
                               _uniq([t.ansvarlig or m.virksomhet.kontaktperson]) if mottakere else []))
    return found
