"""Conflicting edits: a form remembers the record as it was when the page was opened, and a save
is refused when someone else has changed it since, with what they changed. Nothing is silently
overwritten, and no version column is needed on the models.

Use ``KonfliktsikkerForm`` as the base of a ModelForm and save inside ``transaction.atomic()``;
``clean()`` re-reads the row with ``select_for_update()`` so two concurrent saves serialise.
"""

from __future__ import annotations

from dataclasses import dataclass

from django import forms
from django.core import signing
from django.db import models

SALT = "styringsportalen.konflikt"


def _value(instance: models.Model, field: models.Field) -> str:
    if field.many_to_many:
        if instance.pk is None:
            return ""
        return ",".join(str(pk) for pk in sorted(getattr(instance, field.name).values_list("pk", flat=True)))
    value = field.value_from_object(instance)
    return "" if value is None else str(value)


def _display(field: models.Field, raw: str) -> str:
    if field.choices and not field.many_to_many:
        return str(dict((str(k), v) for k, v in field.flatchoices).get(raw, raw)) or "–"
    return raw if raw != "" else "–"


@dataclass
class Endring:
    felt: str
    fra: str
    til: str


def snapshot(instance: models.Model, names) -> dict[str, str]:
    fields = {f.name: f for f in instance._meta.get_fields() if getattr(f, "concrete", False) or f.many_to_many}
    return {name: _value(instance, fields[name]) for name in names if name in fields}


class KonfliktsikkerForm(forms.ModelForm):
    versjon = forms.CharField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.endringer: list[Endring] = []
        self.endret_av = None
        self.endret_tid = None
        if self.instance.pk:
            self.fields["versjon"].initial = self._signert(self.instance)

    def _navn(self):
        return [n for n in self._meta.fields or self.fields if n != "versjon" and n in self.fields]

    def _signert(self, instance) -> str:
        return signing.dumps(snapshot(instance, self._navn()), salt=SALT, compress=True)

    def clean(self):
        cleaned = super().clean()
        if not self.instance.pk:
            return cleaned
        try:
            opprinnelig = signing.loads(self.data.get(self.add_prefix("versjon"), ""), salt=SALT)
        except signing.BadSignature:
            opprinnelig = None
        naa = type(self.instance)._default_manager.select_for_update().get(pk=self.instance.pk)
        gjeldende = snapshot(naa, self._navn())
        if opprinnelig is None:
            raise forms.ValidationError("Skjemaet mangler versjonsinformasjon. Last siden på nytt og prøv igjen.")
        felter = {f.name: f for f in naa._meta.get_fields() if hasattr(f, "verbose_name")}
        self.endringer = [
            Endring(str(felter[n].verbose_name).capitalize(), _display(felter[n], opprinnelig.get(n, "")),
                    _display(felter[n], gjeldende[n]))
            # Only fields the page was opened with: a formset adds its parent link after __init__.
            for n in gjeldende if n in opprinnelig and opprinnelig[n] != gjeldende[n]
        ]
        if self.endringer:
            siste = getattr(naa, "history", None)
            record = siste.select_related("history_user").first() if siste is not None else None
            if record is not None:
                self.endret_av, self.endret_tid = record.history_user, record.history_date
            # The next save is a deliberate one: the person has now seen the other changes.
            data = self.data.copy()
            data[self.add_prefix("versjon")] = self._signert(naa)
            self.data = data
            hvem = f"{self.endret_av}" if self.endret_av else "En annen bruker"
            raise forms.ValidationError(
                f"{hvem} har lagret endringer etter at du åpnet skjemaet. Ingenting av det du skrev er lagret. "
                "Se endringene under, og lagre på nytt hvis du fortsatt vil endre.",
                code="konflikt",
            )
        return cleaned
