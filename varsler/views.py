"""The person's choices of reminders, and their calendar feed (settings page and the feed)."""

from datetime import timedelta

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db import transaction
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from .forms import VarselinnstillingForm
from .kalender import kalender_ics, kalender_token_hash, kalendertilgang_lag, kalendertilgang_slett
from .models import Kalendertilgang, Varsel, Varselinnstilling


@login_required
def varselinnstillinger(request):
    instance = Varselinnstilling.objects.filter(bruker=request.user).first() or Varselinnstilling(bruker=request.user)
    instance.bruker = request.user  # the form reads the role; no second query for the same user
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


# --------------------------------------------------------------------------------------------------
# Inbox: hand-off notices (varsler/overleveringer.py writes them)
# --------------------------------------------------------------------------------------------------

INNBOKS_SIDE = 50


def _mine(request):
    return Varsel.objects.filter(mottaker=request.user, i_innboks=True)


@login_required
def innboks(request):
    """The person's notices, newest first, unread marked; only their own rows exist here."""
    kun_uleste = request.GET.get("vis") == "uleste"
    qs = _mine(request)
    uleste = qs.filter(lest__isnull=True).count()
    if kun_uleste:
        qs = qs.filter(lest__isnull=True)
    side = Paginator(qs.select_related("utfort_av"), INNBOKS_SIDE).get_page(request.GET.get("side"))
    return render(request, "varsler/innboks.html", {"side": side, "uleste": uleste, "kun_uleste": kun_uleste})


@login_required
def innboks_antall(request):
    """The unread count in the header, fetched by htmx after the page has loaded, so no page pays a
    query for it."""
    antall = _mine(request).filter(lest__isnull=True).count()
    response = render(request, "varsler/_antall.html", {"antall": antall})
    response["Cache-Control"] = "no-store"
    return response


@require_POST
@login_required
def varsel_les(request, pk: int):
    """Mark one notice read; ``apne`` goes on to the object it is about."""
    varsel = get_object_or_404(_mine(request), pk=pk)
    with transaction.atomic():
        _mine(request).filter(pk=varsel.pk, lest__isnull=True).update(lest=timezone.now())
    if request.POST.get("apne"):
        return redirect(varsel.sti)
    return redirect("innboks:innboks")


@require_POST
@login_required
def varsler_alle_lest(request):
    with transaction.atomic():
        antall = _mine(request).filter(lest__isnull=True).update(lest=timezone.now())
    messages.success(request, f"{antall} varsel{'' if antall == 1 else 'er'} er markert som lest.")
    return redirect("innboks:innboks")
