from __future__ import annotations

from django.db import models


class TildelingsbrevQuerySet(models.QuerySet):
    def for_user(self, user):
        """The one gate: which letters a user may see.

        Ministry staff see their own ministry's letters; agency staff see their own agency's sent
        letters; observers see sent letters; administrators (superusers) see everything.
        """
        from brukere.models import Rolle

        if not user.is_authenticated:
            return self.none()
        if user.is_superuser or user.rolle == Rolle.ADMINISTRATOR:
            return self
        if user.organisasjon_id is None:
            return self.none()
        if user.er_departement:
            return self.filter(departement_id=user.organisasjon_id)
        if user.er_virksomhet:
            return self.filter(virksomhet_id=user.organisasjon_id, status="sendt")
        if user.rolle == Rolle.OBSERVATOR:
            return self.filter(status="sendt")
        return self.none()

    def with_structure(self):
        return self.select_related("virksomhet", "departement", "instruks").prefetch_related(
            "maal__styringsparametere__resultatkrav", "maal__styringsparametere__maaleverdier",
            "rapporteringspunkter", "kopi_til",
        )
