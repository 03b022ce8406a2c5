"""Admin for the budget: chapters with computed sums, posts with bindinger, distributions, grant
recipients and spending inline, and the budget consistency warnings read-only."""

from __future__ import annotations

from django.contrib import admin

from kjerne.admin import HistorikkAdmin, avvik_html, kroner
from styring.konsistens import check_tildelingsbrev

from .models import (
    Budsjettbinding,
    Budsjettendring,
    Budsjettkapittel,
    Budsjettpost,
    Finansiering,
    Forbruk,
    Fordeling,
    Tilskudd,
)


class BudsjettpostInline(admin.TabularInline):
    model = Budsjettpost
    extra = 0
    fields = ["post", "betegnelse", "tildelt_kr", "bevilget_kr", "andel_kr", "kan_overfores", "overslagsbevilgning"]
    show_change_link = True


@admin.register(Budsjettkapittel)
class BudsjettkapittelAdmin(HistorikkAdmin):
    list_display = ["__str__", "tildelingsbrev", "sum_visning", "oppgitt_sum"]
    list_filter = ["tildelingsbrev__aar", "tildelingsbrev__virksomhet"]
    search_fields = ["betegnelse", "nummer"]
    list_select_related = ["tildelingsbrev__virksomhet"]
    readonly_fields = ["sum_visning", "avvik"]
    inlines = [BudsjettpostInline]

    def get_queryset(self, request):
        return super().get_queryset(request).prefetch_related("poster")

    sum_visning = kroner("sum_kr", "sum (beregnet)", lagret=True)
    oppgitt_sum = kroner("typed_sum_kr", "sum i brevet")

    @admin.display(description="konsistenskontroll")
    def avvik(self, obj):
        return avvik_html([a for a in check_tildelingsbrev(obj.tildelingsbrev) if a.sted.get("kapittel") == obj.nummer])


class BudsjettbindingInline(admin.TabularInline):
    model = Budsjettbinding
    extra = 0
    fields = ["tekst", "belop_kr", "belop_til_kr", "kategori", "oppdrag_nummer", "oppdrag", "rekkefolge"]
    autocomplete_fields = ["oppdrag"]


class FordelingInline(admin.TabularInline):
    model = Fordeling
    extra = 0


class TilskuddInline(admin.TabularInline):
    model = Tilskudd
    extra = 0


class ForbrukInline(admin.TabularInline):
    model = Forbruk
    extra = 0


@admin.register(Budsjettpost)
class BudsjettpostAdmin(HistorikkAdmin):
    list_display = ["__str__", "tildelt", "andel", "bundet", "udisponert"]
    list_filter = ["kapittel__tildelingsbrev__aar", "kapittel__nummer", "kan_overfores", "overslagsbevilgning"]
    search_fields = ["betegnelse", "tekst"]
    list_select_related = ["kapittel__tildelingsbrev"]
    readonly_fields = ["tildelt", "andel", "disponibelt", "bundet", "udisponert", "fordelt", "tilskudd_sum", "avvik"]
    inlines = [BudsjettbindingInline, FordelingInline, TilskuddInline, ForbrukInline]
    fieldsets = [
        (None, {"fields": ["kapittel", "post", "betegnelse", "kan_overfores", "overslagsbevilgning", "tildelt_kr",
                           "tildelt_tekst", "bevilget_kr", "andel_kr", "typed_tilskudd_sum_kr",
                           "tilskudd_sum_rad_uten_belop", "rekkefolge"]}),
        ("Beregnet", {"fields": ["disponibelt", "bundet", "udisponert", "fordelt", "tilskudd_sum", "avvik"]}),
        ("Tekst i brevet", {"classes": ["collapse"], "fields": ["overskrift", "tekst"]}),
    ]

    def get_queryset(self, request):
        return super().get_queryset(request).prefetch_related("bindinger", "fordelinger", "tilskudd")

    tildelt = kroner("tildelt_kr", "tildelt")
    andel = kroner("andel_kr", "andel")
    disponibelt = kroner("disponibelt_kr", "disponibelt", lagret=True)
    bundet = kroner("bundet_kr", "bundet", lagret=True)
    udisponert = kroner("udisponert_kr", "udisponert", lagret=True)
    fordelt = kroner("fordelt_kr", "fordelt", lagret=True)
    tilskudd_sum = kroner("tilskudd_sum_kr", "sum tilskudd", lagret=True)

    @admin.display(description="konsistenskontroll")
    def avvik(self, obj):
        if not obj.pk:
            return "–"
        return avvik_html([a for a in check_tildelingsbrev(obj.kapittel.tildelingsbrev)
                           if a.sted.get("kapittel") == obj.kapittel.nummer and a.sted.get("post") == obj.post])


@admin.register(Budsjettbinding)
class BudsjettbindingAdmin(HistorikkAdmin):
    list_display = ["post", "kort_tekst", "belop", "kategori", "oppdrag_nummer"]
    list_filter = ["kategori", "post__kapittel__tildelingsbrev__aar"]
    search_fields = ["tekst", "oppdrag_nummer"]
    list_select_related = ["post__kapittel"]
    autocomplete_fields = ["oppdrag"]

    @admin.display(description="formål")
    def kort_tekst(self, obj):
        return obj.tekst[:80]

    belop = kroner("belop_kr", "beløp", sortering="belop_kr")


@admin.register(Fordeling)
class FordelingAdmin(HistorikkAdmin):
    list_display = ["post", "tekst", "belop"]
    search_fields = ["tekst"]
    list_select_related = ["post__kapittel"]

    belop = kroner("belop_kr", "beløp", sortering="belop_kr")


@admin.register(Tilskudd)
class TilskuddAdmin(HistorikkAdmin):
    list_display = ["mottaker", "post", "fordeling", "belop"]
    search_fields = ["mottaker"]
    list_select_related = ["post__kapittel", "fordeling"]

    belop = kroner("belop_kr", "beløp", sortering="belop_kr")


@admin.register(Finansiering)
class FinansieringAdmin(HistorikkAdmin):
    list_display = ["oppdrag", "tekst", "belop", "kapittel", "post", "aar"]
    search_fields = ["tekst", "oppdrag__nummer"]
    list_select_related = ["oppdrag"]
    autocomplete_fields = ["oppdrag"]

    belop = kroner("belop_kr", "beløp", sortering="belop_kr")


@admin.register(Budsjettendring)
class BudsjettendringAdmin(HistorikkAdmin):
    list_display = ["tillegg", "post", "endring_kr"]
    list_select_related = ["tillegg", "post__kapittel"]


@admin.register(Forbruk)
class ForbrukAdmin(HistorikkAdmin):
    list_display = ["post", "per_dato", "forbruk", "prognose"]
    list_select_related = ["post__kapittel"]
    date_hierarchy = "per_dato"

    forbruk = kroner("forbruk_kr", "forbruk")
    prognose = kroner("prognose_kr", "prognose")
