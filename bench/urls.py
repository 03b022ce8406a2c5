"""URLconf for the page benchmark: the portal's own URLs plus the floor view.

The floor is a real view behind the same middleware, session and login as the pages, fetched
through the same test client: it renders the site's base layout with the same 500 rows, taken
from a list computed before the measurement. What a page costs above it is the page's own work
(queries, filtering, building rows).
"""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.template import engines
from django.urls import path

from config.urls import urlpatterns as portal

RADER = (
    """{% for o in rows %}<tr><td>{{ o.nummer }}</td><td><a href="/oppdrag/{{ o.pk }}/">{{ o.tittel|truncatechars:140 }}</a>"""
    """</td><td>{{ o.maal }}</td><td>{{ o.frist }}</td><td>{{ o.status }}</td><td>{{ o.risiko }}</td>"""
    """<td>{{ o.ansvarlig }}</td></tr>{% endfor %}"""
)
#: The 500 rows alone, rendered in-process (the second, lower floor).
RADER_MAL = engines["django"].from_string(RADER)
#: The same rows inside base.html, for the floor view.
SIDE_MAL = engines["django"].from_string(
    '{% extends "base.html" %}{% block title %}Gulv{% endblock title %}{% block content %}'
    "<h1>Gulv</h1><table><tbody>" + RADER + "</tbody></table>{% endblock content %}"
)

#: Filled by bench/ui.py before measuring.
GULV_RADER: list[dict] = []


@login_required
def gulv(request):
    return HttpResponse(SIDE_MAL.render({"rows": GULV_RADER}, request))


urlpatterns = [path("bench/gulv/", gulv, name="bench-gulv"), *portal]
