from django.contrib.auth.decorators import login_required
from django.shortcuts import render
from django.utils import timezone

from rapportering.diagrammer import minside_diagrammer

from .oversikt import DAGER_FREM, oversikt


@login_required
def min_side(request):
    """The dashboard: due soon, overdue, red and yellow, latest follow-up — within what the user may see."""
    diagramrapport, diagrammer = minside_diagrammer(request.user)
    return render(request, "minside/min_side.html", {"o": oversikt(request.user, timezone.localdate()),
                                                     "dager": DAGER_FREM, "diagramrapport": diagramrapport,
                                                     "diagrammer": diagrammer})
