"""Admin for the steering documents: a letter with its chapters, mål, parameters, reporting table
and tillegg inline; oppdrag and budget one click away; consistency warnings shown read-only."""

from __future__ import annotations

from django.contrib import admin
from django.db.models import Count
from django.utils.html import format_html, format_html_join

from kjerne.admin import HistorikkAdmin, avvik_html, changelist_link
from kjerne.belop import format_kroner

from .konsistens import check_tildelingsbrev
from .models import (
    Brevavsnitt,
    Fellesforing,
    Instruks,
    Instruksavsnitt,
    Maal,
    Maaleverdi,
    Maalgruppe,
    Moete,
    Organisasjon,
    Plikt,
    Rapporteringskrav,
    Rapporteringspunkt,
    Resultatkrav,
    Signatur,
    Styringsparameter,
    Tallfelt,
    Tildelingsbrev,
    Tillegg,
    Vedlegg,
)


@admin.register(Organisasjon)
class OrganisasjonAdmin(HistorikkAdmin):
    list_display = ["kortnavn", "navn", "type", "kontaktperson"]
    list_filter = ["type"]
    search_fields = ["kortnavn", "navn"]
    autocomplete_fields = ["kontaktperson"]


class InstruksavsnittInline(admin.StackedInline):
    model = Instruksavsnitt
    extra = 0


@admin.register(Instruks)
class InstruksAdmin(HistorikkAdmin):
    list_display = ["tittel", "virksomhet", "departement", "trer_i_kraft"]
    list_filter = ["departement", "virksomhet"]
    search_fields = ["tittel", "avsnitt__tekst"]
    inlines = [InstruksavsnittInline]
    date_hierarchy = "trer_i_kraft"


class BrevavsnittInline(admin.StackedInline):
    model = Brevavsnitt
    extra = 0
    fields = ["rekkefolge", "nummer", "tittel", "tekst", "tillegg"]
    classes = ["collapse"]


class MaalInline(admin.TabularInline):
    model = Maal
    extra = 0
    fields = ["nummer", "tittel", "gruppe"]
    show_change_link = True


class RapporteringspunktInline(admin.TabularInline):
    model = Rapporteringspunkt
    extra = 0


class TilleggInline(admin.TabularInline):
    model = Tillegg
    extra = 0
    fields = ["nummer", "dato", "tittel", "status"]
    show_change_link = True


class SignaturInline(admin.TabularInline):
    model = Signatur
    extra = 0


class VedleggInline(admin.TabularInline):
    model = Vedlegg
    extra = 0
    fields = ["nummer", "tittel"]


class PliktInline(admin.TabularInline):
    model = Plikt
    extra = 0
    fields = ["tekst", "dato", "form", "beskrivelse", "kilde"]


class MoeteInline(admin.TabularInline):
    model = Moete
    extra = 0


class FellesforingInline(admin.StackedInline):
    model = Fellesforing
    extra = 0
    classes = ["collapse"]


@admin.register(Tildelingsbrev)
class TildelingsbrevAdmin(HistorikkAdmin):
    list_display = ["__str__", "departement", "aar", "status", "dato", "antall_maal", "antall_nye_oppdrag"]
    list_filter = ["status", "aar", "departement", "virksomhet"]
    search_fields = ["tittel", "var_ref", "virksomhet__navn", "virksomhet__kortnavn"]
    autocomplete_fields = ["virksomhet", "departement", "kontaktperson", "godkjent_av", "instruks"]
    filter_horizontal = ["kopi_til"]
    readonly_fields = ["konsistens", "oppdrag_og_budsjett", "budsjettsummer"]
    fieldsets = [
        (None, {"fields": ["virksomhet", "departement", "aar", "tittel", "dato", "var_ref", "status", "sendt",
                           "godkjent_av", "kontaktperson", "instruks"]}),
        ("Kontroll og oversikt", {"fields": ["konsistens", "oppdrag_og_budsjett", "budsjettsummer"]}),
        ("Brevhode og signatur", {"classes": ["collapse"],
                                  "fields": ["avdeling", "saksbehandler", "mottaker_adresse",
                                             "elektronisk_signert_tekst", "kopi_til"]}),
    ]
    inlines = [MaalInline, BrevavsnittInline, RapporteringspunktInline, PliktInline, MoeteInline,
               FellesforingInline, TilleggInline, VedleggInline, SignaturInline]

    def get_queryset(self, request):
        return (super().get_queryset(request).select_related("virksomhet", "departement")
                .annotate(_maal=Count("maal", distinct=True), _nye=Count("nye_oppdrag", distinct=True)))

    @admin.display(description="mål", ordering="_maal")
    def antall_maal(self, obj):
        return obj._maal

    @admin.display(description="nye oppdrag", ordering="_nye")
    def antall_nye_oppdrag(self, obj):
        return obj._nye

    @admin.display(description="konsistenskontroll")
    def konsistens(self, obj):
        return avvik_html(check_tildelingsbrev(obj)) if obj.pk else "–"

    @admin.display(description="oppdrag og budsjett")
    def oppdrag_og_budsjett(self, obj):
        if not obj.pk:
            return "–"
        return format_html(
            "{} · {} · {}",
            changelist_link("oppdrag.Oppdrag", f"Nye oppdrag i {obj.aar} ({obj.nye_oppdrag.count()})", tildelingsbrev__id__exact=obj.pk),
            changelist_link("oppdrag.Oppdrag", f"Alle oppdrag for {obj.virksomhet.kortnavn}", virksomhet__id__exact=obj.virksomhet_id),
            changelist_link("budsjett.Budsjettkapittel", "Budsjettkapitler og poster", tildelingsbrev__id__exact=obj.pk),
        )

    @admin.display(description="budsjett (beregnet)")
    def budsjettsummer(self, obj):
        if not obj.pk:
            return "–"
        kapitler = obj.kapitler.prefetch_related("poster")
        rows = [(f"Kap. {k.nummer} {k.betegnelse}", format_kroner(k.sum_kr)) for k in kapitler]
        if not rows:
            return "Ingen budsjettkapitler."
        return format_html("<table><tbody>{}</tbody></table>",
                           format_html_join("", "<tr><td>{}</td><td style='text-align:right'>{}</td></tr>", rows))


class StyringsparameterInline(admin.StackedInline):
    model = Styringsparameter
    extra = 0
    fields = ["kode", "tekst", "rekkefolge", "i_aarsrapport", "i_halvaarsrapport"]
    show_change_link = True


@admin.register(Maal)
class MaalAdmin(HistorikkAdmin):
    list_display = ["__str__", "tildelingsbrev", "gruppe"]
    list_filter = ["tildelingsbrev__aar", "tildelingsbrev__virksomhet"]
    search_fields = ["tittel", "tekst"]
    list_select_related = ["tildelingsbrev__virksomhet", "gruppe"]
    inlines = [StyringsparameterInline]
    readonly_fields = ["oppdrag_lenke"]

    @admin.display(description="oppdrag")
    def oppdrag_lenke(self, obj):
        return changelist_link("oppdrag.Oppdrag", "Nye oppdrag under dette målet", maal__id__exact=obj.pk) if obj.pk else "–"


class MaaleverdiInline(admin.TabularInline):
    model = Maaleverdi
    extra = 0


class ResultatkravInline(admin.TabularInline):
    model = Resultatkrav
    extra = 0


@admin.register(Styringsparameter)
class StyringsparameterAdmin(HistorikkAdmin):
    list_display = ["kode", "kort_tekst", "maal", "i_aarsrapport", "i_halvaarsrapport"]
    list_filter = ["maal__tildelingsbrev__aar", "i_aarsrapport", "i_halvaarsrapport"]
    search_fields = ["kode", "tekst"]
    list_select_related = ["maal"]
    inlines = [MaaleverdiInline, ResultatkravInline]

    @admin.display(description="tekst")
    def kort_tekst(self, obj):
        return obj.tekst[:100]


@admin.register(Tillegg)
class TilleggAdmin(HistorikkAdmin):
    list_display = ["__str__", "tildelingsbrev", "dato", "status"]
    list_filter = ["status", "tildelingsbrev__aar"]
    search_fields = ["tittel"]
    inlines = [BrevavsnittInline]


@admin.register(Maalgruppe)
class MaalgruppeAdmin(HistorikkAdmin):
    list_display = ["__str__", "tildelingsbrev", "overordnet", "under_maal"]
    search_fields = ["tittel"]


@admin.register(Rapporteringskrav)
class RapporteringskravAdmin(HistorikkAdmin):
    list_display = ["kode", "tildelingsbrev", "maal"]
    list_filter = ["tildelingsbrev__aar"]
    search_fields = ["kode", "tekst"]


@admin.register(Rapporteringspunkt)
class RapporteringspunktAdmin(HistorikkAdmin):
    list_display = ["__str__", "tildelingsbrev", "type", "telletidspunkt", "frist"]
    list_filter = ["type", "tildelingsbrev__aar"]
    date_hierarchy = "frist"


@admin.register(Plikt)
class PliktAdmin(HistorikkAdmin):
    list_display = ["__str__", "tildelingsbrev", "dato", "form"]
    list_filter = ["form", "tildelingsbrev__aar"]
    search_fields = ["beskrivelse", "tekst"]


@admin.register(Moete)
class MoeteAdmin(HistorikkAdmin):
    list_display = ["__str__", "tildelingsbrev", "type", "dato"]
    list_filter = ["type", "tildelingsbrev__aar"]


for _model, _fields in [
    (Brevavsnitt, ["nummer", "tittel", "tildelingsbrev"]),
    (Vedlegg, ["nummer", "tittel", "tildelingsbrev"]),
    (Signatur, ["navn", "tittel", "tildelingsbrev"]),
    (Fellesforing, ["tittel", "nokkel", "tildelingsbrev"]),
    (Tallfelt, ["navn", "nokkel", "enhet", "fellesforing"]),
    (Instruksavsnitt, ["nummer", "tittel", "instruks"]),
    (Maaleverdi, ["styringsparameter", "periode", "verdi", "enhet"]),
    (Resultatkrav, ["styringsparameter", "verdi", "enhet", "tekst"]),
]:
    admin.site.register(_model, type(f"{_model.__name__}Admin", (HistorikkAdmin,), {
        "list_display": _fields,
        "search_fields": [f for f in ("tittel", "tekst", "navn") if f in {x.name for x in _model._meta.fields}],
    }))
