"""The person's choices of reminders, and their calendar feed (settings page and the feed)."""

from datetime import timedelta

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db import transaction
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone

from .forms import VarselinnstillingForm
from .kalender import kalender_ics, kalender_token_hash, kalendertilgang_lag, kalendertilgang_slett
from .models import Kalendertilgang, Varselinnstilling


@login_required
def varselinnstillinger(request):
    instance = Varselinnstilling.objects.filter(bruker=request.user).first() or Varselinnstilling(bruker=request.user)
    form = VarselinnstillingForm(request.POST or None, instance=instance)
    if request.method == "POST" and form.is_valid():
        with transaction.atomic():
            form.save()
        messages.success(request, "Varslingsvalgene dine er lagret.")
        return redirect("varselinnstillinger")
    return render(request, "varsler/varselinnstilling_form.html", {
        "form": form, "tid": settings.PAAMINNELSE_TID, "kan_oppsummering": request.user.er_departement})


# --------------------------------------------------------------------------------------------------
# Calendar
# --------------------------------------------------------------------------------------------------

KALENDER_FRA_DAGER = 30
KALENDER_TIL_DAGER = 400


@login_required
def kalender_innstillinger(request):
    token = ""
    if request.method == "POST":
        handling = request.POST.get("handling")
        if handling == "lag":
            token = kalendertilgang_lag(bruker=request.user)
        elif handling == "slett":
            kalendertilgang_slett(bruker=request.user)
            messages.success(request, "Kalenderlenken er slettet. Kalendere som bruker den, får ikke lenger frister.")
            return redirect("varsler:kalender-innstillinger")
        else:
            return HttpResponse("Ukjent handling.", status=400)
    tilgang = Kalendertilgang.objects.filter(bruker=request.user).first()
    adresse = ""
    if token:
        adresse = settings.SITE_URL.rstrip("/") + reverse("varsler:kalender", args=[token])
    response = render(request, "varsler/kalender_innstillinger.html",
                      {"tilgang": tilgang, "adresse": adresse, "fra_dager": KALENDER_FRA_DAGER,
                       "til_dager": KALENDER_TIL_DAGER})
    if token:
        response["Cache-Control"] = "no-store"
    return response


def kalender_feed(request, token: str):
    """The user's frister as iCalendar. No login (calendar clients cannot log in): the secret token
    identifies the user, and the feed shows what that user may see now."""
    tilgang = (Kalendertilgang.objects.select_related("bruker")
               .filter(token_hash=kalender_token_hash(token)).first())
    if tilgang is None or not tilgang.bruker.is_active:
        raise Http404("Ukjent kalenderlenke.")
    idag = timezone.localdate()
    innhold = kalender_ics(tilgang.bruker, fra=idag - timedelta(days=KALENDER_FRA_DAGER),
                           til=idag + timedelta(days=KALENDER_TIL_DAGER))
    Kalendertilgang.objects.filter(pk=tilgang.pk).update(sist_hentet=timezone.now())
    response = HttpResponse(innhold, content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = 'inline; filename="frister.ics"'
    response["Cache-Control"] = "private, max-age=900"
    response["Referrer-Policy"] = "no-referrer"
    return response
