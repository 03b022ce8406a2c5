"""The base of every editing form, shared by every app's forms."""

from __future__ import annotations

from django.forms.models import InlineForeignKeyField

from .enkeltlinje import EnkeltlinjeMixin
from .konflikt import KonfliktsikkerForm
from .tallgrenser import TallgrenseMixin


class Redigeringsskjema(EnkeltlinjeMixin, TallgrenseMixin, KonfliktsikkerForm):
    """The base of every editing form: conflict-safe (``kjerne.konflikt``), every number field
    checked against what its database column holds (``kjerne.tallgrenser``), and no line break in
    a single-line field such as a title (``kjerne.enkeltlinje``)."""


class RadKonfliktMixin:
    """For a row of an inline formset: the link to the parent (which the formset adds to the form
    after it is built) is not something the person edits, so it is not part of the conflict check."""

    def _navn(self):
        return [n for n in super()._navn() if not isinstance(self.fields[n], InlineForeignKeyField)]
