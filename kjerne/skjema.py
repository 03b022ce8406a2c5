"""The base of every editing form, shared by every app's forms."""

from __future__ import annotations

import datetime

from django import forms
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.forms.models import InlineForeignKeyField

from .datoer import UgyldigDato, les_dato
from .enkeltlinje import EnkeltlinjeMixin
from .konflikt import KonfliktsikkerForm
from .tallgrenser import TallgrenseMixin
from .tiltak import Tiltaksstatus


class Redigeringsskjema(EnkeltlinjeMixin, TallgrenseMixin, KonfliktsikkerForm):
    """The base of every editing form: conflict-safe (``kjerne.konflikt``), every number field
    checked against what its database column holds (``kjerne.tallgrenser``), and no line break in
    a single-line field such as a title (``kjerne.enkeltlinje``)."""


class RadKonfliktMixin:
    """For a row of an inline formset: the link to the parent (which the formset adds to the form
    after it is built) is not something the person edits, so it is not part of the conflict check."""

    def _navn(self):
        return [n for n in super()._navn() if not isinstance(self.fields[n], InlineForeignKeyField)]


DATO_HJELP = "Skriv datoen slik brevet har den, f.eks. 11.09.2019 eller 11. september 2019."


class DatoInput(forms.DateInput):
    """A plain text box (not the browser's date picker, which cannot take "11. september 2019"),
    showing a saved date as 11.09.2019."""

    def __init__(self, attrs=None):
        super().__init__(attrs={"autocomplete": "off", "class": "kort-felt", **(attrs or {})}, format="%d.%m.%Y")


class Datofelt(forms.DateField):
    """A date as letters write it: "11. september 2019", "28.08. 2019", "13.02.2017", "20.03.24"
    or ISO "2019-09-11" (``kjerne.datoer.les_dato``). Anything else is refused with a Norwegian
    message saying why ("31. februar 2019 finnes ikke. Februar 2019 har 28 dager.")."""

    widget = DatoInput

    def __init__(self, **kwargs):
        kwargs.setdefault("help_text", DATO_HJELP)
        super().__init__(**kwargs)

    def to_python(self, value):
        if value in self.empty_values:
            return None
        if isinstance(value, datetime.datetime):
            return value.date()
        if isinstance(value, datetime.date):
            return value
        try:
            return les_dato(str(value))
        except UgyldigDato as exc:
            raise ValidationError(exc.melding, code="invalid") from None


def feil_til_skjema(form, exc: ValidationError) -> None:
    """Show a service's ValidationError on the form: at the field it names when the form has that field,
    otherwise above the form."""
    if hasattr(exc, "error_dict"):
        for felt, feil in exc.error_dict.items():
            form.add_error(felt if felt in form.fields else None, feil)
    else:
        form.add_error(None, exc)


class TiltakForm(forms.Form):
    """A measure (kjerne.tiltak.Tiltak) against a risk or after a remark from Riksrevisjonen: the person
    who answers for it is one of the agency's active users."""

    tekst = forms.CharField(label="Tiltak", widget=forms.Textarea(attrs={"rows": 2}),
                            error_messages={"required": "Beskriv tiltaket."})
    ansvarlig = forms.ModelChoiceField(label="Ansvarlig", queryset=None, required=False, empty_label="Ingen ansvarlig",
                                       error_messages={"invalid_choice": "Velg en person i virksomheten."})
    frist = Datofelt(label="Frist", required=False,
                     help_text="F.eks. 01.10.2024 eller 1. oktober 2024. Den ansvarlige får påminnelse før fristen.")
    status = forms.ChoiceField(label="Status", choices=Tiltaksstatus.choices, initial=Tiltaksstatus.PLANLAGT,
                               error_messages={"invalid_choice": "Velg en status i listen."})

    def __init__(self, *args, virksomhet_id: int, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["ansvarlig"].queryset = get_user_model().objects.filter(
            organisasjon_id=virksomhet_id, is_active=True).order_by("last_name", "first_name", "username")

    def clean_tekst(self):
        tekst = self.cleaned_data["tekst"].strip()
        if not tekst:
            raise forms.ValidationError("Beskriv tiltaket.")
        return tekst
