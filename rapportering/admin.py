"""Reports in the admin: read-only with history. Reports are written through rapporter.services,
which enforce who may write and that a sent report is locked; the admin must not bypass that."""

from __future__ import annotations

from django.contrib import admin

from kjerne.admin import HistorikkAdmin

from .models import (
    Fellesforingssvar,
    Kommentar,
    Oppdragsstatus,
    Parameterresultat,
    Postrapport,
    Rapport,
    Rapportdel,
    Tallsvar,
)


class LesAdmin(HistorikkAdmin):
    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False


@admin.register(Rapport)
class RapportAdmin(LesAdmin):
    list_display = ["__str__", "status", "telletidspunkt", "frist", "sendt", "mottatt"]
    list_filter = ["status", "type", "rapport_aar", "virksomhet"]
    search_fields = ["virksomhet__kortnavn", "virksomhet__navn"]
    list_select_related = ["virksomhet"]


@admin.register(Rapportdel)
class RapportdelAdmin(LesAdmin):
    list_display = ["tittel", "rapport"]
    list_filter = ["rapport__rapport_aar", "rapport__type"]
    search_fields = ["tittel", "tekst"]
    list_select_related = ["rapport__virksomhet"]


@admin.register(Parameterresultat)
class ParameterresultatAdmin(LesAdmin):
    list_display = ["__str__", "resultat_tall", "risiko", "ingenting_aa_rapportere"]
    list_filter = ["risiko", "ingenting_aa_rapportere"]
    search_fields = ["styringsparameter__kode", "resultat_tekst", "vurdering"]
    list_select_related = ["rapport__virksomhet", "styringsparameter"]


@admin.register(Oppdragsstatus)
class OppdragsstatusAdmin(LesAdmin):
    list_display = ["__str__", "status", "risiko"]
    list_filter = ["risiko"]
    search_fields = ["oppdrag__nummer", "oppdrag__tittel", "kommentar"]
    list_select_related = ["rapport__virksomhet", "oppdrag"]


@admin.register(Postrapport)
class PostrapportAdmin(LesAdmin):
    list_display = ["__str__", "tildelt_kr", "forbruk_kr", "prognose_kr"]
    search_fields = ["post__betegnelse", "kommentar"]
    list_select_related = ["rapport__virksomhet", "post__kapittel"]


@admin.register(Fellesforingssvar)
class FellesforingssvarAdmin(LesAdmin):
    list_display = ["__str__"]
    search_fields = ["fellesforing__tittel", "tekst"]
    list_select_related = ["rapport__virksomhet", "fellesforing"]


@admin.register(Tallsvar)
class TallsvarAdmin(LesAdmin):
    list_display = ["__str__", "verdi", "svar"]
    search_fields = ["tallfelt__navn"]
    list_select_related = ["tallfelt", "svar__fellesforing", "svar__rapport__virksomhet"]


@admin.register(Kommentar)
class KommentarAdmin(LesAdmin):
    list_display = ["__str__", "opprettet"]
    search_fields = ["tekst"]
    list_select_related = ["rapport__virksomhet", "opprettet_av"]
