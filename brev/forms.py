"""Forms for editing a letter and its tillegg in the browser (used by styring.redigering).

Every form that edits an existing record derives from ``Redigeringsskjema``: a save over
someone else's newer save is refused with what they changed (``KonfliktsikkerForm``), and a
number its column cannot hold, or a line break in a title, is refused at the field
(``TallgrenseMixin``, ``EnkeltlinjeMixin``). Frister are typed
as the letter writes them; ``FristTekstMixin`` derives form and date through ``apply_frist_text``.
"""

from __future__ import annotations

from django import forms
from django.core.exceptions import ValidationError

from brukere.models import User
from kjerne.skjema import Datofelt, RadKonfliktMixin, Redigeringsskjema
from kjerne.skjemavisning import SkjemadelerMixin
from oppdrag.frister import TALLORD, UgyldigFrist, split_frist
from oppdrag.models import Frist, Milepael, Oppdrag, Samarbeidspartner, Tittelvariant
from oppdrag.services import apply_frist_text
from styring.models import (
    Brevavsnitt,
    Fellesforing,
    FristFelter,
    Maal,
    Maaleverdi,
    Maalgruppe,
    Organisasjon,
    Rapporteringskrav,
    Resultatkrav,
    Styringsparameter,
    Tallfelt,
    Tildelingsbrev,
    Tillegg,
    maal_navn,
    stabil_nokkel,
)


class BrevHodeForm(Redigeringsskjema):
    dato = Datofelt(label="Dato", required=False)

    class Meta:
        model = Tildelingsbrev
        fields = ["tittel", "dato", "var_ref", "avdeling", "saksbehandler", "mottaker_adresse", "kontaktperson",
                  "kopi_til"]
        widgets = {"mottaker_adresse": forms.Textarea(attrs={"rows": 3}), "kopi_til": forms.CheckboxSelectMultiple}
        help_texts = {"var_ref": "Departementets saksnummer, f.eks. 22/3753-."}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        brev = self.instance
        self.fields["kontaktperson"].queryset = User.objects.filter(organisasjon_id=brev.departement_id, is_active=True)
        self.fields["kontaktperson"].empty_label = "Ingen valgt"
        self.fields["kopi_til"].queryset = Organisasjon.objects.exclude(
            pk__in=[brev.departement_id, brev.virksomhet_id]).order_by("navn")


class BrevavsnittForm(Redigeringsskjema):
    class Meta:
        model = Brevavsnitt
        fields = ["nummer", "tittel", "tekst"]
        widgets = {"tekst": forms.Textarea(attrs={"rows": 14})}
        help_texts = {"nummer": "F.eks. 3 eller 3.2. Kan stå tomt."}


class MaalForm(Redigeringsskjema):
    class Meta:
        model = Maal
        fields = ["nummer", "tittel", "tekst", "gruppe", "overskrift_nye_oppdrag", "overskrift_tidligere_oppdrag"]
        widgets = {"tittel": forms.TextInput, "tekst": forms.Textarea(attrs={"rows": 6})}
        error_messages = {"nummer": {"required": "Skriv målets nummer slik brevet skriver det, f.eks. 1, 3.1 eller "
                                                 "Hovedmål 2."}}

    def __init__(self, *args, brev, **kwargs):
        self.brev = brev
        super().__init__(*args, **kwargs)
        self.fields["gruppe"].queryset = Maalgruppe.objects.filter(tildelingsbrev=brev, under_maal__isnull=True)
        self.fields["gruppe"].empty_label = "Ingen"
        if not self.fields["gruppe"].queryset.exists():
            del self.fields["gruppe"]

    def clean_nummer(self):
        nummer = " ".join(self.cleaned_data["nummer"].split())
        annet = Maal.objects.filter(tildelingsbrev=self.brev, nummer=nummer).exclude(pk=self.instance.pk).first()
        if annet:
            raise ValidationError(f"{maal_navn(nummer)} finnes allerede i dette brevet («{annet.tittel}»). "
                                  "Velg et annet nummer.", code="unik")
        return nummer


class MaalgruppeForm(Redigeringsskjema):
    """A målområde ("3 Integrering") or, with a mål chosen, a delområde inside it ("3.2.1 Bosetting")."""

    class Meta:
        model = Maalgruppe
        fields = ["nummer", "tittel", "under_maal", "overordnet", "tekst"]
        widgets = {"tittel": forms.TextInput, "tekst": forms.Textarea(attrs={"rows": 8})}
        labels = {"under_maal": "Delområde under mål", "overordnet": "Under målområde"}
        help_texts = {"under_maal": "Velg målet når dette er et delområde som står inne i målet (f.eks. 3.2.1 under "
                                    "mål 3.2). La stå tomt for et målområde som samler flere mål.",
                      "overordnet": "Bare når overskriften står under en annen overskrift."}

    def __init__(self, *args, brev, **kwargs):
        self.brev = brev
        super().__init__(*args, **kwargs)
        self.fields["under_maal"].queryset = Maal.objects.filter(tildelingsbrev=brev).order_by("sorteringsnokkel",
                                                                                              "nummer")
        self.fields["under_maal"].empty_label = "Ingen (målområde)"
        andre = Maalgruppe.objects.filter(tildelingsbrev=brev).exclude(pk=self.instance.pk)
        self.fields["overordnet"].queryset = andre.order_by("sorteringsnokkel", "nummer")
        self.fields["overordnet"].empty_label = "Ingen"

    def clean_nummer(self):
        nummer = " ".join(self.cleaned_data["nummer"].split())
        annet = Maalgruppe.objects.filter(tildelingsbrev=self.brev, nummer=nummer).exclude(pk=self.instance.pk).first()
        if annet:
            raise ValidationError(f"{nummer} finnes allerede i dette brevet («{annet.tittel}»). Velg et annet nummer.",
                                  code="unik")
        return nummer

    def clean(self):
        cleaned = super().clean()
        overordnet = cleaned.get("overordnet")
        x, seen = overordnet, set()
        while x is not None and self.instance.pk and x.pk not in seen:
            if x.pk == self.instance.pk:
                self.add_error("overordnet", "En overskrift kan ikke stå under seg selv eller under en av sine egne "
                                             "underoverskrifter.")
                break
            seen.add(x.pk)
            x = x.overordnet
        under = cleaned.get("under_maal")
        if overordnet is not None and overordnet.under_maal_id and overordnet.under_maal != under:
            self.add_error("overordnet", f"{overordnet.nummer} står under {overordnet.under_maal.navn.lower()}; "
                                         "velg samme mål, eller en annen overskrift.")
        return cleaned


class RapporteringskravForm(Redigeringsskjema):
    """A reporting requirement as the letter states it, with the mål and styringsparametere it concerns."""

    class Meta:
        model = Rapporteringskrav
        fields = ["kode", "tekst", "maal", "styringsparametere", "frekvens", "frekvens_tekst"]
        widgets = {"tekst": forms.Textarea(attrs={"rows": 5}), "styringsparametere": forms.CheckboxSelectMultiple}
        labels = {"tekst": "Hva skal rapporteres", "frekvens": "Rapporteres i"}
        help_texts = {"kode": "Slik brevet skriver det, f.eks. R 8.2 eller R 10 og 11.",
                      "frekvens": "Krav som gjelder halvårs- eller årsrapporten, legges inn i den rapporten som "
                                  "punkter virksomheten svarer på."}

    def __init__(self, *args, brev, **kwargs):
        self.brev = brev
        super().__init__(*args, **kwargs)
        self.fields["maal"].queryset = Maal.objects.filter(tildelingsbrev=brev).order_by("sorteringsnokkel", "nummer")
        self.fields["maal"].empty_label = "Ikke knyttet til et mål"
        sps = Styringsparameter.objects.filter(maal__tildelingsbrev=brev).select_related("maal").order_by(
            "maal__sorteringsnokkel", "maal__nummer", "rekkefolge", "kode")
        self.fields["styringsparametere"].queryset = sps
        self.fields["styringsparametere"].label_from_instance = lambda sp: f"{sp.kode} ({sp.maal.navn.lower()})"
        if not sps.exists():
            del self.fields["styringsparametere"]

    def clean_kode(self):
        kode = " ".join(self.cleaned_data["kode"].split())
        if Rapporteringskrav.objects.filter(tildelingsbrev=self.brev, kode=kode).exclude(pk=self.instance.pk).exists():
            raise ValidationError(f"{kode} finnes allerede i dette brevet. Velg en annen kode.", code="unik")
        return kode


class StyringsparameterForm(Redigeringsskjema):
    class Meta:
        model = Styringsparameter
        fields = ["kode", "tekst", "i_aarsrapport", "i_halvaarsrapport", "formaal", "maaleutgangspunkt", "nokkeltall"]
        widgets = {f: forms.Textarea(attrs={"rows": 3}) for f in ("tekst", "formaal", "maaleutgangspunkt",
                                                                   "nokkeltall")}
        help_texts = {"kode": "F.eks. SP 4 eller SP 9.1."}

    def __init__(self, *args, maal, **kwargs):
        self.maal = maal
        super().__init__(*args, **kwargs)

    def clean_kode(self):
        kode = self.cleaned_data["kode"].strip()
        if Styringsparameter.objects.filter(maal=self.maal, kode=kode).exclude(pk=self.instance.pk).exists():
            raise ValidationError(f"{kode} finnes allerede under {self.maal.navn.lower()}.", code="unik")
        return kode


class _VerdiEllerTekst:
    """A row needs a numeric value or words: "90 prosent" or "1 800 tolker, hvorav …"."""

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("enhet") and cleaned.get("verdi") is None and "verdi" not in self.errors:
            self.add_error("verdi", "Enheten trenger en verdi.")
        elif cleaned.get("verdi") is None and not (cleaned.get("tekst") or "").strip() and not self.errors:
            raise ValidationError("Fyll ut enten en verdi (tall) eller en tekst.", code="mangler")
        return cleaned


class ResultatkravForm(_VerdiEllerTekst, RadKonfliktMixin, Redigeringsskjema):
    class Meta:
        model = Resultatkrav
        fields = ["verdi", "enhet", "tekst"]
        widgets = {"tekst": forms.Textarea(attrs={"rows": 2})}
        localized_fields = ["verdi"]
        help_texts = {"verdi": "Et tall, f.eks. 90 eller 12,5.", "enhet": "F.eks. prosent, personer."}


class MaaleverdiForm(_VerdiEllerTekst, RadKonfliktMixin, Redigeringsskjema):
    dato = Datofelt(label="Dato", required=False)

    class Meta:
        model = Maaleverdi
        fields = ["periode", "dato", "verdi", "enhet", "tekst"]
        localized_fields = ["verdi"]


ResultatkravFormSet = forms.inlineformset_factory(Styringsparameter, Resultatkrav, form=ResultatkravForm,
                                                  extra=2, can_delete=True)
MaaleverdiFormSet = forms.inlineformset_factory(Styringsparameter, Maaleverdi, form=MaaleverdiForm,
                                                extra=2, can_delete=True)


class OppdragForm(SkjemadelerMixin, Redigeringsskjema):
    enkeltlinje = ("tittel",)
    start = Datofelt(label="Oppstart", required=False)
    deler = (
        ("Om oppdraget", ("nummer", "tittel", "maal", "fou")),
        ("Teksten i brevet", ("bakgrunn", "beskrivelse", "formaal")),
        ("Rapportering", ("rapportering", "rapporteringskriterier", "i_aarsrapport", "i_halvaarsrapport")),
        ("Oppstart, finansiering og ansvar", ("start", "start_tekst", "finansiering_tekst", "hovedansvar",
                                               "delt_med", "samarbeidspartnere")),
    )
    samarbeidspartnere = forms.CharField(
        label="Samarbeidspartnere utenfor portalen", required=False, widget=forms.Textarea(attrs={"rows": 3}),
        help_text="Én per linje, i brevets rekkefølge, f.eks. «KS» og «Kompetanse Norge». Virksomheter i portalen "
                  "velger du under «Delt med».")

    class Meta:
        model = Oppdrag
        fields = ["nummer", "tittel", "maal", "fou", "bakgrunn", "beskrivelse", "formaal", "rapportering",
                  "rapporteringskriterier", "i_aarsrapport", "i_halvaarsrapport", "start", "start_tekst",
                  "finansiering_tekst", "hovedansvar", "delt_med"]
        widgets = {
            "tittel": forms.Textarea(attrs={"rows": 2}),
            "bakgrunn": forms.Textarea(attrs={"rows": 5}),
            "beskrivelse": forms.Textarea(attrs={"rows": 8}),
            "formaal": forms.Textarea(attrs={"rows": 3}),
            "rapportering": forms.Textarea(attrs={"rows": 3}),
            "rapporteringskriterier": forms.Textarea(attrs={"rows": 3}),
            "finansiering_tekst": forms.Textarea(attrs={"rows": 2}),
            "delt_med": forms.CheckboxSelectMultiple,
        }
        help_texts = {
            "nummer": "F.eks. 2025-01. Nummeret må være unikt for virksomheten.",
            "tittel": "På én linje, uten linjeskift.",
            "finansiering_tekst": "Slik brevet sier det, f.eks. «3 mill. kroner i 2025 over kap. 671, post 21».",
            "start_tekst": "Hvis oppstarten ikke er en dato, f.eks. «Snarest».",
        }

    def __init__(self, *args, brev, **kwargs):
        self.brev = brev
        super().__init__(*args, **kwargs)
        self.fields["maal"].queryset = Maal.objects.filter(tildelingsbrev=brev).order_by("sorteringsnokkel", "nummer")
        self.fields["maal"].empty_label = "Ikke knyttet til et mål"
        andre = Organisasjon.objects.filter(type=Organisasjon.Type.VIRKSOMHET).order_by("kortnavn")
        self.fields["hovedansvar"].queryset = andre
        self.fields["hovedansvar"].empty_label = "Ikke oppgitt"
        self.fields["delt_med"].queryset = andre.exclude(pk=brev.virksomhet_id)
        if self.instance.pk:
            self.initial["samarbeidspartnere"] = "\n".join(
                self.instance.samarbeidspartnere.values_list("navn", flat=True))

    def clean_samarbeidspartnere(self) -> list[str]:
        """One name per line, in order; refused: a name too long, one given twice, or an agency in
        the portal (that is «Delt med», so it sees the oppdrag)."""
        navn: list[str] = []
        maks = Samarbeidspartner._meta.get_field("navn").max_length
        i_portalen = {n.casefold(): n for o in Organisasjon.objects.filter(type=Organisasjon.Type.VIRKSOMHET)
                      for n in (o.kortnavn, o.navn)}
        for linje in (self.cleaned_data.get("samarbeidspartnere") or "").splitlines():
            linje = " ".join(linje.split()).strip(" ,;")
            if not linje:
                continue
            if len(linje) > maks:
                raise ValidationError(f"«{linje[:40]}…» er for langt ({len(linje)} tegn). Et navn kan ha "
                                      f"høyst {maks} tegn.", code="for_langt")
            if linje.casefold() in {n.casefold() for n in navn}:
                raise ValidationError(f"«{linje}» står to ganger.", code="dobbelt")
            if linje.casefold() in i_portalen:
                raise ValidationError(f"{i_portalen[linje.casefold()]} er en virksomhet i portalen. Velg den under "
                                      "«Delt med» i stedet, så ser den oppdraget.", code="i_portalen")
            navn.append(linje)
        return navn

    def _save_m2m(self):
        super()._save_m2m()
        oppdrag, navn = self.instance, self.cleaned_data.get("samarbeidspartnere", [])
        gamle = list(oppdrag.samarbeidspartnere.all())
        if [p.navn for p in gamle] == navn:
            return  # unchanged: no history entries
        for p in gamle:
            if p.navn not in navn:
                p.delete()
        finnes = {p.navn: p for p in gamle if p.navn in navn}
        for i, n in enumerate(navn):
            p = finnes.get(n) or Samarbeidspartner(oppdrag=oppdrag, navn=n)
            if p.pk is None or p.rekkefolge != i:
                p.rekkefolge = i
                p.save()

    def clean_nummer(self):
        nummer = self.cleaned_data["nummer"].strip()
        brukt = Oppdrag.objects.filter(virksomhet_id=self.brev.virksomhet_id, nummer__iexact=nummer).exclude(
            pk=self.instance.pk)
        if brukt.exists():
            raise ValidationError(
                f"Oppdragsnummeret {nummer} er allerede brukt for {self.brev.virksomhet.kortnavn}. "
                "Hvert oppdrag må ha sitt eget nummer.", code="unik")
        return nummer


def _d(x) -> str:
    return f"{x:%d.%m.%Y}"


def tolkning(frist: FristFelter) -> str:
    """What the portal derived from a frist's wording, in words ("dato 01.03.2025")."""
    if not frist.tekst and not frist.dato:
        return "uten frist"
    F = FristFelter.Form
    deler = [frist.del_betegnelse] if frist.del_betegnelse else []
    if frist.form == F.DATO:
        deler.append(f"dato {_d(frist.dato)}" if frist.dato else "dato")
    elif frist.form == F.LOPENDE:
        deler.append("løpende (ingen bestemt dato)")
    elif frist.form == F.PERIODE:
        fra = f"{_d(frist.fra_dato)}–" if frist.fra_dato else "til "
        deler.append(f"periode {fra}{_d(frist.dato)}" if frist.dato else "periode")
    elif frist.form == F.GJENTAKENDE:
        tekst = "gjentakende"
        if frist.intervall_mnd:
            tekst += " hver måned" if frist.intervall_mnd == 1 else f" hver {frist.intervall_mnd}. måned"
        if frist.dato:
            tekst += f", første gang {_d(frist.dato)}"
        ny_fra, ny_mnd = getattr(frist, "ny_rytme_fra", None), getattr(frist, "ny_rytme_intervall_mnd", None)
        if ny_fra and ny_mnd:
            tekst += (f"; fra {_d(ny_fra)} " + ("hver måned" if ny_mnd == 1 else f"hver {ny_mnd}. måned")
                      + " (ved slutten av hver periode)")
        if frist.gjentas_til:
            tekst += f", til {_d(frist.gjentas_til)}"
        deler.append(tekst)
    elif frist.form == F.RAPPORT:
        navn = dict(FristFelter._meta.get_field("rapport_type").flatchoices).get(frist.rapport_type, "rapport")
        tekst = f"knyttet til {str(navn).lower()} {frist.rapport_aar or ''}".rstrip()
        deler.append(f"{tekst}, dato {_d(frist.dato)}" if frist.dato else tekst)
    elif frist.form == F.UKE:
        deler.append(f"uke {frist.uke}" + (f", dato {_d(frist.dato)}" if frist.dato else ""))
    else:
        deler.append(f"dato {_d(frist.dato)}" if frist.dato else
                     "bare tekst – ingen dato kunne leses ut; oppgi en dato hvis det skal sendes påminnelser")
    if frist.opprinnelig_dato:
        deler.append(f"endret fra {_d(frist.opprinnelig_dato)}")
    return ", ".join(deler)


# What apply_frist_text derives from a frist's wording (FristFelter), reset when a milepæl has none.
FRIST_AVLEDET = ("form", "dato", "fra_dato", "del_betegnelse", "etikett", "rolle", "intervall_mnd", "gjentas_til",
                 "rapport_type", "rapport_aar", "uke")


class FristTekstMixin(forms.Form):
    """A frist typed as the letter writes it, with an optional explicit date that wins.

    Nothing typed is dropped: a text that names a time which does not exist is refused with why,
    and a text holding several frister is refused here with ``fristdeler`` set to its parts, which
    ``BaseFristFormSet`` turns into one row each and shows back before anything is saved.
    """

    eksplisitt_dato = Datofelt(label="Dato (valgfri)", required=False,
                                 help_text="Bare hvis datoen ikke står i teksten eller skal overstyre den.")
    # A row with neither text nor date is refused, unless the model allows "uten frist" (milepæler).
    frist_paakrevd = True

    def __init__(self, *args, aar: int, virksomhet_id: int | None, **kwargs):
        self.aar = aar
        self.virksomhet_id = virksomhet_id
        super().__init__(*args, **kwargs)
        self.fields["tekst"].required = False
        self.fields["tekst"].help_text = ("Slik det står i brevet, f.eks. «1. mars 2025», «Del 1: 1. juni 2025», "
                                          "«Løpende» eller «Årsrapport 2025». Flere frister i samme felt deles "
                                          "i én rad per frist, som du ser over før de lagres.")
        self.fristdeler: list[str] = []
        self.delt_fra = ""
        inst = self.instance
        if inst.pk and inst.dato:
            # Show the date as explicit only when it is not what the wording gives by itself.
            avledet = apply_frist_text(type(inst)(tekst=inst.tekst), aar=aar, virksomhet_id=virksomhet_id).dato
            if avledet != inst.dato:
                self.initial["eksplisitt_dato"] = inst.dato

    @property
    def tolkning(self) -> str:
        """The derived form and date: of the saved row, or a preview of a valid row not yet saved."""
        if not self.is_bound:
            return tolkning(self.instance) if self.instance.pk else ""
        if self.errors or not self.instance.tekst:
            return ""
        return tolkning(self.instance)

    def _uten_frist(self) -> None:
        """No frist: clear everything a former wording derived, so no date (and no reminder) is left."""
        inst = self.instance
        for felt in type(inst)._meta.concrete_fields:
            if felt.name in FRIST_AVLEDET:
                setattr(inst, felt.attname, felt.get_default())
        inst.tekst = ""

    def clean(self):
        cleaned = super().clean()
        tekst = (cleaned.get("tekst") or "").strip()
        dato = cleaned.get("eksplisitt_dato")
        if not tekst and dato:
            tekst = f"{dato:%d.%m.%Y}"
        if not tekst:
            if not self.frist_paakrevd and "eksplisitt_dato" not in self.errors:
                self._uten_frist()
                cleaned["tekst"] = ""
            elif "eksplisitt_dato" not in self.errors:
                self.add_error("tekst", "Skriv fristen slik den står i brevet, f.eks. «1. mars 2025».")
            return cleaned
        try:
            deler = split_frist(tekst, aar=self.aar, dato_oppgitt=dato is not None)
        except UgyldigFrist as feil:
            self.add_error("tekst", feil.melding)
            return cleaned
        if len(deler) > 1:
            antall = TALLORD.get(len(deler), str(len(deler)))
            if dato is not None:
                self.add_error("eksplisitt_dato", f"Teksten har {antall} frister, og datoen kan bare gjelde én av "
                                                  "dem. Skriv én rad per frist, eller fjern datoen.")
            else:
                # Refused on its own; in a BaseFristFormSet the parts become rows shown back.
                self.fristdeler = [d.tekst for d in deler]
                self.add_error("tekst", f"Teksten har {antall} frister. Skriv én rad per frist.")
            return cleaned
        cleaned["tekst"] = tekst
        self.instance.tekst = tekst
        apply_frist_text(self.instance, aar=self.aar, virksomhet_id=self.virksomhet_id, dato=dato)
        return cleaned


class FristForm(FristTekstMixin, RadKonfliktMixin, Redigeringsskjema):
    class Meta:
        model = Frist
        fields = ["tekst"]
        labels = {"tekst": "Frist"}


class MilepaelForm(FristTekstMixin, RadKonfliktMixin, Redigeringsskjema):
    class Meta:
        model = Milepael
        fields = ["tittel", "tekst"]
        labels = {"tittel": "Milepæl", "tekst": "Frist"}

    frist_paakrevd = False

    def clean(self):
        cleaned = super().clean()
        if not (cleaned.get("tittel") or "").strip() and "tittel" not in self.errors:
            self.add_error("tittel", "Skriv hva milepælen er.")
        return cleaned


class BaseFristFormSet(forms.BaseInlineFormSet):
    """Frister of one oppdrag as stated in one letter (and possibly one of its tillegg)."""

    def __init__(self, *args, brev, tillegg=None, **kwargs):
        self.brev = brev
        self.tillegg = tillegg
        super().__init__(*args, **kwargs)

    def get_form_kwargs(self, index):
        return {**super().get_form_kwargs(index), "aar": self.brev.aar, "virksomhet_id": self.brev.virksomhet_id}

    def get_queryset(self):
        if not hasattr(self, "_queryset"):
            qs = super().get_queryset()
            if self.model is Frist:
                qs = qs.filter(tildelingsbrev=self.brev, tillegg=self.tillegg)
            self._queryset = qs.order_by("rekkefolge", "pk")
        return self._queryset

    @staticmethod
    def _uten_hjelp(form):
        """The long hint on how to write a frist stands once, in the first row, not in every row."""
        for navn in ("tekst", "eksplisitt_dato"):
            form.fields[navn].help_text = ""

    def _construct_form(self, i, **kwargs):
        form = super()._construct_form(i, **kwargs)
        if i > 0:
            self._uten_hjelp(form)
        if self.model is Frist and not form.instance.pk:
            form.instance.tildelingsbrev = self.brev
            form.instance.tillegg = self.tillegg
        return form

    @property
    def empty_form(self):
        form = self.form(auto_id=self.auto_id, prefix=self.add_prefix("__prefix__"), empty_permitted=True,
                         use_required_attribute=False, renderer=self.renderer,
                         aar=self.brev.aar, virksomhet_id=self.brev.virksomhet_id)
        self.add_fields(form, None)
        self._uten_hjelp(form)
        return form

    def full_clean(self):
        super().full_clean()
        if not self.is_bound or getattr(self, "_delt", False):
            return
        delte = [(i, f) for i, f in enumerate(self.forms)
                 if f.fristdeler and not (self.can_delete and self._should_delete_form(f))]
        if not delte:
            return
        # Show the parts back as rows of their own, with nothing saved: the formset is rebuilt
        # from the posted data with each text replaced by its parts, and stays invalid.
        self._delt = True
        self.data, nye = self._data_med_deler(delte)
        for cached in ("forms", "management_form"):
            self.__dict__.pop(cached, None)
        super().full_clean()
        for i, fra in nye.items():
            self.forms[i].delt_fra = fra
        for _, f in delte:
            antall = TALLORD.get(len(f.fristdeler), str(len(f.fristdeler)))
            hva = f"Fristen «{f.data.get(f.add_prefix('tekst'), '').strip()}»"
            tittel = (f.data.get(f.add_prefix("tittel")) or "").strip() if self.model is Milepael else ""
            if tittel:
                hva += f" for milepælen «{tittel}»"
            self._non_form_errors.append(ValidationError(
                f"{hva} inneholdt {antall} deler; de er delt i {antall} rader. Se over og lagre.", code="delt"))

    def _data_med_deler(self, delte) -> tuple:
        """The posted data with each multi-part row replaced by one row per part, and where the
        parts are (row index → the text they came from). A saved row keeps its first part; the
        other parts become new rows, which a formset can only hold after the saved ones."""
        antall, initial = self.total_form_count(), self.initial_form_count()
        data = self.data.copy()
        rader = []
        for i in range(antall):
            start = f"{self.add_prefix(i)}-"
            rad = {k[len(start):]: data.getlist(k) if hasattr(data, "getlist") else [data[k]]
                   for k in list(data) if k.startswith(start)}
            for k in list(data):
                if k.startswith(start):
                    del data[k]
            rader.append(rad)
        delt = dict((i, f) for i, f in delte)
        lagrede, etter_lagrede, nye_rader = [], [], []
        for i, rad in enumerate(rader):
            ut = etter_lagrede if i < initial else nye_rader
            if i not in delt:
                (lagrede if i < initial else nye_rader).append((rad, ""))
                continue
            f = delt[i]
            fra = f.data.get(f.add_prefix("tekst"), "")
            forste, *resten = f.fristdeler
            (lagrede if i < initial else nye_rader).append(({**rad, "tekst": [forste], "eksplisitt_dato": [""]}, fra))
            for del_tekst in resten:
                kopi = {k: v for k, v in rad.items() if k not in ("id", "versjon", "DELETE", "eksplisitt_dato")}
                ut.append(({**kopi, "tekst": [del_tekst]}, fra))
        alle = lagrede + etter_lagrede + nye_rader
        nye = {}
        for i, (rad, fra) in enumerate(alle):
            for k, verdier in rad.items():
                navn = f"{self.add_prefix(i)}-{k}"
                if hasattr(data, "setlist"):
                    data.setlist(navn, verdier)
                else:
                    data[navn] = verdier[0] if len(verdier) == 1 else verdier
            if fra:
                nye[i] = fra
        data[self.management_form.add_prefix("TOTAL_FORMS")] = str(len(alle))
        return data, nye

    def datoer(self) -> list:
        """(form, date) of every kept row, for checks against the oppdrag's start."""
        kept = [f for f in self.forms if (f.instance.pk or f.has_changed()) and not self._should_delete_form(f)]
        return [(f, f.instance.dato) for f in kept if f.instance.dato]


FristFormSet = forms.inlineformset_factory(Oppdrag, Frist, form=FristForm, formset=BaseFristFormSet, extra=3,
                                           can_delete=True)
MilepaelFormSet = forms.inlineformset_factory(Oppdrag, Milepael, form=MilepaelForm, formset=BaseFristFormSet,
                                              extra=2, can_delete=True)


class TittelvariantForm(Redigeringsskjema):
    enkeltlinje = ("tittel",)

    class Meta:
        model = Tittelvariant
        fields = ["tittel"]
        widgets = {"tittel": forms.Textarea(attrs={"rows": 2})}
        labels = {"tittel": "Tittel i dette brevet"}
        help_texts = {"tittel": "Bare hvis brevet omtaler oppdraget med en annen tittel enn den opprinnelige. "
                                "Tomt felt fjerner varianten."}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["tittel"].required = False


class TilleggForm(Redigeringsskjema):
    """A draft tillegg's header. Number and date are the source letter's own."""

    dato = Datofelt(label="Dato", required=False,
                    help_text="Datoen tillegget har i brevet, f.eks. 11. september 2019. Tomt felt: datoen det "
                              "sendes.")

    class Meta:
        model = Tillegg
        fields = ["nummer", "tittel", "dato", "var_ref", "tekst"]
        widgets = {"tekst": forms.Textarea(attrs={"rows": 10}), "nummer": forms.NumberInput(attrs={"class": "kort-felt"})}
        help_texts = {"nummer": "Nummeret tillegget har i brevet («Tillegg nr. 3»)."}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["nummer"].required = False  # left out or empty: the number stays as it is

    def clean_nummer(self):
        nummer = self.cleaned_data.get("nummer")
        if nummer is None:
            return self.instance.nummer
        brev_id = self.instance.tildelingsbrev_id
        if nummer < 1:
            raise ValidationError("Tilleggsnummeret må være 1 eller høyere.")
        if Tillegg.objects.filter(tildelingsbrev_id=brev_id, nummer=nummer).exclude(
                pk=self.instance.pk).exists():
            raise ValidationError(f"Tillegg nr. {nummer} finnes allerede for dette brevet.")
        return nummer


class TilleggOpprettForm(forms.Form):
    """A new tillegg as the source letter has it: its own number ("Tillegg nr. 3", with no
    placeholders for 1 and 2) and its own date. Both may be left as suggested. Whether the number
    is free is checked by ``services.tillegg_opprett`` under the letter's row lock."""

    nummer = forms.IntegerField(label="Nummer", min_value=1, required=False,
                                error_messages={"invalid": "Skriv tilleggets nummer som et helt tall, f.eks. 3.",
                                                "min_value": "Tilleggsnummeret må være 1 eller høyere."},
                                help_text="Nummeret tillegget har i brevet. Tomt felt gir neste ledige nummer.",
                                widget=forms.NumberInput(attrs={"class": "kort-felt"}))
    dato = Datofelt(label="Dato", required=False,
                    help_text="Datoen tillegget har i brevet, f.eks. 11. september 2019. Tomt felt: datoen det "
                              "sendes.")


class FellesforingForm(Redigeringsskjema):
    """A fellesføring as the letter states it, with its stable key across years."""

    class Meta:
        model = Fellesforing
        fields = ["tittel", "tekst", "rapportering", "nokkel"]
        widgets = {"tittel": forms.TextInput, "tekst": forms.Textarea(attrs={"rows": 6}),
                   "rapportering": forms.Textarea(attrs={"rows": 4})}
        labels = {"rapportering": "Hva skal rapporteres i årsrapporten"}

    def __init__(self, *args, brev, **kwargs):
        self.brev = brev
        super().__init__(*args, **kwargs)

    def clean(self):
        cleaned = super().clean()
        nokkel = cleaned.get("nokkel") or stabil_nokkel(cleaned.get("tittel") or "")
        annen = Fellesforing.objects.filter(tildelingsbrev=self.brev, nokkel=nokkel).exclude(pk=self.instance.pk).first()
        if annen and "nokkel" not in self.errors:
            self.add_error("nokkel", f"Nøkkelen «{nokkel}» er allerede brukt av «{annen.tittel}» i dette brevet. "
                                     "Skriv en annen nøkkel.")
        cleaned["nokkel"] = nokkel
        return cleaned


class TallfeltForm(RadKonfliktMixin, Redigeringsskjema):
    """A number the fellesføring asks for in the årsrapport, with its baseline."""

    class Meta:
        model = Tallfelt
        fields = ["navn", "enhet", "grunnlag_tekst", "grunnlag_verdi", "grunnlag_fra_aar", "grunnlag_til_aar", "nokkel"]
        localized_fields = ["grunnlag_verdi"]
        labels = {"grunnlag_tekst": "Grunnlag (som i brevet)", "grunnlag_verdi": "Oppgitt grunnlag (tall)",
                  "grunnlag_fra_aar": "Gjennomsnitt fra år", "grunnlag_til_aar": "til og med år"}
        help_texts = {"navn": "F.eks. «Totalbeløp for kjøp av konsulenttjenester».",
                      "grunnlag_verdi": "Når brevet oppgir grunnlaget som et tall.",
                      "grunnlag_fra_aar": "Når grunnlaget er et gjennomsnitt av år, f.eks. 2020 til 2021: rapporten "
                                          "regner det ut av årsrapportene for disse årene."}

    def clean(self):
        cleaned = super().clean()
        if not cleaned.get("nokkel") and cleaned.get("navn"):
            cleaned["nokkel"] = stabil_nokkel(cleaned["navn"])
        return cleaned


class BaseTallfeltFormSet(forms.BaseInlineFormSet):
    def validate_unique(self):
        """The key is the only unique field; a duplicate is named in Norwegian on the row."""
        sett = set()
        for form in self.forms:
            if not hasattr(form, "cleaned_data") or not form.cleaned_data or form.cleaned_data.get("DELETE"):
                continue
            nokkel = form.cleaned_data.get("nokkel")
            if nokkel in sett:
                form.add_error("nokkel", f"To tall har samme nøkkel «{nokkel}». Gi dem ulike navn eller nøkler.")
            sett.add(nokkel)


TallfeltFormSet = forms.inlineformset_factory(Fellesforing, Tallfelt, form=TallfeltForm, formset=BaseTallfeltFormSet,
                                              extra=1, can_delete=True)
