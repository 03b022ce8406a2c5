from __future__ import annotations

from django import forms

from brukere.models import User
from kjerne.enkeltlinje import ingen_linjeskift
from kjerne.skjema import Datofelt, Redigeringsskjema
from oppdrag.forms import LeveranseForm

from .models import Mote, Referat, Side, Vedtak


def _brukere(mote_eller_brev) -> forms.ModelChoiceField:
    brev = getattr(mote_eller_brev, "tildelingsbrev", mote_eller_brev)
    return User.objects.filter(organisasjon_id__in=[brev.departement_id, brev.virksomhet_id],
                               is_active=True).select_related("organisasjon").order_by(
        "organisasjon__type", "last_name", "first_name")


class _Brukervalg(forms.ModelChoiceField):
    def label_from_instance(self, obj) -> str:
        navn = obj.get_full_name() or obj.username
        return f"{navn} ({obj.organisasjon.kortnavn})" if obj.organisasjon_id else navn


class MoteForm(Redigeringsskjema):
    dato = Datofelt(label="Dato", error_messages={"required": "Skriv datoen for møtet."})
    dagsorden_frist = Datofelt(label="Frist for saker til dagsorden", required=False,
                               help_text="Til og med denne datoen kan virksomheten foreslå saker. Fristen minner "
                                         "som andre frister.")

    class Meta:
        model = Mote
        fields = ["type", "tittel", "dato", "klokkeslett", "sted", "grunnlag", "dagsorden_frist"]
        widgets = {"klokkeslett": forms.TimeInput(format="%H:%M", attrs={"class": "kort-felt"})}
        help_texts = {"klokkeslett": "F.eks. 13:00.",
                      "grunnlag": "Rapporten møtet tar utgangspunkt i. Avvik i rapporten kommer med på dagsordenen."}
        error_messages = {"tittel": {"required": "Gi møtet en tittel."}}

    def __init__(self, *args, brev, **kwargs):
        super().__init__(*args, **kwargs)
        from rapportering.models import Rapport

        # Reports of the agency that the ministry may see (sent or received), newest first.
        self.fields["grunnlag"].queryset = Rapport.objects.filter(
            virksomhet_id=brev.virksomhet_id, departement_id=brev.departement_id,
            status__in=["sendt", "mottatt"]).order_by("-rapport_aar", "-telletidspunkt")
        self.fields["grunnlag"].label_from_instance = lambda r: r.tittel
        self.fields["grunnlag"].empty_label = "Ingen"


class DeltakerForm(forms.Form):
    side = forms.ChoiceField(label="Part", choices=Side.choices)
    bruker = _Brukervalg(label="Bruker i portalen", queryset=User.objects.none(), required=False,
                         empty_label="Ingen (skriv navnet under)")
    navn = forms.CharField(label="Eller navn", max_length=200, required=False, validators=[ingen_linjeskift],
                           help_text="For deltakere uten bruker, f.eks. politisk ledelse.")
    stilling = forms.CharField(label="Stilling", max_length=200, required=False, validators=[ingen_linjeskift])

    def __init__(self, *args, mote, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["bruker"].queryset = _brukere(mote)

    def clean(self):
        cleaned = super().clean()
        if not cleaned.get("bruker") and not (cleaned.get("navn") or "").strip():
            raise forms.ValidationError("Velg en bruker eller skriv et navn.")
        return cleaned


class SakForm(forms.Form):
    tittel = forms.CharField(label="Sak", max_length=300, validators=[ingen_linjeskift],
                             error_messages={"required": "Skriv hva saken gjelder.",
                                             "max_length": "Saken kan ha høyst 300 tegn. Skriv mer i beskrivelsen."})
    beskrivelse = forms.CharField(label="Beskrivelse", required=False, widget=forms.Textarea(attrs={"rows": 3}),
                                  max_length=5000)


class VedleggForm(LeveranseForm):
    """A meeting document: title and file, with the same checks as an oppdrag's delivery (type, size,
    content, ZIP limits; ``oppdrag.opplasting``), without the delivery's type."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        del self.fields["type"]


class ReferatForm(Redigeringsskjema):
    class Meta:
        model = Referat
        fields = ["tekst"]
        widgets = {"tekst": forms.Textarea(attrs={"rows": 18})}
        help_texts = {"tekst": "Skriv avsnitt med en tom linje mellom. Vedtakene føres under, hvert for seg."}


class MerknadForm(forms.Form):
    tekst = forms.CharField(label="Merknad til referatet", widget=forms.Textarea(attrs={"rows": 4}), max_length=10000,
                            error_messages={"required": "Skriv en merknad."})


class VedtakForm(Redigeringsskjema):
    frist = Datofelt(label="Frist", required=False,
                     help_text="Oppfølgingspunkt: når punktet skal være fulgt opp. Nytt oppdrag: fristen som "
                               "foreslås i tillegget.")

    class Meta:
        model = Vedtak
        fields = ["art", "tittel", "tekst", "ansvarlig", "frist"]
        widgets = {"art": forms.RadioSelect, "tekst": forms.Textarea(attrs={"rows": 4})}
        help_texts = {"ansvarlig": "Hvem som følger opp punktet. Påminnelser går til denne personen."}
        error_messages = {"tittel": {"required": "Skriv vedtaket."}, "art": {"required": "Velg hva vedtaket blir."}}

    def __init__(self, *args, mote, **kwargs):
        super().__init__(*args, **kwargs)
        felt = _Brukervalg(label="Ansvarlig", queryset=_brukere(mote), required=False, empty_label="Ingen",
                           help_text=self.fields["ansvarlig"].help_text)
        self.fields["ansvarlig"] = felt

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("art") == Vedtak.Art.OPPFOLGING:
            if not cleaned.get("frist"):
                self.add_error("frist", "Et oppfølgingspunkt må ha en frist.")
            if not cleaned.get("ansvarlig"):
                self.add_error("ansvarlig", "Et oppfølgingspunkt må ha en ansvarlig.")
        return cleaned


class PunktForm(forms.Form):
    status = forms.ChoiceField(label="Status", choices=Vedtak.Status.choices)
    tekst = forms.CharField(label="Hva er gjort", widget=forms.Textarea(attrs={"rows": 3}), max_length=10000,
                            error_messages={"required": "Skriv hva som er gjort."})

    def __init__(self, *args, departement: bool, **kwargs):
        super().__init__(*args, **kwargs)
        if not departement:
            self.fields["status"].choices = [c for c in Vedtak.Status.choices if c[0] != Vedtak.Status.LUKKET]
