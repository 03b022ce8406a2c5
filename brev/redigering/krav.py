"""Rapporteringskrav (older letters: "R 1" … "R 8.4", "R 10 og 11") in the letter's order: add, edit,
move and delete, each with the mål and the styringsparametere it concerns."""

from __future__ import annotations

from django.contrib import messages
from django.db import transaction
from django.db.models import Max
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.views.decorators.http import require_POST

from brev.forms import RapporteringskravForm
from kjerne.historikk import acting_user
from styring.models import Rapporteringskrav

from .felles import LAGRET, _ramme, _skjemaside, _slett, hent_brev, lagre, redigering


def _tilbake(brev) -> str:
    return f"{reverse('brev:rediger-oversikt', args=[brev.pk])}#rapporteringskrav"


@redigering
def krav_ny(request, pk: int):
    brev = hent_brev(request, pk)
    krav = Rapporteringskrav(tildelingsbrev=brev)
    form = RapporteringskravForm(request.POST or None, instance=krav, brev=brev)

    def handling():
        siste = brev.rapporteringskrav.aggregate(m=Max("rekkefolge"))["m"]
        krav.rekkefolge = 0 if siste is None else siste + 1
        form.save()

    if request.method == "POST" and lagre(request, [form], handling):
        messages.success(request, f"Rapporteringskravet {krav.kode} er lagt til.")
        return redirect(_tilbake(brev))
    return _skjemaside(request, "brev/rediger/skjema.html", _ramme(brev), form=form, overskrift="Nytt rapporteringskrav",
                       knapp="Legg til rapporteringskravet", tilbake_url=_tilbake(brev))


@redigering
def krav_rediger(request, pk: int, krav_pk: int):
    brev = hent_brev(request, pk)
    krav = get_object_or_404(brev.rapporteringskrav.all(), pk=krav_pk)
    form = RapporteringskravForm(request.POST or None, instance=krav, brev=brev)
    if request.method == "POST" and lagre(request, [form], form.save):
        messages.success(request, LAGRET)
        return redirect(_tilbake(brev))
    return _skjemaside(request, "brev/rediger/skjema.html", _ramme(brev), form=form,
                       overskrift=f"Rapporteringskrav {krav.kode}", knapp="Lagre rapporteringskravet",
                       tilbake_url=_tilbake(brev),
                       slett_url=reverse("brev:rediger-krav-slett", args=[brev.pk, krav.pk]))


@redigering
@require_POST
def krav_flytt(request, pk: int, krav_pk: int):
    brev = hent_brev(request, pk)
    opp = request.POST.get("retning") == "opp"
    with transaction.atomic(), acting_user(request.user):
        rekke = list(brev.rapporteringskrav.select_for_update().order_by("rekkefolge", "pk"))
        posisjon = next((i for i, k in enumerate(rekke) if k.pk == krav_pk), None)
        if posisjon is None:
            raise Http404("Ukjent rapporteringskrav.")
        ny = posisjon - 1 if opp else posisjon + 1
        if 0 <= ny < len(rekke):
            rekke[posisjon], rekke[ny] = rekke[ny], rekke[posisjon]
            for i, k in enumerate(rekke):
                if k.rekkefolge != i:
                    k.rekkefolge = i
                    k.save(update_fields=["rekkefolge"])
            messages.success(request, f"Rapporteringskravet {rekke[ny].kode} er flyttet {'opp' if opp else 'ned'}.")
    return redirect(_tilbake(brev))


@redigering
def krav_slett(request, pk: int, krav_pk: int):
    brev = hent_brev(request, pk)
    krav = get_object_or_404(brev.rapporteringskrav.all(), pk=krav_pk)
    return _slett(request, ramme=_ramme(brev), objekt=krav, hva=f"Rapporteringskravet {krav.kode}",
                  konsekvenser=["Kravet forsvinner fra brevet og blir ikke lagt inn i nye halvårs- og årsrapporter."],
                  tilbake=reverse("brev:rediger-krav", args=[brev.pk, krav.pk]), ferdig=_tilbake(brev))
