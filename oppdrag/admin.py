"""Admin for oppdrag: frister in every form, milepæler, title per letter and the follow-up trail."""

from __future__ import annotations

from django.contrib import admin
from django.utils.html import format_html, format_html_join

from kjerne.admin import HistorikkAdmin

from .models import (
    Frist,
    Leveranse,
    Milepael,
    Oppdrag,
    Oppdragskommentar,
    Risikodefinisjon,
    Samarbeidspartner,
    Statusoppdatering,
    Tittelvariant,
)

FRIST_FIELDS = ["tekst", "tildelingsbrev", "form", "dato", "del_betegnelse", "rolle", "opprinnelig_dato",
                "intervall_mnd", "gjentas_til", "ny_rytme_fra", "ny_rytme_intervall_mnd", "rapport_type", "rapport_aar",
                "rekkefolge"]


class FristInline(admin.TabularInline):
    model = Frist
    extra = 0
    fields = FRIST_FIELDS
    autocomplete_fields = ["tildelingsbrev"]


class MilepaelInline(admin.TabularInline):
    model = Milepael
    extra = 0
    fields = ["tittel", "tekst", "form", "dato", "rekkefolge"]


class SamarbeidspartnerInline(admin.TabularInline):
    model = Samarbeidspartner
    extra = 0
    fields = ["navn", "rekkefolge"]


class TittelvariantInline(admin.TabularInline):
    model = Tittelvariant
    extra = 0
    autocomplete_fields = ["tildelingsbrev"]


class StatusoppdateringInline(admin.StackedInline):
    model = Statusoppdatering
    extra = 0
    fields = ["gjelder_dato", "status", "risiko", "risiko_tekst", "tiltak", "kommentar", "opprettet_av"]
    readonly_fields = ["opprettet_av"]
    ordering = ["-gjelder_dato", "-opprettet"]


class LeveranseInline(admin.TabularInline):
    model = Leveranse
    extra = 0
    fields = ["tittel", "type", "fil", "storrelse", "levert_av"]
    readonly_fields = ["storrelse", "levert_av"]


@admin.register(Oppdrag)
class OppdragAdmin(HistorikkAdmin):
    list_display = ["nummer", "kort_tittel", "virksomhet", "aar", "maal_nr", "fou", "status", "risiko", "ansvarlig",
                    "neste_frist"]
    list_filter = ["virksomhet", "departement", "aar", "status", "risiko", "fou", "maal__nummer"]
    search_fields = ["nummer", "tittel", "beskrivelse", "tittelvarianter__tittel"]
    list_select_related = ["virksomhet", "maal", "ansvarlig"]
    autocomplete_fields = ["virksomhet", "tildelingsbrev", "departement", "maal", "hovedansvar", "ansvarlig", "jf_oppdrag"]
    filter_horizontal = ["delt_med"]
    readonly_fields = ["finansiering_oversikt", "bindinger_oversikt"]
    inlines = [FristInline, MilepaelInline, SamarbeidspartnerInline, TittelvariantInline, StatusoppdateringInline,
               LeveranseInline]
    fieldsets = [
        (None, {"fields": ["virksomhet", "nummer", "aar", "tildelingsbrev", "tillegg", "departement", "maal", "tittel", "fou",
                           "ansvarlig", "status", "risiko"]}),
        ("Ansvar og sammenheng", {"fields": ["hovedansvar", "delt_med", "jf_oppdrag"]}),
        ("Oppdragsbeskrivelse", {"classes": ["collapse"], "fields": [
            "bakgrunn", "beskrivelse", "formaal", "rapportering", "rapporteringskriterier", "i_aarsrapport",
            "i_halvaarsrapport", "start", "start_tekst", "frist_tekst", "finansiering_tekst", "tilleggsinformasjon"]}),
        ("Finansiering (beregnet)", {"fields": ["finansiering_oversikt", "bindinger_oversikt"]}),
    ]

    def get_queryset(self, request):
        return super().get_queryset(request).prefetch_related("frister")

    @admin.display(description="tittel")
    def kort_tittel(self, obj):
        return obj.tittel if len(obj.tittel) <= 90 else obj.tittel[:88] + "…"

    @admin.display(description="mål", ordering="maal__sorteringsnokkel")
    def maal_nr(self, obj):
        return obj.maal.nummer if obj.maal else "–"

    @admin.display(description="frister")
    def neste_frist(self, obj):
        return "; ".join(f.tekst for f in obj.frister.all()) or "–"

    @admin.display(description="finansiering")
    def finansiering_oversikt(self, obj):
        from kjerne.belop import format_kroner

        rows = [(f.tekst, format_kroner(f.belop_kr) if f.belop_kr is not None else "–")
                for f in obj.finansiering.all()] if obj.pk else []
        if not rows:
            return "Ingen finansiering oppgitt."
        return format_html("<ul>{}</ul>", format_html_join("", "<li>{} – {}</li>", rows))

    @admin.display(description="budsjettbindinger som viser til oppdraget")
    def bindinger_oversikt(self, obj):
        from kjerne.belop import format_kroner

        rows = [(str(b.post), format_kroner(b.belop_kr)) for b in obj.bindinger.select_related("post__kapittel")] \
            if obj.pk else []
        if not rows:
            return "Ingen."
        return format_html("<ul>{}</ul>", format_html_join("", "<li>{}: {}</li>", rows))


@admin.register(Frist)
class FristAdmin(HistorikkAdmin):
    list_display = ["oppdrag", "tekst", "form", "dato", "tildelingsbrev"]
    list_filter = ["form", "rolle", "tildelingsbrev__aar"]
    search_fields = ["tekst", "oppdrag__nummer"]
    list_select_related = ["oppdrag", "tildelingsbrev__virksomhet"]
    date_hierarchy = "dato"
    autocomplete_fields = ["oppdrag", "tildelingsbrev"]


@admin.register(Milepael)
class MilepaelAdmin(HistorikkAdmin):
    list_display = ["oppdrag", "tittel", "tekst", "dato"]
    search_fields = ["tittel", "oppdrag__nummer"]
    list_select_related = ["oppdrag"]
    autocomplete_fields = ["oppdrag"]


@admin.register(Statusoppdatering)
class StatusoppdateringAdmin(HistorikkAdmin):
    list_display = ["oppdrag", "gjelder_dato", "status", "risiko", "opprettet_av", "opprettet"]
    list_filter = ["status", "risiko"]
    search_fields = ["oppdrag__nummer", "risiko_tekst", "kommentar"]
    list_select_related = ["oppdrag", "opprettet_av"]
    autocomplete_fields = ["oppdrag"]


@admin.register(Leveranse)
class LeveranseAdmin(HistorikkAdmin):
    list_display = ["oppdrag", "tittel", "type", "storrelse", "levert_av", "levert"]
    list_filter = ["type"]
    search_fields = ["tittel", "oppdrag__nummer"]
    list_select_related = ["oppdrag", "levert_av"]
    autocomplete_fields = ["oppdrag"]


@admin.register(Tittelvariant)
class TittelvariantAdmin(HistorikkAdmin):
    list_display = ["oppdrag", "tildelingsbrev", "tittel"]
    search_fields = ["tittel", "oppdrag__nummer"]
    list_select_related = ["oppdrag", "tildelingsbrev__virksomhet"]


@admin.register(Oppdragskommentar)
class OppdragskommentarAdmin(HistorikkAdmin):
    list_display = ["oppdrag", "forfatter", "opprettet"]
    search_fields = ["tekst", "oppdrag__nummer"]
    list_select_related = ["oppdrag", "forfatter"]
    autocomplete_fields = ["oppdrag"]
    readonly_fields = ["forfatter", "opprettet"]


@admin.register(Risikodefinisjon)
class RisikodefinisjonAdmin(HistorikkAdmin):
    list_display = ["tildelingsbrev", "farge", "tekst"]
    list_filter = ["farge", "tildelingsbrev__aar"]
    search_fields = ["tekst", "tildelingsbrev__virksomhet__kortnavn"]
    list_select_related = ["tildelingsbrev__virksomhet"]
    autocomplete_fields = ["tildelingsbrev"]


@admin.register(Samarbeidspartner)
class SamarbeidspartnerAdmin(HistorikkAdmin):
    list_display = ["oppdrag", "navn", "rekkefolge"]
    search_fields = ["navn", "oppdrag__nummer"]
    list_select_related = ["oppdrag"]
    autocomplete_fields = ["oppdrag"]
