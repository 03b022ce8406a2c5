from datetime import timedelta

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db import transaction
from django.shortcuts import redirect, render
from django.utils import timezone

from oppdrag.models import Oppdrag

from .forms import VarselinnstillingForm
from .models import Varselinnstilling
from .paaminnelser import forekomster

MIN_SIDE_DAGER = 30


@login_required
def min_side(request):
    """The frister the user may see in the next 30 days (the full dashboard comes with issue 3)."""
    idag = timezone.localdate()
    synlige = set(Oppdrag.objects.for_user(request.user).values_list("virksomhet_id", flat=True).distinct())
    frister = [f for f in forekomster(idag, idag + timedelta(days=MIN_SIDE_DAGER), virksomhet_ids=synlige)]
    return render(request, "rapportering/min_side.html", {"frister": frister, "dager": MIN_SIDE_DAGER})


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
