"""The one permission gate for reports, and the reads the report pages need."""

from __future__ import annotations

from django.db.models import Prefetch

from kjerne.querysets import TilgangQuerySet


class RapportQuerySet(TilgangQuerySet):
    """Which reports a user may see (``for_user``). Agency staff: every report of their own agency,
    drafts included. Ministry staff: reports sent to their ministry (the one whose letter asked
    for the report), never drafts. Observers: reports the ministry has received. Administrators:
    everything."""

    def for_departement(self, departement_id: int):
        return self.filter(departement_id=departement_id, status__in=["sendt", "mottatt"])

    def for_virksomhet(self, virksomhet_id: int):
        return self.filter(virksomhet_id=virksomhet_id)

    def for_observator(self):
        return self.filter(status="mottatt")

    def with_report_data(self):
        """Everything the report page and the PDF show, in a fixed number of queries."""
        from rapportering.models import (
            Fellesforingssvar,
            Kommentar,
            Oppdragsstatus,
            Parameterresultat,
            Postrapport,
            Tallsvar,
        )

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
            Prefetch("fellesforingssvar", queryset=Fellesforingssvar.objects.select_related("fellesforing")
                     .prefetch_related(Prefetch("tall", queryset=Tallsvar.objects.select_related("tallfelt")))),
        )
