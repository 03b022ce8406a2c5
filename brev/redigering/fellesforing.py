"""Fellesføringer in the letter: add, edit (with the numbers each asks for in the årsrapport) and delete."""

from __future__ import annotations

from django.contrib import messages
from django.db.models import Max
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse

from brev.forms import FellesforingForm, TallfeltFormSet
from styring.models import Fellesforing

from .felles import LAGRET, _ramme, _renummerer, _skjemaside, _slett, hent_brev, lagre, redigering


def _tilbake(brev) -> str:
    return f"{reverse('brev:rediger-oversikt', args=[brev.pk])}#fellesforinger"


def _side(request, brev, fellesforing: Fellesforing, *, ny: bool):
    data = request.POST or None
    form = FellesforingForm(data, instance=fellesforing, brev=brev, prefix="ff")
    tallfelt = TallfeltFormSet(data, instance=fellesforing, prefix="tall")
    tallfelt.radnavn = "Tall"

    def handling():
        if ny:
            siste = brev.fellesforinger.aggregate(m=Max("rekkefolge"))["m"]
            fellesforing.rekkefolge = 0 if siste is None else siste + 1
        form.save()
        tallfelt.instance = fellesforing
        tallfelt.save()
        _renummerer(tallfelt)

    if request.method == "POST" and lagre(request, [form, tallfelt], handling):
        messages.success(request, f"Fellesføringen «{fellesforing.tittel}» er lagt til." if ny else LAGRET)
        return redirect("brev:rediger-fellesforing", brev.pk, fellesforing.pk)
    return _skjemaside(request, "brev/rediger/skjema.html", _ramme(brev), form=form, formsett=[tallfelt],
                       formsett_titler=["Tall som oppgis i årsrapporten"],
                       formsett_hjelp=["Hvert tall blir et felt i årsrapporten og sammenlignes med tidligere års "
                                       "årsrapporter (samme nøkkel) og med grunnlaget."],
                       overskrift="Ny fellesføring" if ny else f"Fellesføringen «{fellesforing.tittel}»",
                       knapp="Lagre fellesføringen", tilbake_url=_tilbake(brev),
                       slett_url=None if ny else reverse("brev:rediger-fellesforing-slett",
                                                         args=[brev.pk, fellesforing.pk]))


@redigering
def fellesforing_ny(request, pk: int):
    brev = hent_brev(request, pk)
    return _side(request, brev, Fellesforing(tildelingsbrev=brev), ny=True)


@redigering
def fellesforing_rediger(request, pk: int, ff_pk: int):
    brev = hent_brev(request, pk)
    return _side(request, brev, get_object_or_404(brev.fellesforinger.all(), pk=ff_pk), ny=False)


@redigering
def fellesforing_slett(request, pk: int, ff_pk: int):
    brev = hent_brev(request, pk)
    f = get_object_or_404(brev.fellesforinger.all(), pk=ff_pk)
    return _slett(request, ramme=_ramme(brev), objekt=f, hva=f"Fellesføringen «{f.tittel}»",
                  konsekvenser=["Fellesføringen og tallene den ber om forsvinner fra brevet, og blir ikke lagt inn i "
                                "nye årsrapporter."],
                  tilbake=reverse("brev:rediger-fellesforing", args=[brev.pk, f.pk]), ferdig=_tilbake(brev))
