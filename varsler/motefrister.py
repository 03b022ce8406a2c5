"""Frister of meetings that remind like the letter's frister (``paaminnelser.forekomster``):

- the deadline for proposing agenda items (Kilde.DAGSORDEN) of a meeting in a sent letter, until the
  minutes are started: the agency's contact person and the letter's contact in the ministry;
- the frist of an oppfølgingspunkt (Kilde.OPPFOLGINGSPUNKT) of approved minutes, until the agency
  reports it done or the ministry closes it: its owner (else the agency's contact person) and the
  letter's contact. Passed without being done, it gets the overdue notice as an oppdrag's frist does.

Decisions in minutes still in draft or out for comments remind nobody. ``bruker`` limits to what
that person may see (``Mote.objects.for_user``, ``Vedtak.objects.for_user``). Two queries.
"""

from __future__ import annotations

from datetime import date

from moter.models import Mote, Vedtak


def moteforekomster(fra: date, til: date, *, kun, bruker, virksomhet_ids, mottakere: bool = True) -> list:
    """``mottakere=False``: a page's reading, without the people reminded (see ``forekomster``)."""
    from .paaminnelser import Forekomst, Kilde, _uniq

    moter = (Mote.objects.filter(dagsorden_frist__gte=fra, dagsorden_frist__lte=til, tildelingsbrev__status="sendt",
                                 referat__isnull=True)
             .select_related(*(("tildelingsbrev__virksomhet__kontaktperson", "tildelingsbrev__kontaktperson")
                               if mottakere else ("tildelingsbrev",))))
    punkter = (Vedtak.objects.i_kraft().oppfolgingspunkter().filter(frist__gte=fra, frist__lte=til)
               .exclude(status__in=["utfort", "lukket"])
               .select_related(*(("mote__tildelingsbrev__virksomhet__kontaktperson",
                                  "mote__tildelingsbrev__kontaktperson", "ansvarlig")
                                 if mottakere else ("mote__tildelingsbrev",))))
    if kun is not None:
        moter = moter.filter(pk=kun[1]) if kun[0] == Kilde.DAGSORDEN else moter.none()
        punkter = punkter.filter(pk=kun[1]) if kun[0] == Kilde.OPPFOLGINGSPUNKT else punkter.none()
    if bruker is not None:
        moter = moter.filter(pk__in=Mote.objects.for_user(bruker).values("pk"))
        punkter = punkter.filter(pk__in=Vedtak.objects.for_user(bruker).values("pk"))
    if virksomhet_ids is not None and bruker is None:
        # With a person, what they may see decides (an agency may have meetings but no oppdrag).
        moter = moter.filter(tildelingsbrev__virksomhet_id__in=virksomhet_ids)
        punkter = punkter.filter(mote__tildelingsbrev__virksomhet_id__in=virksomhet_ids)
    # No order: paaminnelser.forekomster sorts all occurrences by date, kind and id.
    moter, punkter = moter.order_by(), punkter.order_by()
    found = []
    for m in moter:
        brev = m.tildelingsbrev
        found.append(Forekomst(Kilde.DAGSORDEN, m.pk, m.dagsorden_frist, f"{m.dagsorden_frist:%d.%m.%Y}",
                               f"Saker til dagsorden for {m.tittel.lower()} {m.dato:%d.%m.%Y}",
                               f"/moter/{m.pk}/#dagsorden", brev.virksomhet_id,
                               _uniq([brev.virksomhet.kontaktperson, brev.kontaktperson])
                               if mottakere else []))
    for v in punkter:
        brev = v.mote.tildelingsbrev
        found.append(Forekomst(Kilde.OPPFOLGINGSPUNKT, v.pk, v.frist, f"{v.frist:%d.%m.%Y}",
                               f"Oppfølgingspunkt «{v.tittel}» fra {v.mote.tittel.lower()} {v.mote.dato:%d.%m.%Y}",
                               f"/moter/{v.mote_id}/referat/#vedtak-{v.nummer}", brev.virksomhet_id,
                               _uniq([v.ansvarlig or brev.virksomhet.kontaktperson, brev.kontaktperson])
                               if mottakere else []))
    return found
