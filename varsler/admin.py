from django.contrib import admin

from .models import Kalendertilgang, Paaminnelse, Ukesoppsummering, Varsel, Varselinnstilling


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


@admin.register(Varsel)
class VarselAdmin(admin.ModelAdmin):
    """Hand-off notices: the inbox rows and, per row, the e-mail's state in the ledger (read only)."""

    list_display = ["tittel", "mottaker", "art", "opprettet", "lest", "status", "forsok", "sendt"]
    list_filter = ["art", "status", "i_innboks"]
    search_fields = ["tittel", "mottaker__username", "mottaker__email"]
    list_select_related = ["mottaker"]
    date_hierarchy = "opprettet"
    readonly_fields = [f.name for f in Varsel._meta.fields]

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


@admin.register(Kalendertilgang)
class KalendertilgangAdmin(admin.ModelAdmin):
    """Only the hash is stored; an administrator can see who has a feed and delete it (revoke)."""

    list_display = ["bruker", "opprettet", "sist_hentet"]
    search_fields = ["bruker__username", "bruker__last_name"]
    list_select_related = ["bruker"]
    readonly_fields = ["bruker", "token_hash", "opprettet", "sist_hentet"]

    def has_add_permission(self, request):
        return False
