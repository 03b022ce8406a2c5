"""Numbers typed into a form must fit the database column they are saved in.

A number that does not fit used to reach the database and give a 500 (a report amount of
99999999999999999999999), or, on SQLite, was stored where PostgreSQL would refuse it (post 99999
in a smallint). Here every number field is checked against its column before anything is saved,
and refused next to the field with a Norwegian message:

- integer columns: the range of the column type as PostgreSQL holds it (Django's standard ranges;
  SQLite would accept any 64-bit value, so dev and production would disagree), narrowed by any
  ``MinValueValidator``/``MaxValueValidator`` on the model field;
- decimal columns: ``max_digits`` and ``decimal_places``.

Use :class:`TallgrenseMixin` first in the bases of a ModelForm: every form field whose name is a
number field of the model (Django's own fields and custom ones such as ``BelopField``) gets the
check, so a field added later is covered too. A plain ``Form`` that saves into a model column
takes the check from :func:`kolonnegrense` (``rapporter.forms.BelopField`` does).
"""

from __future__ import annotations

from decimal import Decimal

from django.core import validators
from django.core.exceptions import FieldDoesNotExist, ValidationError
from django.db import models
from django.db.backends.base.operations import BaseDatabaseOperations
from django.utils.deconstruct import deconstructible

#: Integer column ranges as PostgreSQL (and Django's base backend) defines them.
HELTALLSOMRAADER = BaseDatabaseOperations.integer_field_ranges


def _norsk(tall: int | Decimal) -> str:
    """32767 → "32 767", Decimal("9999.999") → "9 999,999", negatives with a real minus sign."""
    tekst = f"{abs(tall):,}".replace(",", "\u00a0").replace(".", ",")
    return f"−{tekst}" if tall < 0 else tekst


def _desimaler(verdi: Decimal) -> int:
    """Decimals that matter: 12,500 has one. Read from the digits, never by formatting the number
    (1e-999999999999 would be a string of a trillion characters)."""
    _, sifre, eksponent = verdi.as_tuple()
    if not isinstance(eksponent, int) or eksponent >= 0 or not any(sifre):
        return 0
    nuller = 0
    for siffer in reversed(sifre):
        if siffer != 0 or nuller >= -eksponent:
            break
        nuller += 1
    return -eksponent - nuller


@deconstructible
class Kolonnegrense:
    """Refuses a value outside [minst, hoyst] or with more than ``desimaler`` decimals."""

    def __init__(self, *, minst: int | Decimal, hoyst: int | Decimal, desimaler: int | None = None,
                 belop: bool = False):
        self.minst, self.hoyst, self.desimaler, self.belop = minst, hoyst, desimaler, belop

    def __eq__(self, other):
        return isinstance(other, Kolonnegrense) and vars(self) == vars(other)

    def __call__(self, verdi) -> None:
        if verdi is None or isinstance(verdi, bool) or not isinstance(verdi, (int, Decimal, float)):
            return
        hva = "Beløpet" if self.belop else "Tallet"
        enhet = " kr" if self.belop else ""
        if isinstance(verdi, (Decimal, float)) and not Decimal(verdi).is_finite():
            raise ValidationError(f"{hva} må være et vanlig tall.", code="ikke_endelig")
        verdi = Decimal(verdi) if isinstance(verdi, float) else verdi
        if self.desimaler is not None and isinstance(verdi, Decimal) and _desimaler(verdi) > self.desimaler:
            raise ValidationError(
                "Bruk ikke desimaler." if self.desimaler == 0 else f"Bruk høyst {self.desimaler} desimaler.",
                code="desimaler")
        if verdi > self.hoyst:
            raise ValidationError(f"{hva} er for stort. Det største som kan lagres her, er {_norsk(self.hoyst)}{enhet}.",
                                  code="for_stort")
        if verdi < self.minst:
            if self.minst == 0:
                raise ValidationError(f"{hva} kan ikke være negativt.", code="negativt")
            raise ValidationError(f"{hva} er for lite. Det minste som kan lagres her, er {_norsk(self.minst)}{enhet}.",
                                  code="for_lite")


def er_tallfelt(modellfelt) -> bool:
    return (isinstance(modellfelt, (models.IntegerField, models.DecimalField))
            and not modellfelt.primary_key and not modellfelt.is_relation)


def kolonnegrense(modellfelt: models.Field) -> Kolonnegrense | None:
    """The check for a model field's column, or None when the field is not a number column."""
    if not er_tallfelt(modellfelt):
        return None
    if isinstance(modellfelt, models.DecimalField):
        desimaler = modellfelt.decimal_places
        storst = Decimal(10) ** (modellfelt.max_digits - desimaler) - Decimal(10) ** -desimaler
        minst, hoyst = -storst, storst
    else:
        desimaler = None
        minst, hoyst = HELTALLSOMRAADER[modellfelt.get_internal_type()]
    for v in modellfelt.validators:
        if isinstance(v, validators.MinValueValidator) and not callable(v.limit_value):
            minst = max(minst, v.limit_value)
        elif isinstance(v, validators.MaxValueValidator) and not callable(v.limit_value):
            hoyst = min(hoyst, v.limit_value)
    return Kolonnegrense(minst=minst, hoyst=hoyst, desimaler=desimaler,
                         belop=modellfelt.name.endswith("_kr"))


# Django's own checks that ours replaces (their messages speak of "tall" where digits are meant,
# or print 9223372036854775807 without grouping); ours says the same in plain Norwegian.
_ERSTATTES = (validators.MinValueValidator, validators.MaxValueValidator, validators.DecimalValidator)


def bruk_kolonnegrense(formfelt, modellfelt) -> bool:
    """Give a form field its column's check; returns whether the field is a number field."""
    grense = kolonnegrense(modellfelt)
    if grense is None:
        return False
    formfelt.validators = [v for v in formfelt.validators if not isinstance(v, _ERSTATTES)] + [grense]
    return True


class TallgrenseMixin:
    """For a ModelForm: every form field backed by a number column refuses what the column cannot hold."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        opts = self._meta.model._meta
        for navn, felt in self.fields.items():
            try:
                modellfelt = opts.get_field(navn)
            except FieldDoesNotExist:
                continue
            bruk_kolonnegrense(felt, modellfelt)
