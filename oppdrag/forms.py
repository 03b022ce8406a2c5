"""Forms for the follow-up of an oppdrag. They validate; services write."""

from __future__ import annotations

from django import forms
from django.utils import timezone
from django.utils.html import format_html

from brukere.models import User
from kjerne.enkeltlinje import ingen_linjeskift
from kjerne.konflikt import KonfliktsikkerForm
from kjerne.tallgrenser import TallgrenseMixin

from .models import Leveranse, Oppdrag, Risiko, Status
from .opplasting import Opplastingsfelt
from .risiko import INSTRUKSEN, Definisjoner, for_oppdrag

DATO_FORMATER = ["%Y-%m-%d", "%d.%m.%Y"]


class DatoInput(forms.DateInput):
    input_type = "date"

    def __init__(self, attrs=None):
        super().__init__(attrs=attrs, format="%Y-%m-%d")


class AnsvarligForm(TallgrenseMixin, KonfliktsikkerForm):
    """Who in the agency answers for the oppdrag: a person of the oppdrag's own agency only."""

    class Meta:
        model = Oppdrag
        fields = ["ansvarlig"]
        labels = {"ansvarlig": "Ansvarlig i virksomheten"}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        felt = self.fields["ansvarlig"]
        felt.queryset = User.objects.filter(organisasjon_id=self.instance.virksomhet_id, is_active=True).order_by(
            "last_name", "first_name", "username")
        felt.empty_label = "Ingen ansvarlig"
        felt.required = False
        felt.error_messages["invalid_choice"] = "Velg en person i virksomheten som har oppdraget."


# Statuses the agency reports; closing and dropping is the steering ministry's decision.
VIRKSOMHET_STATUSER = [Status.IKKE_STARTET, Status.PAAGAAR, Status.UTSATT, Status.LEVERT]
DEPARTEMENT_STATUSER = [Status.LEVERT, Status.AVSLUTTET, Status.BORTFALT]
RISIKO_REKKEFOLGE = [Risiko.GRONN, Risiko.GUL, Risiko.ROD, Risiko.IKKE_VURDERT]


def _risiko_valg(definisjoner: Definisjoner = INSTRUKSEN):
    valg = []
    for r in RISIKO_REKKEFOLGE:
        definisjon = definisjoner.get(r)
        if definisjon:
            valg.append((r.value, format_html("<strong>{}</strong> – {}", r.label, definisjon)))
        else:
            valg.append((r.value, format_html("<strong>{}</strong>", r.label)))
    return valg


class StatusoppdateringForm(forms.Form):
    """The agency's follow-up entry: status, red/yellow/green with its assessment, measures."""

    status = forms.ChoiceField(label="Status", choices=[(s.value, s.label) for s in VIRKSOMHET_STATUSER],
                               error_messages={"required": "Velg status.",
                                               "invalid_choice": "Velg en av statusene i listen."})
    risiko = forms.ChoiceField(label="Risiko", choices=_risiko_valg, required=False, widget=forms.RadioSelect,
                               error_messages={"invalid_choice": "Velg rød, gul, grønn eller ikke vurdert."})
    risiko_tekst = forms.CharField(label="Vurdering", required=False, widget=forms.Textarea(attrs={"rows": 4}),
                                   help_text="Påkrevd når risikoen er vurdert (grønn, gul eller rød).")
    tiltak = forms.CharField(label="Korrigerende tiltak", required=False, widget=forms.Textarea(attrs={"rows": 3}),
                             help_text="Påkrevd når risikoen er rød.")
    kommentar = forms.CharField(label="Kommentar", required=False, widget=forms.Textarea(attrs={"rows": 3}))
    gjelder_dato = forms.DateField(label="Gjelder per", widget=DatoInput, input_formats=DATO_FORMATER,
                                   error_messages={"required": "Oppgi datoen oppdateringen gjelder per.",
                                                   "invalid": "Skriv datoen som dd.mm.åååå."})

    def __init__(self, *args, oppdrag: Oppdrag | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        self.oppdrag = oppdrag
        self.fields["gjelder_dato"].initial = timezone.localdate
        # Red, yellow and green as the letter that gave the oppdrag defines them (else the instruks).
        self.definisjoner = for_oppdrag(oppdrag) if oppdrag is not None else INSTRUKSEN
        self.fields["risiko"].choices = _risiko_valg(self.definisjoner)
        self.fields["risiko"].help_text = f"Definisjonene er fra {self.definisjoner.kilde}."
        if oppdrag is not None and not self.is_bound:
            self.fields["risiko"].initial = oppdrag.risiko
            if oppdrag.status in VIRKSOMHET_STATUSER:
                self.fields["status"].initial = oppdrag.status

    def clean_gjelder_dato(self):
        dato = self.cleaned_data["gjelder_dato"]
        if dato > timezone.localdate():
            raise forms.ValidationError("Datoen kan ikke være fram i tid.")
        return dato

    def clean(self):
        data = super().clean()
        if self.oppdrag is not None and self.oppdrag.status in (Status.AVSLUTTET, Status.BORTFALT):
            # Closing is the ministry's decision; the agency does not reopen it with a new status.
            raise forms.ValidationError(
                f"Departementet har markert oppdraget som {self.oppdrag.get_status_display().lower()}. "
                "Ny status kan ikke registreres. Ta kontakt med departementet hvis oppdraget skal gjenåpnes.")
        risiko = data.get("risiko", "")
        if risiko and not data.get("risiko_tekst", "").strip():
            navn = dict(Risiko.choices)[risiko].lower()
            self.add_error("risiko_tekst", f"Skriv en vurdering når risikoen er {navn}.")
        if risiko == Risiko.ROD and not data.get("tiltak", "").strip():
            self.add_error("tiltak", "Beskriv de korrigerende tiltakene når risikoen er rød.")
        return data


class AvslutningForm(forms.Form):
    """The steering ministry marks the oppdrag delivered, closed or dropped, and says why."""

    status = forms.ChoiceField(label="Ny status", choices=[(s.value, s.label) for s in DEPARTEMENT_STATUSER],
                               widget=forms.RadioSelect,
                               error_messages={"required": "Velg levert, avsluttet eller bortfalt.",
                                               "invalid_choice": "Velg levert, avsluttet eller bortfalt."})
    kommentar = forms.CharField(label="Begrunnelse", widget=forms.Textarea(attrs={"rows": 3}),
                                error_messages={"required": "Skriv en begrunnelse for statusendringen."})


class KommentarForm(forms.Form):
    tekst = forms.CharField(label="Kommentar fra departementet", widget=forms.Textarea(attrs={"rows": 4}),
                            error_messages={"required": "Skriv en kommentar."})

    def clean_tekst(self):
        tekst = self.cleaned_data["tekst"].strip()
        if not tekst:
            raise forms.ValidationError("Skriv en kommentar.")
        return tekst


class LeveranseForm(forms.Form):
    tittel = forms.CharField(label="Tittel", max_length=300, validators=[ingen_linjeskift],
                             error_messages={"required": "Gi dokumentet en tittel.",
                                             "max_length": "Tittelen kan ha høyst 300 tegn."})
    type = forms.ChoiceField(label="Type dokument", choices=Leveranse.Type.choices, initial=Leveranse.Type.RAPPORT)
    fil = Opplastingsfelt()
