from django.contrib.auth.decorators import login_required
from django.shortcuts import render
from django.utils import timezone

from rapportering.diagrammer import minside_diagrammer

from .oversikt import DAGER_FREM, oversikt
from .rader import kommende_rader


@login_required
def min_side(request):
    """The dashboard: due soon, overdue, red and yellow, latest follow-up — within what the user may see."""
    diagramrapport, diagrammer = minside_diagrammer(request.user)
    o = oversikt(request.user, timezone.localdate())
    return render(request, "minside/min_side.html", {"o": o, "kommende_rader": kommende_rader(o.kommende, request.user),
                                                     "dager": DAGER_FREM, "diagramrapport": diagramrapport,
                                                     "diagrammer": diagrammer})
