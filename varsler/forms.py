from django import forms
from django.conf import settings

from .models import Varselinnstilling


def _dager_choices():
    return [(d, f"{d} dag{'er' if d != 1 else ''} før") for d in sorted(settings.PAAMINNELSE_DAGER, reverse=True)]


class VarselinnstillingForm(forms.ModelForm):
    dager = forms.TypedMultipleChoiceField(coerce=int, required=False, label="Dager før fristen")

    class Meta:
        model = Varselinnstilling
        fields = ["paaminnelser", "dager", "forfalt", "ukentlig_oppsummering"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["dager"].choices = _dager_choices()
        if not self.instance.dager and not self.is_bound:
            self.initial["dager"] = [d for d, _ in _dager_choices()]

    def clean(self):
        data = super().clean()
        if data.get("paaminnelser") and not data.get("dager"):
            self.add_error("dager", "Velg minst én dag, eller slå av påminnelser før frister.")
        return data

    def clean_dager(self):
        return sorted(set(self.cleaned_data["dager"]), reverse=True)
