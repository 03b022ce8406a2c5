"""Who sees Riksrevisjonen's remarks and the follow-up plan: the agency its own, the steering
ministry those of the agencies it follows up, observers (Riksrevisjonen itself) every remark with its
plan and the reply letters, read only; other ministries and agencies none."""

from __future__ import annotations

from kjerne.querysets import TilgangQuerySet


class MerknadQuerySet(TilgangQuerySet):
    def for_departement(self, departement_id: int):
        return self.filter(departement_id=departement_id)

    def for_virksomhet(self, virksomhet_id: int):
        return self.filter(virksomhet_id=virksomhet_id)

    def for_observator(self):
        return self

    def aapne(self):
        return self.exclude(status="lukket")

    def med_plan(self):
        from django.db.models import Prefetch

        from .models import Revisjonstiltak, Svarbrev

        return self.select_related("virksomhet", "departement", "registrert_av").prefetch_related(
            Prefetch("tiltak", queryset=Revisjonstiltak.objects.select_related("ansvarlig")),
            Prefetch("svarbrev", queryset=Svarbrev.objects.select_related("lastet_opp_av")))
