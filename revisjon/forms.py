"""Forms for Riksrevisjonen's remarks and the follow-up plan. They validate; services write."""

from __future__ import annotations

from django import forms

from kjerne.enkeltlinje import ingen_linjeskift
from kjerne.skjema import Datofelt
from oppdrag.opplasting import Opplastingsfelt

from .models import Alvorlighet, Kilde


class MerknadForm(forms.Form):
    kilde = forms.ChoiceField(label="Kilde", choices=Kilde.choices,
                              error_messages={"required": "Velg hvor merknaden kommer fra.",
                                              "invalid_choice": "Velg en kilde i listen."})
    dato = Datofelt(label="Dato for merknaden", error_messages={"required": "Skriv datoen på Riksrevisjonens brev."})
    revidert_aar = forms.IntegerField(label="Gjelder regnskapsåret", required=False, min_value=1990, max_value=2100,
                                      widget=forms.NumberInput(attrs={"class": "kort-felt"}),
                                      error_messages={"invalid": "Skriv året med fire sifre, f.eks. 2023.",
                                                      "min_value": "Skriv et år fra 1990 til 2100.",
                                                      "max_value": "Skriv et år fra 1990 til 2100."})
    referanse = forms.CharField(label="Riksrevisjonens referanse", required=False, max_length=100,
                                validators=[ingen_linjeskift],
                                error_messages={"max_length": "Referansen kan ha høyst 100 tegn."})
    tittel = forms.CharField(label="Merknad", max_length=300, validators=[ingen_linjeskift],
                             help_text="Kort: hva merknaden gjelder. Én linje.",
                             error_messages={"required": "Skriv hva merknaden gjelder.",
                                             "max_length": "Merknaden kan ha høyst 300 tegn."})
    beskrivelse = forms.CharField(label="Hva Riksrevisjonen påpeker", required=False,
                                  widget=forms.Textarea(attrs={"rows": 4}))
    alvorlighet = forms.ChoiceField(label="Alvorlighetsgrad", choices=Alvorlighet.choices,
                                    error_messages={"required": "Velg alvorlighetsgrad.",
                                                    "invalid_choice": "Velg en alvorlighetsgrad i listen."})



class SvarbrevForm(forms.Form):
    tittel = forms.CharField(label="Tittel", max_length=300, validators=[ingen_linjeskift],
                             error_messages={"required": "Gi svarbrevet en tittel.",
                                             "max_length": "Tittelen kan ha høyst 300 tegn."})
    datert = Datofelt(label="Datert", error_messages={"required": "Skriv datoen på svarbrevet."})
    fil = Opplastingsfelt()  # the same checks as an oppdrag's deliveries (type, size, content, ZIP limits)


class LukkForm(forms.Form):
    lukket = Datofelt(label="Lukket dato", error_messages={"required": "Skriv datoen merknaden ble lukket."})
    lukket_begrunnelse = forms.CharField(label="Grunnlag for lukking", widget=forms.Textarea(attrs={"rows": 3}),
                                         help_text="F.eks. Riksrevisjonens brev om at saken er avsluttet.",
                                         error_messages={"required": "Skriv grunnlaget for å lukke merknaden."})
