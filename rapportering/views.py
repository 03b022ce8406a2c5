from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db import transaction
from django.shortcuts import redirect, render
from django.utils import timezone

from .dashboard import DAGER_FREM, oversikt
from .forms import VarselinnstillingForm
from .models import Varselinnstilling


@login_required
def min_side(request):
    """The dashboard: due soon, overdue, red and yellow, latest follow-up — within what the user may see."""
    return render(request, "rapportering/min_side.html", {"o": oversikt(request.user, timezone.localdate()),
                                                           "dager": DAGER_FREM})


@login_required
def varselinnstillinger(request):
    instance = Varselinnstilling.objects.filter(bruker=request.user).first() or Varselinnstilling(bruker=request.user)
    form = VarselinnstillingForm(request.POST or None, instance=instance)
    if request.method == "POST" and form.is_valid():
        with transaction.atomic():
            form.save()
        messages.success(request, "Varslingsvalgene dine er lagret.")
        return redirect("varselinnstillinger")
    return render(request, "rapportering/varselinnstilling_form.html", {
        "form": form, "tid": settings.PAAMINNELSE_TID, "kan_oppsummering": request.user.er_departement})
