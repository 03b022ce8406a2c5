"""Forms for the budget of a letter: chapters, posts, bindinger, tilskudd and a tillegg's changes.

``BelopField`` reads amounts as the letters write them ("37 510 000", "1 523,9 mill.") into whole
kroner and shows stored amounts back as "37 510 000". A post's amounts are typed in the unit of the
chapter's table ("15 335,9" in a table "i mill. kroner") and shown back in it; a binding takes an
amount, a range ("1 til 1,5 mill.") or nothing.
"""

from __future__ import annotations

from django import forms
from django.core.exceptions import ValidationError

from kjerne.belop import (
    ENHET_TEKST,
    BelopError,
    format_i_enhet,
    format_intervall,
    format_tall,
    parse_intervall,
    parse_kroner,
)
from kjerne.skjema import RadKonfliktMixin, Redigeringsskjema
from kjerne.tallgrenser import kolonnegrense
from styring.models import Tillegg

from .models import Budsjettbinding, Budsjettendring, Budsjettkapittel, Budsjettpost, Tilskudd


class BelopField(forms.Field):
    """An amount in whole kroner; accepts "37 510 000", "224 mill." and "1 523,9 mill. kr".

    Negative amounts are refused unless ``tillat_negativ`` (only a tillegg's change of a post may
    reduce it).
    """

    widget = forms.TextInput

    def __init__(self, *, tillat_negativ: bool = False, enhet: str = "kr", **kwargs):
        self.tillat_negativ = tillat_negativ
        self.enhet = enhet
        kwargs.setdefault("help_text", "I kroner, f.eks. «37 510 000», eller i millioner: «1 523,9 mill.».")
        super().__init__(**kwargs)

    def widget_attrs(self, widget):
        attrs = super().widget_attrs(widget)
        attrs.setdefault("autocomplete", "off")
        attrs.setdefault("spellcheck", "false")
        return attrs

    def to_python(self, value):
        if value in self.empty_values:
            return None
        if isinstance(value, int) and not isinstance(value, bool):
            return value
        try:
            return parse_kroner(str(value), enhet=self.enhet, tillat_negativ=self.tillat_negativ)
        except BelopError as exc:
            raise ValidationError(str(exc), code="belop") from exc

    def prepare_value(self, value):
        if isinstance(value, int) and not isinstance(value, bool):
            return format_i_enhet(value, self.enhet) if self.enhet != "kr" else format_tall(value)
        return value

    def has_changed(self, initial, data):
        try:
            return self.to_python(data) != (initial if initial not in self.empty_values else None)
        except ValidationError:
            return True


class BudsjettkapittelForm(Redigeringsskjema):
    class Meta:
        model = Budsjettkapittel
        fields = ["nummer", "betegnelse", "enhet_i_brevet", "tekst"]
        widgets = {"tekst": forms.Textarea(attrs={"rows": 4})}
        help_texts = {"enhet_i_brevet": "Slik brevets tabell oppgir beløpene. Postenes beløp skrives inn og vises i "
                                        "denne enheten; de lagres i kroner, så å bytte enhet endrer ingen beløp."}

    def __init__(self, *args, brev, **kwargs):
        self.brev = brev
        super().__init__(*args, **kwargs)

    def clean_nummer(self):
        nummer = self.cleaned_data["nummer"]
        andre = Budsjettkapittel.objects.filter(tildelingsbrev=self.brev, nummer=nummer).exclude(pk=self.instance.pk)
        if andre.exists():
            raise ValidationError(f"Kapittel {nummer} finnes allerede i dette brevet.", code="unik")
        return nummer


class BudsjettpostForm(Redigeringsskjema):
    tildelt_kr = BelopField(label="Tildelt (tabellen)", required=False)
    bevilget_kr = BelopField(label="Bevilget av Stortinget", required=False)
    andel_kr = BelopField(label="Virksomhetens andel", required=False,
                          help_text="Hvis brevet sier at virksomhetens andel er mindre enn bevilgningen.")

    class Meta:
        model = Budsjettpost
        fields = ["post", "betegnelse", "kan_overfores", "overslagsbevilgning", "tildelt_kr", "tildelt_tekst",
                  "bevilget_kr", "andel_kr", "overskrift", "tekst"]
        widgets = {"tekst": forms.Textarea(attrs={"rows": 4})}

    def __init__(self, *args, kapittel, **kwargs):
        self.kapittel = kapittel
        super().__init__(*args, **kwargs)
        # Amounts are typed as the chapter's table writes them: "15 335,9" in a table "i mill. kroner".
        enhet = kapittel.enhet_i_brevet or "kr"
        for navn in ("tildelt_kr", "bevilget_kr", "andel_kr"):
            self.fields[navn].enhet = enhet
        if enhet != "kr":
            eksempel = "15 335 900" if enhet == "1000" else "15 335,9"
            for navn in ("tildelt_kr", "bevilget_kr", "andel_kr"):
                self.fields[navn].label = f"{self.fields[navn].label}, {ENHET_TEKST[enhet]}"
            self.fields["tildelt_kr"].help_text = (
                f"Som i brevets tabell, {ENHET_TEKST[enhet]}, f.eks. «{eksempel}». Står det ikke noe beløp i "
                "tabellen (f.eks. «Se omtale under»), la feltet stå tomt.")
            self.fields["bevilget_kr"].help_text = self.fields["andel_kr"].help_text = (
                f"{ENHET_TEKST[enhet].capitalize()}, som tabellen; skriv «mill.» etter tallet når teksten "
                "oppgir millioner.")
        else:
            self.fields["tildelt_kr"].help_text = (
                "I kroner, f.eks. «37 510 000», eller i millioner: «1 523,9 mill.». Står det ikke noe beløp i "
                "tabellen (f.eks. «Se omtale under»), la feltet stå tomt.")

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("tildelt_kr") is not None and cleaned.get("tildelt_tekst"):
            self.add_error("tildelt_tekst", "Teksten brukes bare når tabellen ikke har beløp. Tøm beløpet eller "
                                            "teksten.")
        return cleaned

    def clean_post(self):
        post = self.cleaned_data["post"]
        if Budsjettpost.objects.filter(kapittel=self.kapittel, post=post).exclude(pk=self.instance.pk).exists():
            raise ValidationError(f"Post {post:02d} finnes allerede under kapittel {self.kapittel.nummer}.",
                                  code="unik")
        return post


class BelopIntervallField(BelopField):
    """An amount, a range ("1 til 1,5 mill.", "1–1,5 mill.") or nothing: (fra, til) in whole kroner,
    ``til`` None unless a range; None when empty."""

    def __init__(self, **kwargs):
        kwargs.setdefault("help_text", "Som brevet skriver det: «3 mill.», «700 000» eller et intervall: "
                                       "«1 til 1,5 mill.». Tomt når brevet ikke oppgir beløp.")
        super().__init__(**kwargs)

    def to_python(self, value):
        if value in self.empty_values:
            return None
        if isinstance(value, tuple):
            return value
        if isinstance(value, int) and not isinstance(value, bool):
            return value, None
        try:
            return parse_intervall(str(value), enhet=self.enhet)
        except BelopError as exc:
            raise ValidationError(str(exc), code="belop") from exc

    def validate(self, value):
        super().validate(value)
        grense = kolonnegrense(Budsjettbinding._meta.get_field("belop_kr"))
        for ende in value or ():
            grense(ende)

    def prepare_value(self, value):
        if isinstance(value, tuple):
            return format_intervall(*value)
        return super().prepare_value(value)

    def has_changed(self, initial, data):
        if isinstance(initial, int) and not isinstance(initial, bool):
            initial = (initial, None)
        try:
            return self.to_python(data) != (initial if initial not in self.empty_values else None)
        except ValidationError:
            return True


class BudsjettbindingForm(RadKonfliktMixin, Redigeringsskjema):
    belop_kr = BelopIntervallField(label="Beløp", required=False)

    class Meta:
        model = Budsjettbinding
        fields = ["tekst", "belop_kr", "belop_til_kr", "kategori", "oppdrag_nummer"]
        widgets = {"tekst": forms.Textarea(attrs={"rows": 2})}
        help_texts = {"oppdrag_nummer": "F.eks. 2023-07. Kobles til oppdraget med dette nummeret."}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # One field for the amount or range as the letter writes it; its end is saved beside it.
        del self.fields["belop_til_kr"]
        if self.instance.belop_til_kr is not None:
            self.initial["belop_kr"] = (self.instance.belop_kr, self.instance.belop_til_kr)

    def _navn(self):
        return [*super()._navn(), "belop_til_kr"]

    def clean(self):
        cleaned = super().clean()
        if "belop_kr" in cleaned:
            fra, til = cleaned["belop_kr"] or (None, None)
            cleaned["belop_kr"], cleaned["belop_til_kr"] = fra, til
        return cleaned


class TilskuddForm(RadKonfliktMixin, Redigeringsskjema):
    belop_kr = BelopField(label="Beløp")

    class Meta:
        model = Tilskudd
        fields = ["mottaker", "belop_kr"]


BindingFormSet = forms.inlineformset_factory(Budsjettpost, Budsjettbinding, form=BudsjettbindingForm,
                                             extra=2, can_delete=True)
TilskuddFormSet = forms.inlineformset_factory(Budsjettpost, Tilskudd, form=TilskuddForm, extra=2, can_delete=True)


class BudsjettendringForm(RadKonfliktMixin, Redigeringsskjema):
    """A tillegg's change of a post: an increase, or a reduction (leading minus or the checkbox)."""

    endring_kr = BelopField(label="Endring", tillat_negativ=True,
                            help_text="Økning i kroner, f.eks. «5 mill.». Reduksjon: kryss av under, "
                                      "eller skriv minus foran («-2 000 000»).")
    reduksjon = forms.BooleanField(label="Reduksjon (beløpet trekkes fra posten)", required=False)

    class Meta:
        model = Budsjettendring
        fields = ["post", "endring_kr", "tekst"]
        widgets = {"tekst": forms.Textarea(attrs={"rows": 2})}

    def __init__(self, *args, poster=None, **kwargs):
        super().__init__(*args, **kwargs)
        if poster is not None:
            self.fields["post"].queryset = poster
        self.fields["post"].empty_label = "Velg post"
        if self.instance.pk and self.instance.endring_kr is not None and self.instance.endring_kr < 0:
            self.initial["endring_kr"] = -self.instance.endring_kr
            self.initial["reduksjon"] = True

    def clean(self):
        cleaned = super().clean()
        endring = cleaned.get("endring_kr")
        if endring is not None:
            if endring == 0:
                self.add_error("endring_kr", "Endringen kan ikke være 0 kroner.")
            elif cleaned.get("reduksjon"):
                cleaned["endring_kr"] = -abs(endring)
        return cleaned


class BaseBudsjettendringFormSet(forms.BaseInlineFormSet):
    def __init__(self, *args, poster=None, **kwargs):
        self.poster = poster
        super().__init__(*args, **kwargs)

    def get_form_kwargs(self, index):
        kwargs = super().get_form_kwargs(index)
        kwargs["poster"] = self.poster
        return kwargs

    @property
    def empty_form(self):
        form = self.form(auto_id=self.auto_id, prefix=self.add_prefix("__prefix__"), empty_permitted=True,
                         use_required_attribute=False, poster=self.poster, renderer=self.renderer)
        self.add_fields(form, None)
        return form


BudsjettendringFormSet = forms.inlineformset_factory(
    Tillegg, Budsjettendring, form=BudsjettendringForm, formset=BaseBudsjettendringFormSet,
    extra=2, can_delete=True,
)
