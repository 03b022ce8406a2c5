"""Conflicting edits: a form remembers the record as it was when the page was opened, and a save
is refused when someone else has changed it since, with what they changed. Nothing is silently
overwritten, and no version column is needed on the models.

Use ``KonfliktsikkerForm`` as the base of a ModelForm and save inside ``transaction.atomic()``;
``clean()`` re-reads the row with ``select_for_update()`` so two concurrent saves serialise.

Forms that are not ModelForms (the report's sections, where a service does the writing) use the
same parts directly: ``signer()`` the row into a hidden field when the page is built, and in the
service, with the row locked, ``les_versjon()`` the posted version, skip the row when
``uendret()`` (the person changed nothing there) and refuse it when ``finn_konflikt()`` finds a
change made since.
"""

from __future__ import annotations

import copy
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal, InvalidOperation

from django import forms
from django.core import signing
from django.db import models

SALT = "styringsportalen.konflikt"
MANGLER_VERSJON = "Skjemaet mangler versjonsinformasjon. Last siden på nytt og prøv igjen."


def _value(instance: models.Model, field: models.Field) -> str:
    if field.many_to_many:
        if instance.pk is None:
            return ""
        return ",".join(str(pk) for pk in sorted(getattr(instance, field.name).values_list("pk", flat=True)))
    value = field.value_from_object(instance)
    if isinstance(field, models.DecimalField) and isinstance(value, Decimal) and value.is_finite():
        # As the database returns it (12.500), also for a value set in memory (12.5).
        try:
            value = value.quantize(Decimal(1).scaleb(-field.decimal_places))
        except InvalidOperation:
            pass
    return "" if value is None else str(value)


def _display(field: models.Field, raw: str) -> str:
    if field.choices and not field.many_to_many:
        return str(dict((str(k), v) for k, v in field.flatchoices).get(raw, raw)) or "–"
    if raw == "":
        return "–"
    if isinstance(field, models.BooleanField):
        return {"True": "Ja", "False": "Nei"}.get(raw, raw)
    if isinstance(field, models.DecimalField):
        try:
            return format(Decimal(raw).normalize(), "f").replace(".", ",")
        except InvalidOperation:
            return raw
    if isinstance(field, models.IntegerField) and field.name.endswith("_kr"):
        from kjerne.belop import format_kroner

        try:
            return format_kroner(int(raw))
        except ValueError:
            return raw
    return raw


@dataclass
class Endring:
    felt: str
    fra: str
    til: str


@dataclass
class Konflikt:
    """What someone else saved since the page was opened, who and when (the latest history row)."""

    endringer: list[Endring]
    endret_av: object = None
    endret_tid: datetime | None = None
    #: The row as stored now, signed: a save based on it is a deliberate one.
    versjon: str = ""
    feltnavn: list[str] = field(default_factory=list)

    @property
    def melding(self) -> str:
        return konflikt_melding(self.endret_av)


def konflikt_melding(endret_av) -> str:
    hvem = f"{endret_av}" if endret_av else "En annen bruker"
    return (f"{hvem} har lagret endringer etter at du åpnet skjemaet. Ingenting av det du skrev er lagret. "
            "Se endringene under, og lagre på nytt hvis du fortsatt vil endre.")


def snapshot(instance: models.Model, names) -> dict[str, str]:
    fields = {f.name: f for f in instance._meta.get_fields() if getattr(f, "concrete", False) or f.many_to_many}
    return {name: _value(instance, fields[name]) for name in names if name in fields}


def signer(instance: models.Model, names: Iterable[str]) -> str:
    """The version of ``instance`` to carry in a form: its values, signed so it cannot be forged."""
    return signing.dumps(snapshot(instance, names), salt=SALT, compress=True)


def les_versjon(versjon: str | None) -> dict[str, str] | None:
    """The values a form was opened with; None when missing or tampered with."""
    try:
        verdier = signing.loads(versjon or "", salt=SALT)
    except signing.BadSignature:
        return None
    return verdier if isinstance(verdier, dict) else None


def uendret(naa: models.Model, opprinnelig: Mapping[str, str], verdier: Mapping[str, object]) -> bool:
    """True when writing ``verdier`` onto the stored row ``naa`` changes nothing the person
    changed: the values are those the page was opened with, or those stored now."""
    ny = copy.copy(naa)
    for navn, verdi in verdier.items():
        setattr(ny, navn, verdi)
    etter = snapshot(ny, verdier)
    return etter == {n: opprinnelig.get(n, "") for n in etter} or etter == snapshot(naa, verdier)


def sist_endret(naa: models.Model):
    """Who made the latest change to the row and when, from its history (None, None without)."""
    historikk = getattr(naa, "history", None)
    record = historikk.select_related("history_user").first() if historikk is not None else None
    return (record.history_user, record.history_date) if record is not None else (None, None)


def finn_konflikt(naa: models.Model, opprinnelig: Mapping[str, str], names: Iterable[str]) -> Konflikt | None:
    """The changes to ``naa`` (the row as stored now, locked by the caller) since the page was
    opened with ``opprinnelig``; None when there are none."""
    names = list(names)
    gjeldende = snapshot(naa, names)
    felter = {f.name: f for f in naa._meta.get_fields() if hasattr(f, "verbose_name")}
    endret = [n for n in gjeldende if n in opprinnelig and opprinnelig[n] != gjeldende[n]]
    if not endret:
        return None
    endret_av, endret_tid = sist_endret(naa)
    return Konflikt(
        endringer=[Endring(str(felter[n].verbose_name).capitalize(), _display(felter[n], opprinnelig.get(n, "")),
                           _display(felter[n], gjeldende[n])) for n in endret],
        endret_av=endret_av, endret_tid=endret_tid, versjon=signer(naa, names), feltnavn=endret,
    )


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
        return signer(instance, self._navn())

    def clean(self):
        cleaned = super().clean()
        if not self.instance.pk:
            return cleaned
        opprinnelig = les_versjon(self.data.get(self.add_prefix("versjon"), ""))
        naa = type(self.instance)._default_manager.select_for_update().get(pk=self.instance.pk)
        if opprinnelig is None:
            raise forms.ValidationError(MANGLER_VERSJON)
        # Only fields the page was opened with: a formset adds its parent link after __init__.
        konflikt = finn_konflikt(naa, opprinnelig, self._navn())
        if konflikt is not None:
            self.endringer, self.endret_av, self.endret_tid = konflikt.endringer, konflikt.endret_av, konflikt.endret_tid
            # The next save is a deliberate one: the person has now seen the other changes.
            data = self.data.copy()
            data[self.add_prefix("versjon")] = konflikt.versjon
            self.data = data
            raise forms.ValidationError(konflikt.melding, code="konflikt")
        return cleaned
