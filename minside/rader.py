"""The rows of Min side's long tables (frister of the coming days, passed frister, red and yellow
oppdrag, a ministry's agencies), assembled here with escaping field by field, as the oppdrag list does
(oppdrag/liste.py): through the template
language each row cost about 60 µs (a URL reversed, four filters, a choice looked up through the
model field), a third of a ministry's Min side. The markup is the template's, byte for byte
(tests/minside/test_min_side_rader.py); to change a row, edit it here (the table heads are in
templates/minside/min_side.html).
"""

from __future__ import annotations

from html import escape  # what django.utils.html.escape calls, without its lazy-string wrapper

from django.conf import settings
from django.urls import reverse
from django.utils.formats import localize
from django.utils.safestring import SafeString, mark_safe

from kjerne.templatetags.portal import dato, forkort, risiko
from kjerne.typografi import ubrutt_escaped
from oppdrag.liste import STATUS


def _tekst(value) -> str:
    """``{{ value }}`` in a template: str() and escaped."""
    return escape(str(value))


def _tall(n: int) -> str:
    """``{{ n }}``: Django localizes a number, which for a whole number without thousands
    separators is the number as it is."""
    return _tekst(localize(n)) if settings.USE_THOUSAND_SEPARATOR else str(n)


def _ubrutt(tekst: str) -> str:
    """``{{ tekst|ubrutt }}`` of a plain (not safe) string: kjerne.typografi.ubrutt, escaped."""
    return ubrutt_escaped(escape(tekst)) if tekst else ""


def kommende_rader(kommende: list, bruker) -> SafeString:
    """One <tr> per occurrence due in the coming days: its date, what, the frist as written, and
    who is responsible ("Meg" for the person looking)."""
    out = []
    for f in kommende:
        o = f.oppdrag
        hva = _ubrutt(forkort(f.hva, 140))
        if o is not None and o.ansvarlig_id == bruker.pk:
            ansvarlig = '<span class="merke">Meg</span>'
        elif o is not None and o.ansvarlig:
            ansvarlig = _tekst(o.ansvarlig)
        else:
            ansvarlig = "–"
        if o is not None:
            hva = f'<a href="{_tekst(f.sti)}">{hva}</a>'
        out.append(
            f'\n    <tr><td data-etikett="Dato">{_tekst(dato(f.dato))}</td>'
            f'\n      <td data-etikett="Hva">{hva}</td>'
            f'\n      <td data-etikett="Frist i brevet">{_tekst(f.tekst)}</td>'
            f'\n      <td data-etikett="Ansvarlig">{ansvarlig}</td></tr>\n  '
        )
    return mark_safe("".join(out))  # noqa: S308 - every value above is escaped


def forfalte_rader(per_oppdrag: list[dict]) -> SafeString:
    """One <tr> per oppdrag with passed frister: its latest, and how many."""
    out = []
    for r in per_oppdrag:
        f = r["siste"]
        out.append(
            f'\n    <tr><td data-etikett="Siste frist">{_tekst(dato(f.dato))}</td><td data-etikett="Oppdrag">'
            f'<a href="{_tekst(f.sti)}">{_ubrutt(forkort(f.hva, 140))}</a></td>'
            f'\n      <td data-etikett="Frist i brevet">{_tekst(f.tekst)}</td>'
            f'<td class="tall" data-etikett="Passerte frister">{_tall(r["antall"])}</td>'
            f'\n      <td data-etikett="Status">{_tekst(STATUS.get(f.oppdrag.status, f.oppdrag.status))} {risiko(f.oppdrag.risiko)}'
            f"</td></tr>\n  "
        )
    return mark_safe("".join(out))  # noqa: S308 - every value above is escaped


def risiko_rader(oppdrag: list) -> SafeString:
    """One <tr> per open oppdrag with red or yellow risk."""
    prefix = reverse("oppdrag:detalj", args=[0])[:-2]  # "/oppdrag/"
    out = []
    for x in oppdrag:
        out.append(
            f'\n    <tr><td data-etikett="Risiko">{risiko(x.risiko)}</td><td data-etikett="Oppdrag">'
            f'<a href="{prefix}{x.pk}/"><span class="nobr">{_tekst(x.nummer)}</span> {_ubrutt(forkort(x.tittel, 120))}'
            f"</a></td>"
            f'\n      <td data-etikett="Virksomhet">{_tekst(x.virksomhet.kortnavn)}</td>'
            f'<td data-etikett="Status">{_tekst(STATUS.get(x.status, x.status))}</td>'
            f'<td data-etikett="Ansvarlig">{_tekst(x.ansvarlig) if x.ansvarlig else "–"}</td></tr>\n  '
        )
    return mark_safe("".join(out))  # noqa: S308 - every value above is escaped


def virksomhetsrader(virksomheter: list) -> SafeString:
    """One <tr> per agency of a ministry (minside.oversikt.Virksomhetsstatus): its counts."""
    liste = reverse("oppdrag:liste")
    out = []
    for v in virksomheter:
        out.append(
            f'\n    <tr><th scope="row" data-etikett="Virksomhet"><a href="{liste}?virksomhet={_tall(v.virksomhet.pk)}">'
            f"{_tekst(v.virksomhet.navn)}</a></th>"
            f'\n      <td class="tall" data-etikett="Åpne oppdrag">{_tall(v.aapne)}</td>'
            f'<td class="tall" data-etikett="Rød">{_tall(v.rode)}</td>'
            f'\n      <td class="tall" data-etikett="Gul">{_tall(v.gule)}</td>'
            f'<td class="tall" data-etikett="Oppdrag med passert frist">{_tall(v.forfalte)}</td></tr>\n  '
        )
    return mark_safe("".join(out))  # noqa: S308 - every value above is escaped
