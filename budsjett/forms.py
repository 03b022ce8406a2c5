"""Forms for the budget of a letter: chapters, posts, bindinger, tilskudd and a tillegg's changes.

``BelopField`` reads amounts as the letters write them ("37 510 000", "1 523,9 mill.") into whole
kroner and shows stored amounts back as "37 510 000".
"""

from __future__ import annotations

from django import forms
from django.core.exceptions import ValidationError

from kjerne.belop import BelopError, format_tall, parse_kroner
from kjerne.skjema import RadKonfliktMixin, Redigeringsskjema
from styring.models import Tillegg

from .models import Budsjettbinding, Budsjettendring, Budsjettkapittel, Budsjettpost, Tilskudd


class BelopField(forms.Field):
    """An amount in whole kroner; accepts "37 510 000", "224 mill." and "1 523,9 mill. kr".

    Negative amounts are refused unless ``tillat_negativ`` (only a tillegg's change of a post may
    reduce it).
    """

    widget = forms.TextInput

    def __init__(self, *, tillat_negativ: bool = False, **kwargs):
        self.tillat_negativ = tillat_negativ
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
            return parse_kroner(str(value), tillat_negativ=self.tillat_negativ)
        except BelopError as exc:
            raise ValidationError(str(exc), code="belop") from exc

    def prepare_value(self, value):
        if isinstance(value, int) and not isinstance(value, bool):
            return format_tall(value)
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
    tildelt_kr = BelopField(label="Tildelt (tabellen)")
    bevilget_kr = BelopField(label="Bevilget av Stortinget", required=False)
    andel_kr = BelopField(label="Virksomhetens andel", required=False,
                          help_text="Hvis brevet sier at virksomhetens andel er mindre enn bevilgningen.")

    class Meta:
        model = Budsjettpost
        fields = ["post", "betegnelse", "kan_overfores", "overslagsbevilgning", "tildelt_kr", "bevilget_kr",
                  "andel_kr", "overskrift", "tekst"]
        widgets = {"tekst": forms.Textarea(attrs={"rows": 4})}

    def __init__(self, *args, kapittel, **kwargs):
        self.kapittel = kapittel
        super().__init__(*args, **kwargs)

    def clean_post(self):
        post = self.cleaned_data["post"]
        if Budsjettpost.objects.filter(kapittel=self.kapittel, post=post).exclude(pk=self.instance.pk).exists():
            raise ValidationError(f"Post {post:02d} finnes allerede under kapittel {self.kapittel.nummer}.",
                                  code="unik")
        return post


class BudsjettbindingForm(RadKonfliktMixin, Redigeringsskjema):
    belop_kr = BelopField(label="Beløp")

    class Meta:
        model = Budsjettbinding
        fields = ["tekst", "belop_kr", "kategori", "oppdrag_nummer"]
        widgets = {"tekst": forms.Textarea(attrs={"rows": 2})}
        help_texts = {"oppdrag_nummer": "F.eks. 2023-07. Kobles til oppdraget med dette nummeret."}


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
