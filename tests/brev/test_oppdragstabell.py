"""The letter's oppdrag tables, written in Python (brev/templatetags/brevtabeller.py), give the very
HTML the included template gave: every branch of a row, and text that must be escaped."""

from __future__ import annotations

from types import SimpleNamespace as NS

import pytest
from django.template import Context, Engine

from brev.templatetags.brevtabeller import oppdragstabell

# The template the tag replaced, as it stood (templates/brev/_brev_oppdragstabell.html).
MAL = """{% load portal %}<table class="ds-table responsiv oppdrag oppdrag-{{ tabell }}">
  <thead><tr><th scope="col">Nr.</th><th scope="col">Oppdrag</th><th scope="col">Frist</th><th scope="col">Status</th></tr></thead>
  <tbody>{% for r in rader %}
    <tr><th scope="row" class="nobr" data-etikett="Nr.">{{ r.oppdrag.nummer }}</th>
      <td data-etikett="Oppdrag"><a href="{% url 'oppdrag:detalj' r.oppdrag.pk %}">{{ r.tittel|ubrutt }}</a>{% if r.tillegg %} <span class="merke merke-ny">Nytt i tillegg nr. {{ r.tillegg.nummer }}</span>{% endif %}{% with partnere=r.oppdrag.alle_samarbeidspartnere %}{% if partnere %}<br><span class="dempet">I samarbeid med {% for p in partnere %}{{ p.navn }}{% if not forloop.last %}, {% endif %}{% endfor %}</span>{% endif %}{% endwith %}</td>
      <td data-etikett="Frist">{% for f in r.frister %}{% if not forloop.first %}<br>{% endif %}{{ f.tekst }}{% if f.tillegg_id and not r.tillegg %} <span class="merke merke-endret">Endret i tillegg nr. {% for t in r.frist_tillegg %}{% if t.pk == f.tillegg_id %}{{ t.nummer }}{% endif %}{% endfor %}</span>{% endif %}{% empty %}–{% endfor %}</td>
      <td data-etikett="Status">{{ r.oppdrag.get_status_display }} {{ r.oppdrag.risiko|risiko }}</td></tr>
  {% endfor %}</tbody>
</table>
"""


def _oppdrag(pk, nummer, *, status="Pågår", risiko="", partnere=()):
    return NS(pk=pk, nummer=nummer, risiko=risiko, get_status_display=lambda: status,
              alle_samarbeidspartnere=[NS(navn=n) for n in partnere])


def _rader():
    t1, t2 = NS(pk=11, nummer=1), NS(pk=12, nummer=2)
    return [
        # a plain row with one frist and no risk assessed
        NS(oppdrag=_oppdrag(1, "2024-01"), tittel="Utrede tiltak for 291 400 000 kr i 2024-02",
           frister=[NS(tekst="01.03.2024", tillegg_id=None)], tillegg=None, frist_tillegg=[]),
        # given in a tillegg, with partners, text that must be escaped, two frister
        NS(oppdrag=_oppdrag(2, "2024-02a", status="Ikke startet", risiko="rod",
                            partnere=["Bufdir", "<Husbanken> & \"NAV\""]),
           tittel="Tiltak <b>for</b> «alle» & 'noen'", tillegg=t2, frist_tillegg=[t2],
           frister=[NS(tekst="Del 1: 1. mai", tillegg_id=None), NS(tekst="Del 2 <snart>", tillegg_id=12)]),
        # frister changed in two tillegg; no frist at all in the last row
        NS(oppdrag=_oppdrag(3, "2023-07", status="Levert", risiko="gronn"), tittel="Eldre oppdrag", tillegg=None,
           frist_tillegg=[t1, t2], frister=[NS(tekst="15.06.2024", tillegg_id=11), NS(tekst="Løpende", tillegg_id=12)]),
        NS(oppdrag=_oppdrag(4, "2022-3", risiko="gul"), tittel="", tillegg=None, frist_tillegg=[], frister=[]),
    ]


@pytest.mark.parametrize("tabell", ["nye", "tidligere"])
def test_tabellen_er_lik_malen_byte_for_byte(tabell):
    engine = Engine.get_default()
    for rader in (_rader(), _rader()[1:2], []):
        forventet = engine.from_string(MAL).render(Context({"rader": rader, "tabell": tabell}))
        assert oppdragstabell(rader, tabell) == forventet


def test_teksten_escapes():
    html = oppdragstabell(_rader(), "nye")
    assert "&lt;Husbanken&gt; &amp; &quot;NAV&quot;" in html and "<Husbanken>" not in html
    assert "Tiltak &lt;b&gt;for&lt;/b&gt;" in html and "Del 2 &lt;snart&gt;" in html
    assert 'Endret i tillegg nr. 1</span>' in html and 'Nytt i tillegg nr. 2</span>' in html
