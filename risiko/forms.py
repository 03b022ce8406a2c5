"""Forms for risk assessments. They validate; services write."""

from __future__ import annotations

from django import forms

from kjerne.enkeltlinje import ingen_linjeskift

from .models import KONSEKVENS_TEKST, SANNSYNLIGHET_TEKST, SKALA, Periodetype

SKALA_FEIL = {"required": "Velg en verdi fra 1 til 5.", "invalid_choice": "Velg en verdi fra 1 til 5."}


def _skala(label: str, tekster: dict, hjelp: str = "") -> forms.TypedChoiceField:
    return forms.TypedChoiceField(label=label, coerce=int, choices=[(v, f"{v} – {tekster[v]}") for v in SKALA],
                                  error_messages=SKALA_FEIL, help_text=hjelp)


class NyVurderingForm(forms.Form):
    periodetype = forms.ChoiceField(label="Periode", choices=Periodetype.choices,
                                    error_messages={"required": "Velg halvår eller år.",
                                                    "invalid_choice": "Velg halvår eller år."})
    aar = forms.IntegerField(label="År", min_value=1990, max_value=2100,
                             widget=forms.NumberInput(attrs={"class": "kort-felt"}),
                             error_messages={"required": "Skriv året vurderingen gjelder.",
                                             "invalid": "Skriv året med fire sifre, f.eks. 2024.",
                                             "min_value": "Skriv et år fra 1990 til 2100.",
                                             "max_value": "Skriv et år fra 1990 til 2100."})
    viderefor = forms.BooleanField(label="Start fra forrige vurdering (risikoer og tiltak som ikke er gjennomført)",
                                   required=False, initial=True)


class SammendragForm(forms.Form):
    sammendrag = forms.CharField(label="Overordnet vurdering", required=False,
                                 widget=forms.Textarea(attrs={"rows": 4}),
                                 help_text="Virksomhetens samlede vurdering av risiko og vesentlighet for perioden.")


class RisikoForm(forms.Form):
    tittel = forms.CharField(label="Risiko", max_length=300, validators=[ingen_linjeskift],
                             help_text="Hva kan hindre at målet eller oppdraget nås? Én linje.",
                             error_messages={"required": "Beskriv risikoen.",
                                             "max_length": "Beskrivelsen kan ha høyst 300 tegn."})
    beskrivelse = forms.CharField(label="Årsaker og mulige konsekvenser", required=False,
                                  widget=forms.Textarea(attrs={"rows": 3}))
    maal = forms.ModelChoiceField(label="Mål som berøres", queryset=None, required=False, empty_label="Ikke knyttet til et mål",
                                  error_messages={"invalid_choice": "Velg et mål fra listen."})
    oppdrag = forms.ModelChoiceField(label="Oppdrag som berøres", queryset=None, required=False,
                                     empty_label="Ikke knyttet til et oppdrag",
                                     error_messages={"invalid_choice": "Velg et oppdrag fra listen."})
    sannsynlighet = _skala("Sannsynlighet før tiltak", SANNSYNLIGHET_TEKST)
    konsekvens = _skala("Konsekvens før tiltak", KONSEKVENS_TEKST)
    rest_sannsynlighet = _skala("Sannsynlighet etter tiltak", SANNSYNLIGHET_TEKST)
    rest_konsekvens = _skala("Konsekvens etter tiltak", KONSEKVENS_TEKST)
    akseptabel = forms.BooleanField(label="Restrisikoen er akseptabel", required=False)
    begrunnelse = forms.CharField(label="Vurdering av restrisikoen", required=False,
                                  widget=forms.Textarea(attrs={"rows": 3}),
                                  help_text="Påkrevd når restrisikoen ikke er akseptabel.")

    def __init__(self, *args, maal=None, oppdrag=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["maal"].queryset = maal
        self.fields["maal"].label_from_instance = lambda m: f"Mål {m.nummer}: {m.tittel}"
        self.fields["oppdrag"].queryset = oppdrag
        self.fields["oppdrag"].label_from_instance = lambda o: f"{o.nummer} {o.tittel[:90]}"

    def clean(self):
        data = super().clean()
        if not data.get("akseptabel") and not (data.get("begrunnelse") or "").strip() and not self.errors:
            self.add_error("begrunnelse", "Forklar hvorfor restrisikoen ikke er akseptabel, og hva som skal gjøres.")
        return data

