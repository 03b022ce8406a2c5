"""Single-line fields refuse line breaks when they are typed.

A title ends up in e-mail subjects, calendar entries, spreadsheet cells and headings; a line
break pasted into one broke every reminder for that oppdrag (``BadHeaderError``). A text that a
person typed is never changed behind their back, so a line break is refused at the field with a
Norwegian message, and the person joins the lines. (A trailing line break is whitespace, which
Django's ``CharField`` strips anyway.)

Which fields are single-line: every form field backed by a model ``CharField`` that is not shown
as a textarea, plus the fields a form names in ``enkeltlinje`` (an oppdrag's title is a
``TextField`` shown in a two-row textarea, because titles in the letters are long).
"""

from __future__ import annotations

from django import forms
from django.core.exceptions import FieldDoesNotExist, ValidationError
from django.db import models

#: What str.splitlines() breaks on: LF, CR, VT, FF, FS, GS, RS, NEL, LINE and PARAGRAPH SEPARATOR.
LINJESKIFT = frozenset("\n\r\v\f\x1c\x1d\x1e\x85\u2028\u2029")
MELDING = "Teksten kan ikke ha linjeskift. Skriv den på én linje."


def ingen_linjeskift(verdi) -> None:
    """Validator: refuses text that holds a line break."""
    if isinstance(verdi, str) and not LINJESKIFT.isdisjoint(verdi):
        raise ValidationError(MELDING, code="linjeskift")


def er_enkeltlinje(formfelt: forms.Field, modellfelt) -> bool:
    return isinstance(modellfelt, models.CharField) and not isinstance(formfelt.widget, forms.Textarea)


class EnkeltlinjeMixin:
    """For a ModelForm: single-line fields (see the module) refuse line breaks."""

    #: TextFields of the model that are single-line all the same (titles shown in a textarea).
    enkeltlinje: tuple[str, ...] = ()

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        opts = self._meta.model._meta
        for navn, felt in self.fields.items():
            try:
                modellfelt = opts.get_field(navn)
            except FieldDoesNotExist:
                continue
            if (navn in self.enkeltlinje or er_enkeltlinje(felt, modellfelt)) and \
                    ingen_linjeskift not in felt.validators:
                felt.validators = [*felt.validators, ingen_linjeskift]
