"""The one permission gate for reports, and the reads the report pages need."""

from __future__ import annotations

from django.db import models
from django.db.models import Prefetch


class RapportQuerySet(models.QuerySet):
    def for_user(self, user):
        """Which reports a user may see.

        Agency staff: every report of their own agency, drafts included. Ministry staff: reports
        sent to their ministry (the one whose letter asked for the report), never drafts.
        Observers: reports the ministry has received. Administrators: everything.
        """
        from brukere.models import Rolle

        if not user.is_authenticated:
            return self.none()
        if user.is_superuser or user.rolle == Rolle.ADMINISTRATOR:
            return self
        if user.organisasjon_id is None:
            return self.none()
        if user.er_virksomhet:
            return self.filter(virksomhet_id=user.organisasjon_id)
        if user.er_departement:
            return self.filter(departement_id=user.organisasjon_id, status__in=["sendt", "mottatt"])
        if user.rolle == Rolle.OBSERVATOR:
            return self.filter(status="mottatt")
        return self.none()

    def with_report_data(self):
        """Everything the report page and the PDF show, in a fixed number of queries."""
        from .models import Kommentar, Oppdragsstatus, Parameterresultat, Postrapport

        return self.select_related(
            "virksomhet", "departement", "tildelingsbrev", "punkt", "sendt_av", "mottatt_av", "opprettet_av",
        ).prefetch_related(
            "deler",
            Prefetch(
                "parameterresultater",
                queryset=Parameterresultat.objects.select_related("styringsparameter__maal").prefetch_related(
                    "styringsparameter__resultatkrav", "styringsparameter__maaleverdier"
                ),
            ),
            Prefetch("oppdragsstatuser", queryset=Oppdragsstatus.objects.select_related("oppdrag")),
            Prefetch("postrapporter", queryset=Postrapport.objects.select_related("post__kapittel")),
            Prefetch("kommentarer", queryset=Kommentar.objects.select_related("opprettet_av")),
        )
