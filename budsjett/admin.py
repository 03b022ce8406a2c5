"""Admin for the budget: chapters with computed sums, posts with bindinger, distributions, grant
recipients and spending inline, and the budget consistency warnings read-only."""

from __future__ import annotations

from django.contrib import admin

from kjerne.admin import HistorikkAdmin, avvik_html
from kjerne.belop import format_kroner
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


def _kr(value):
    return format_kroner(value) if value is not None else "–"


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

    @admin.display(description="sum (beregnet)")
    def sum_visning(self, obj):
        return _kr(obj.sum_kr) if obj.pk else "–"

    @admin.display(description="sum i brevet")
    def oppgitt_sum(self, obj):
        return _kr(obj.typed_sum_kr)

    @admin.display(description="konsistenskontroll")
    def avvik(self, obj):
        return avvik_html([a for a in check_tildelingsbrev(obj.tildelingsbrev) if a.sted.get("kapittel") == obj.nummer])


class BudsjettbindingInline(admin.TabularInline):
    model = Budsjettbinding
    extra = 0
    fields = ["tekst", "belop_kr", "kategori", "oppdrag_nummer", "oppdrag", "rekkefolge"]
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
                           "bevilget_kr", "andel_kr", "typed_tilskudd_sum_kr", "rekkefolge"]}),
        ("Beregnet", {"fields": ["disponibelt", "bundet", "udisponert", "fordelt", "tilskudd_sum", "avvik"]}),
        ("Tekst i brevet", {"classes": ["collapse"], "fields": ["overskrift", "tekst"]}),
    ]

    def get_queryset(self, request):
        return super().get_queryset(request).prefetch_related("bindinger", "fordelinger", "tilskudd")

    @admin.display(description="tildelt")
    def tildelt(self, obj):
        return _kr(obj.tildelt_kr)

    @admin.display(description="andel")
    def andel(self, obj):
        return _kr(obj.andel_kr)

    @admin.display(description="disponibelt")
    def disponibelt(self, obj):
        return _kr(obj.disponibelt_kr) if obj.pk else "–"

    @admin.display(description="bundet")
    def bundet(self, obj):
        return _kr(obj.bundet_kr) if obj.pk else "–"

    @admin.display(description="udisponert")
    def udisponert(self, obj):
        return _kr(obj.udisponert_kr) if obj.pk else "–"

    @admin.display(description="fordelt")
    def fordelt(self, obj):
        return _kr(obj.fordelt_kr) if obj.pk else "–"

    @admin.display(description="sum tilskudd")
    def tilskudd_sum(self, obj):
        return _kr(obj.tilskudd_sum_kr) if obj.pk else "–"

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

    @admin.display(description="beløp", ordering="belop_kr")
    def belop(self, obj):
        return _kr(obj.belop_kr)


@admin.register(Fordeling)
class FordelingAdmin(HistorikkAdmin):
    list_display = ["post", "tekst", "belop"]
    search_fields = ["tekst"]
    list_select_related = ["post__kapittel"]

    @admin.display(description="beløp", ordering="belop_kr")
    def belop(self, obj):
        return _kr(obj.belop_kr)


@admin.register(Tilskudd)
class TilskuddAdmin(HistorikkAdmin):
    list_display = ["mottaker", "post", "fordeling", "belop"]
    search_fields = ["mottaker"]
    list_select_related = ["post__kapittel", "fordeling"]

    @admin.display(description="beløp", ordering="belop_kr")
    def belop(self, obj):
        return _kr(obj.belop_kr)


@admin.register(Finansiering)
class FinansieringAdmin(HistorikkAdmin):
    list_display = ["oppdrag", "tekst", "belop", "kapittel", "post", "aar"]
    search_fields = ["tekst", "oppdrag__nummer"]
    list_select_related = ["oppdrag"]
    autocomplete_fields = ["oppdrag"]

    @admin.display(description="beløp", ordering="belop_kr")
    def belop(self, obj):
        return _kr(obj.belop_kr)


@admin.register(Budsjettendring)
class BudsjettendringAdmin(HistorikkAdmin):
    list_display = ["tillegg", "post", "endring_kr"]
    list_select_related = ["tillegg", "post__kapittel"]


@admin.register(Forbruk)
class ForbrukAdmin(HistorikkAdmin):
    list_display = ["post", "per_dato", "forbruk", "prognose"]
    list_select_related = ["post__kapittel"]
    date_hierarchy = "per_dato"

    @admin.display(description="forbruk")
    def forbruk(self, obj):
        return _kr(obj.forbruk_kr)

    @admin.display(description="prognose")
    def prognose(self, obj):
        return _kr(obj.prognose_kr)
