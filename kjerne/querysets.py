"""The shape every permission-aware queryset shares: one ``for_user(user)`` that views start from.

Anonymous users and users without an organisation see nothing; administrators see everything;
everyone else sees what their kind of organisation may see of the model, which each subclass
says in ``for_departement``, ``for_virksomhet`` and ``for_observator``.
"""

from __future__ import annotations

from django.db import models


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
