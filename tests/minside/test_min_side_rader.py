"""Min side's long tables are built in Python (minside/rader.py): the rows must be byte for byte
what the template language made of them, also for text that must be escaped or cut."""

from __future__ import annotations

from datetime import UTC, date, datetime
from types import SimpleNamespace

from django.template import engines

from brukere.models import User
from minside.oversikt import Virksomhetsstatus
from minside.rader import forfalte_rader, kommende_rader, risiko_rader, virksomhetsrader
from oppdrag.models import Oppdrag
from styring.models import Organisasjon

# The loops as templates/minside/min_side.html had them before the rows moved to Python.
KOMMENDE = engines["django"].from_string(
    """{% load portal %}{% for f in o.kommende %}
    <tr><td data-etikett="Dato">{{ f.dato|dato }}</td>
      <td data-etikett="Hva">{% if f.oppdrag %}<a href="{{ f.sti }}">{{ f.hva|forkort:140|ubrutt }}</a>{% else %}{{ f.hva|forkort:140|ubrutt }}{% endif %}</td>
      <td data-etikett="Frist i brevet">{{ f.tekst }}</td>
      <td data-etikett="Ansvarlig">{% if f.oppdrag and f.oppdrag.ansvarlig_id == user.pk %}<span class="merke">Meg</span>{% elif f.oppdrag.ansvarlig %}{{ f.oppdrag.ansvarlig }}{% else %}–{% endif %}</td></tr>
  {% endfor %}""")
FORFALTE = engines["django"].from_string(
    """{% load portal %}{% for r in per_oppdrag %}{% with f=r.siste %}
    <tr><td data-etikett="Siste frist">{{ f.dato|dato }}</td><td data-etikett="Oppdrag"><a href="{{ f.sti }}">{{ f.hva|forkort:140|ubrutt }}</a></td>
      <td data-etikett="Frist i brevet">{{ f.tekst }}</td><td class="tall" data-etikett="Passerte frister">{{ r.antall }}</td>
      <td data-etikett="Status">{{ f.oppdrag.get_status_display }} {{ f.oppdrag.risiko|risiko }}</td></tr>
  {% endwith %}{% endfor %}""")
RISIKO = engines["django"].from_string(
    """{% load portal %}{% for x in rode_gule %}
    <tr><td data-etikett="Risiko">{{ x.risiko|risiko }}</td><td data-etikett="Oppdrag"><a href="{% url 'oppdrag:detalj' x.pk %}"><span class="nobr">{{ x.nummer }}</span> {{ x.tittel|forkort:120|ubrutt }}</a></td>
      <td data-etikett="Virksomhet">{{ x.virksomhet.kortnavn }}</td><td data-etikett="Status">{{ x.get_status_display }}</td><td data-etikett="Ansvarlig">{{ x.ansvarlig|default:"–" }}</td></tr>
  {% endfor %}""")

VIRKSOMHETER = engines["django"].from_string(
    """{% for v in virksomheter %}
    <tr><th scope="row" data-etikett="Virksomhet"><a href="{% url 'oppdrag:liste' %}?virksomhet={{ v.virksomhet.pk }}">{{ v.virksomhet.navn }}</a></th>
      <td class="tall" data-etikett="Åpne oppdrag">{{ v.aapne }}</td><td class="tall" data-etikett="Rød">{{ v.rode }}</td>
      <td class="tall" data-etikett="Gul">{{ v.gule }}</td><td class="tall" data-etikett="Oppdrag med passert frist">{{ v.forfalte }}</td></tr>
  {% endfor %}""")

LANG = "Utrede <b>tiltak</b> & «følge opp» 2024-01 for 291 400 000 kr " + "og mer tekst " * 12
TITLER = ["Kort", LANG, 'Sitat "x" og \'y\'', "e\u0301 kombinert " * 20, ""]


def _oppdrag(i: int, tittel: str, *, ansvarlig=None) -> Oppdrag:
    o = Oppdrag(pk=100 + i, nummer=f"2024-{i:02d}<", tittel=tittel, status=["paagaar", "levert", "x"][i % 3],
                risiko=["rod", "gul", "", "ukjent"][i % 4], ansvarlig=ansvarlig)
    o.virksomhet = Organisasjon(pk=i + 1, kortnavn=f"V&{i}")
    return o


def test_forfalte_rader_som_malen():
    per = []
    for i, tittel in enumerate(TITLER):
        f = SimpleNamespace(dato=[date(2024, 3, 1), datetime(2024, 3, 1, 13, 5, tzinfo=UTC), None][i % 3],
                            sti=f"/oppdrag/{i}/?a=1&b=<2>", hva=f"Oppdrag 2024-0{i} {tittel}", tekst=f"Innen 1. mars & <{i}>",
                            oppdrag=_oppdrag(i, tittel))
        per.append({"siste": f, "antall": [1, 12, 1234][i % 3]})
    assert str(forfalte_rader(per)) == FORFALTE.render({"per_oppdrag": per})
    assert str(forfalte_rader([])) == FORFALTE.render({"per_oppdrag": []})


def test_risiko_rader_som_malen():
    folk = [None, User(username="a&b"), User(username="x", first_name="Åse <3>", last_name="Ås")]
    rader = [_oppdrag(i, tittel, ansvarlig=folk[i % 3]) for i, tittel in enumerate(TITLER)]
    assert str(risiko_rader(rader)) == RISIKO.render({"rode_gule": rader})


def test_virksomhetsrader_som_malen():
    rader = [Virksomhetsstatus(Organisasjon(pk=pk, navn=navn, kortnavn="x"), *tall)
             for pk, navn, tall in [(1, "Direktoratet for <ting> & «sånt»", (0, 0, 0, 0)),
                                    (12345, 'Sitat "x"', (1234, 12, 3, 1000))]]
    assert str(virksomhetsrader(rader)) == VIRKSOMHETER.render({"virksomheter": rader})


def test_kommende_rader_som_malen():
    meg = User(pk=7, username="meg")
    folk = [None, User(pk=8, username="a&b"), User(pk=9, username="x", first_name="Åse <3>", last_name="Ås"), meg]
    kommende = []
    for i, tittel in enumerate([*TITLER, "Rapport uten oppdrag"]):
        o = None if i == len(TITLER) else _oppdrag(i, tittel, ansvarlig=folk[i % 4])
        if o is not None and o.ansvarlig is not None:
            o.ansvarlig_id = o.ansvarlig.pk
        kommende.append(SimpleNamespace(dato=[date(2024, 3, 1), date(2024, 12, 31)][i % 2], sti=f"/oppdrag/{i}/?a=1&b=<2>",
                                        hva=f"Oppdrag 2024-0{i} {tittel}", tekst=f"Innen 1. mars & <{i}>", oppdrag=o))
    forventet = KOMMENDE.render({"o": {"kommende": kommende}, "user": meg})
    assert str(kommende_rader(kommende, meg)) == forventet
    assert forventet.count("Meg</span>") == 1 and "Åse &lt;3&gt; Ås" in forventet and "–</td>" in forventet
    assert str(kommende_rader([], meg)) == KOMMENDE.render({"o": {"kommende": []}, "user": meg})
