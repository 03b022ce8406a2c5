"""The rows of the oppdrag list, built for speed: plain values from the database (no model
instances), and each row's HTML assembled here with escaping, as the Django admin's changelist
does (``items_for_result``). A list of 500 rows costs about as much as rendering 500 prepared
rows in a template; see bench/ui.py.

To change what a row shows, edit ``RAD`` and ``rad_html`` (and the header in
templates/oppdrag/_oppdrag_resultat.html).
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date, timedelta
from html import escape  # what django.utils.html.escape calls, without its lazy-string wrapper

from django.urls import reverse
from django.utils.safestring import SafeString, mark_safe

from kjerne.templatetags.portal import risiko as risiko_html
from styring.models import maal_navn

from .frister import occurrences
from .models import FoU, Status

FELTER = ("pk", "nummer", "tittel", "fou", "status", "risiko", "virksomhet__kortnavn", "maal__nummer",
          "maal__tittel", "ansvarlig__first_name", "ansvarlig__last_name", "ansvarlig__username")
FRISTFELTER = ("oppdrag_id", "dato", "tekst", "form", "intervall_mnd", "gjentas_til", "tildelingsbrev__aar",
               "ny_rytme_fra", "ny_rytme_intervall_mnd")

STATUS = {str(k): str(v) for k, v in Status.choices}
FOU = {str(k): str(v) for k, v in FoU.choices}
RISIKO = {k: risiko_html(k) for k in ("", "gronn", "gul", "rod")}


@dataclass(slots=True)
class _Frist:
    """What ``occurrences`` needs of a frist."""

    dato: date | None
    tekst: str
    form: str
    intervall_mnd: int | None
    gjentas_til: date | None
    aar: int
    ny_rytme_fra: date | None = None
    ny_rytme_intervall_mnd: int | None = None


def forste_side(qs, per_side: int, side: str | None):
    """The requested page. The first page, the one nearly everybody sees, is read with one row
    more than fits: when that row is not there, the rows are all there is and no COUNT query is
    needed. Other pages go through Django's paginator as usual."""
    from django.core.paginator import Page, Paginator

    paginator = Paginator(qs, per_side)
    if side not in (None, "", "1"):
        return paginator, paginator.get_page(side)
    rows = list(qs[: per_side + 1])
    if len(rows) <= per_side:
        paginator.__dict__["count"] = len(rows)  # Paginator.count is a cached_property
    return paginator, Page(rows[:per_side], 1, paginator)


def _kort(tekst: str, n: int) -> str:
    return tekst if len(tekst) <= n else tekst[: n - 1].rstrip() + "…"


def neste_frister(frister_values, idag: date) -> dict[int, tuple[date | None, str]]:
    """Per oppdrag, the frist the list shows: among the frister last stated, the next occurrence
    from today, else the last passed one, else the first without a date (løpende, tekst)."""
    per: dict[int, list[_Frist]] = defaultdict(list)
    for oid, dato, tekst, form, intervall, til, aar, *ny_rytme in frister_values:
        per[oid].append(_Frist(dato, tekst, form, intervall, til, aar, *ny_rytme))
    horisont = idag + timedelta(days=3 * 366)
    result = {}
    for oid, alle in per.items():
        siste = max(f.aar for f in alle)
        gjeldende = [f for f in alle if f.aar == siste]
        kommende = []
        for f in gjeldende:
            if f.dato is not None:
                neste = occurrences(f, fra=idag, til=horisont)
                if neste:
                    kommende.append((neste[0], f.tekst))
        if kommende:
            result[oid] = min(kommende, key=lambda x: x[0])
            continue
        passert = sorted((f for f in gjeldende if f.dato), key=lambda f: f.dato)
        f = passert[-1] if passert else gjeldende[0]
        result[oid] = (f.dato, f.tekst)
    return result


def rader_html(rows: list[dict], frister: dict, *, vis_virksomhet: bool, idag: date) -> SafeString:
    """The <tr> elements of the list, escaped field by field."""
    prefix = reverse("oppdrag:detalj", args=[0])[:-2]  # "/oppdrag/"
    out = []
    for r in rows:
        nummer = escape(r["nummer"])
        if vis_virksomhet:
            nummer += f'<br><span class="dempet">{escape(r["virksomhet__kortnavn"])}</span>'
        fou = f' <span class="merke">{escape(FOU.get(r["fou"], r["fou"]))}</span>' if r["fou"] else ""
        if r["maal__nummer"] is not None:
            maal = f'{escape(maal_navn(r["maal__nummer"]))}<span class="dempet">: {escape(_kort(r["maal__tittel"], 60))}</span>'
        else:
            maal = "–"
        neste = frister.get(r["pk"])
        if neste is None:
            frist = "–"
        else:
            dato, tekst = neste
            frist = ""
            if dato:
                frist = f"{dato:%d.%m.%Y}" + (" <span class=\"merke merke-endret\">passert</span>" if dato < idag else "")
            if tekst.strip() != (f"{dato:%d.%m.%Y}" if dato else ""):  # the wording, unless it is just the date
                frist += ("<br>" if frist else "") + f'<span class="dempet">{escape(_kort(tekst, 80))}</span>'
        navn = f'{r["ansvarlig__first_name"] or ""} {r["ansvarlig__last_name"] or ""}'.strip()
        ansvarlig = escape(navn or r["ansvarlig__username"] or "–")
        out.append(
            f'<tr><td data-etikett="Nr.">{nummer}</td>'
            f'<td data-etikett="Oppdrag"><a href="{prefix}{r["pk"]}/">{escape(_kort(r["tittel"], 160))}</a>{fou}</td>'
            f'<td data-etikett="Mål">{maal}</td>'
            f'<td data-etikett="Neste frist">{frist}</td>'
            f'<td data-etikett="Status"><span class="status">{escape(STATUS.get(r["status"], r["status"]))}</span></td>'
            f'<td data-etikett="Risiko">{RISIKO.get(r["risiko"], RISIKO[""])}</td>'
            f'<td data-etikett="Ansvarlig">{ansvarlig}</td></tr>'
        )
    return mark_safe("\n".join(out))  # noqa: S308 - every value above is escaped
