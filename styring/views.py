"""The letters in the browser. Every view starts from ``Tildelingsbrev.objects.for_user``."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.shortcuts import render

from .models import Tildelingsbrev


@login_required
def brev_liste(request):
    brev = Tildelingsbrev.objects.for_user(request.user).select_related("virksomhet", "departement").order_by(
        "virksomhet__kortnavn", "-aar")
    return render(request, "styring/brev_liste.html", {"brev_liste": brev})
