from django.contrib import admin

from .models import Paaminnelse, Ukesoppsummering, Varselinnstilling


@admin.register(Paaminnelse)
class PaaminnelseAdmin(admin.ModelAdmin):
    list_display = ["emne", "mottaker", "forfallsdato", "dager", "planlagt_dato", "status", "forsok", "sendt"]
    list_filter = ["status", "kilde", "dager", "planlagt_dato"]
    search_fields = ["emne", "mottaker__username", "mottaker__email"]
    list_select_related = ["mottaker"]
    date_hierarchy = "planlagt_dato"
    readonly_fields = [f.name for f in Paaminnelse._meta.fields]

    def has_add_permission(self, request):
        return False


@admin.register(Ukesoppsummering)
class UkesoppsummeringAdmin(admin.ModelAdmin):
    list_display = ["__str__", "status", "sendt"]
    list_filter = ["status", "aar", "uke"]
    readonly_fields = [f.name for f in Ukesoppsummering._meta.fields]

    def has_add_permission(self, request):
        return False


@admin.register(Varselinnstilling)
class VarselinnstillingAdmin(admin.ModelAdmin):
    list_display = ["bruker", "paaminnelser", "dager", "forfalt", "ukentlig_oppsummering"]
    list_filter = ["paaminnelser", "ukentlig_oppsummering"]
    search_fields = ["bruker__username"]
