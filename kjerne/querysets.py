"""The shape every permission-aware queryset shares: one ``for_user(user)`` that views start from.

Anonymous users and users without an organisation see nothing; administrators see everything;
everyone else sees what their kind of organisation may see of the model, which each subclass
says in ``for_departement``, ``for_virksomhet`` and ``for_observator``.
"""

from __future__ import annotations

from django.db import models
from django.db.models import Prefetch


class TilgangQuerySet(models.QuerySet):
    def for_user(self, user):
        # The user's kind is read from the user (brukere.models.User), which the core does not import.
        if not user.is_authenticated:
            return self.none()
        if user.er_administrator:
            return self
        if user.organisasjon_id is None:
            return self.none()
        if user.er_departement:
            return self.for_departement(user.organisasjon_id)
        if user.er_virksomhet:
            return self.for_virksomhet(user.organisasjon_id)
        if user.er_observator:
            return self.for_observator()
        return self.none()

    def for_departement(self, departement_id: int):
        raise NotImplementedError

    def for_virksomhet(self, virksomhet_id: int):
        raise NotImplementedError

    def for_observator(self):
        raise NotImplementedError


def i_egen_rekkefolge(model, *, foran: str, queryset=None) -> models.QuerySet:
    """``model``'s rows in its own order without its first key ``foran``: its parent, for a prefetch.

    Most models order by their parent first (``["tildelingsbrev", "rekkefolge"]``), and the parent's
    ordering expands in turn (a letter's agency type and name and year, an oppdrag's agency and
    number): each prefetch joined two to four tables to sort by what is the same for all the rows of
    one parent. A prefetch hands each parent its rows in the queryset's order, so within one parent
    the rest of the ordering is the whole of it: the same rows in the same order."""
    ordering = list(model._meta.ordering)
    if not ordering or ordering[0] != foran:
        raise ValueError(f"{model.__name__} ordnes ikke først etter {foran}: {ordering}")
    return (queryset if queryset is not None else model.objects.all()).order_by(*ordering[1:])


def prefetch_i_egen_rekkefolge(relasjon: str, model, *, foran: str, queryset=None, to_attr: str | None = None):
    """``Prefetch(relasjon)`` of ``model`` in the order ``i_egen_rekkefolge`` gives."""
    return Prefetch(relasjon, queryset=i_egen_rekkefolge(model, foran=foran, queryset=queryset), to_attr=to_attr)
