"""Who sees which risk assessment: the agency sees all of its own, drafts included; the ministry
it is shared with sees it once shared; observers (Riksrevisjonen) read what has been shared, as they
read it in the received reports that show it; other ministries and agencies see none."""

from __future__ import annotations

from kjerne.querysets import TilgangQuerySet


class RisikovurderingQuerySet(TilgangQuerySet):
    def for_departement(self, departement_id: int):
        return self.filter(departement_id=departement_id, status="delt")

    def for_virksomhet(self, virksomhet_id: int):
        return self.filter(virksomhet_id=virksomhet_id)

    def for_observator(self):
        return self.filter(status="delt")

    def delte(self):
        return self.filter(status="delt")

    def med_risikoer(self):
        """Everything the assessment page, the matrix and the reports show, in a fixed number of queries."""
        from django.db.models import Prefetch

        from .models import Risiko, Risikotiltak

        return self.select_related("virksomhet", "departement", "opprettet_av", "delt_av").prefetch_related(
            Prefetch("risikoer", queryset=Risiko.objects.select_related(
                "maal", "oppdrag", "forrige").prefetch_related(
                Prefetch("tiltak", queryset=Risikotiltak.objects.select_related("ansvarlig")))))
