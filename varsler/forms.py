from django import forms
from django.conf import settings

from .models import Varsel, Varselinnstilling


def _dager_choices():
    return [(d, f"{d} dag{'er' if d != 1 else ''} før") for d in sorted(settings.PAAMINNELSE_DAGER, reverse=True)]


Art = Varsel.Art
DEPARTEMENT_ARTER = [Art.BREV_TIL_GODKJENNING, Art.BREV_SENDT_TILBAKE, Art.OPPDRAG_RISIKO, Art.OPPDRAG_LEVERANSE,
                     Art.RAPPORT_SENDT, Art.REFERAT_MERKNAD, Art.REFERAT_GODKJENT, Art.RISIKO_DELT]
VIRKSOMHET_ARTER = [Art.BREV_SENDT, Art.TILLEGG_SENDT, Art.OPPDRAG_KOMMENTAR, Art.OPPDRAG_AVSLUTTET,
                    Art.RAPPORT_MOTTATT, Art.RAPPORT_KOMMENTERT, Art.REFERAT_TIL_KOMMENTAR, Art.REFERAT_MERKNAD,
                    Art.REFERAT_GODKJENT]


def arter_for(bruker) -> list:
    """The hand-off notices a person can receive, in the order the settings page lists them."""
    if bruker.er_departement:
        return DEPARTEMENT_ARTER
    if bruker.er_virksomhet:
        return VIRKSOMHET_ARTER
    return [] if bruker.er_observator else list(Art)


class VarselinnstillingForm(forms.ModelForm):
    dager = forms.TypedMultipleChoiceField(coerce=int, required=False, label="Dager før fristen")
    i_portalen = forms.MultipleChoiceField(required=False, label="Varsler i innboksen")
    paa_epost = forms.MultipleChoiceField(required=False, label="Varsler på e-post")

    class Meta:
        model = Varselinnstilling
        fields = ["paaminnelser", "dager", "forfalt", "ukentlig_oppsummering"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["dager"].choices = _dager_choices()
        if not self.instance.dager and not self.is_bound:
            self.initial["dager"] = [d for d, _ in _dager_choices()]
        self.arter = arter_for(self.instance.bruker)
        for navn, av in (("i_portalen", self.instance.av_i_portalen), ("paa_epost", self.instance.av_paa_epost)):
            self.fields[navn].choices = [(a.value, a.label) for a in self.arter]
            if not self.is_bound:
                self.initial[navn] = [a.value for a in self.arter if a.value not in (av or [])]

    def hendelser(self):
        """Rows for the template: (kind, label, on in the inbox, on by e-mail)."""
        portal, epost = (set(map(str, self["i_portalen"].value() or [])),
                         set(map(str, self["paa_epost"].value() or [])))
        return [(a.value, a.label, a.value in portal, a.value in epost) for a in self.arter]

    def save(self, commit=True):
        # Kinds not offered to this person keep their earlier choice.
        for navn, felt in (("i_portalen", "av_i_portalen"), ("paa_epost", "av_paa_epost")):
            paa = set(self.cleaned_data.get(navn) or [])
            tidligere = [a for a in (getattr(self.instance, felt) or []) if a not in self.arter]
            setattr(self.instance, felt, sorted(set(tidligere) | {a.value for a in self.arter if a.value not in paa}))
        return super().save(commit=commit)

    def clean(self):
        data = super().clean()
        if data.get("paaminnelser") and not data.get("dager"):
            self.add_error("dager", "Velg minst én dag, eller slå av påminnelser før frister.")
        return data

    def clean_dager(self):
        return sorted(set(self.cleaned_data["dager"]), reverse=True)
