"""The letter's own definitions of red, yellow and green (older letters state them), edited by the
ministry while the letter is a draft. Left empty, the instruks's definitions apply."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.shortcuts import redirect
from django.urls import reverse

from oppdrag.models import RISIKO_DEFINISJON, Risikodefinisjon
from oppdrag.risiko import FARGER, egne_definisjoner

from .felles import LAGRET, _ramme, _skjemaside, hent_brev, lagre, redigering


class RisikodefinisjonerForm(forms.Form):
    """All three, or none: a letter that defines red but not green would leave the agency guessing."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for farge in FARGER:
            self.fields[str(farge)] = forms.CharField(
                label=farge.label, required=False, widget=forms.Textarea(attrs={"rows": 3}),
                help_text=f"Instruksen: «{RISIKO_DEFINISJON[farge]}»")

    def clean(self):
        cleaned = super().clean()
        tekster = {f: " ".join((cleaned.get(str(f)) or "").split()) for f in FARGER}
        tomme = [f for f in FARGER if not tekster[f]]
        if tomme and len(tomme) < len(FARGER):
            for f in tomme:
                self.add_error(str(f), f"Skriv hva {f.label.lower()} betyr i dette brevet, eller tøm alle tre "
                                       "for å bruke instruksens definisjoner.")
        for f in FARGER:
            cleaned[str(f)] = tekster[f]
        return cleaned


def lagre_definisjoner(brev, tekster: dict[str, str]) -> None:
    """Store the letter's definitions as typed: one row per colour, none when all are empty.
    Unchanged rows are left alone, so the history shows only what changed."""
    gamle = {r.farge: r for r in Risikodefinisjon.objects.filter(tildelingsbrev=brev)}
    for farge in FARGER:
        tekst = tekster.get(str(farge), "")
        rad = gamle.get(str(farge))
        if not tekst:
            if rad is not None:
                rad.delete()
        elif rad is None:
            Risikodefinisjon.objects.create(tildelingsbrev=brev, farge=farge, tekst=tekst)
        elif rad.tekst != tekst:
            rad.tekst = tekst
            rad.save(update_fields=["tekst"])


@redigering
def risikodefinisjoner(request, pk: int):
    brev = hent_brev(request, pk)
    form = RisikodefinisjonerForm(request.POST or None, initial=egne_definisjoner(brev))
    if request.method == "POST" and lagre(request, [form], lambda: lagre_definisjoner(brev, form.cleaned_data)):
        messages.success(request, LAGRET)
        return redirect(reverse("brev:rediger-oversikt", args=[brev.pk]) + "#risiko")
    return _skjemaside(request, "brev/rediger/skjema.html", _ramme(brev), form=form,
                       overskrift="Rød, gul og grønn i dette brevet", knapp="Lagre definisjonene")

