"""Admin for the steering documents: a letter with its chapters, mål, parameters, reporting table
and tillegg inline; oppdrag and budget one click away; consistency warnings shown read-only."""

from __future__ import annotations

from django.contrib import admin
from django.db.models import Count
from django.urls import reverse
from django.utils.html import format_html, format_html_join
from simple_history.admin import SimpleHistoryAdmin
from simple_history.template_utils import HistoricalRecordContextHelper

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
    Tildelingsbrev,
    Tillegg,
    Vedlegg,
)


class NorskHistorikk(HistoricalRecordContextHelper):
    """Old → new values as people read them: choice labels, "–" for empty."""

    def prepare_delta_change_value(self, change, value):
        field = self.model._meta.get_field(change.field)
        if value is None or value == "" or (field.is_relation and getattr(value, "pk", 0) is None):
            return "–"
        if getattr(field, "flatchoices", None) and not field.many_to_many:
            return dict(field.flatchoices).get(value, value)
        return super().prepare_delta_change_value(change, value)


class HistorikkAdmin(SimpleHistoryAdmin):
    """Base for every domain model: history with who/when/what (old → new) and sane paging."""

    list_per_page = 100
    save_on_top = True

    def get_historical_record_context_helper(self, request, historical_record):
        return NorskHistorikk(self.model, historical_record)


def changelist_link(model, text: str, **filters) -> str:
    """A link to ``model``'s changelist filtered by ``filters`` (one click away from a parent)."""
    url = reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_changelist")
    query = "&".join(f"{k}={v}" for k, v in filters.items())
    return format_html('<a href="{}?{}">{}</a>', url, query, text)


def avvik_html(avvik) -> str:
    if not avvik:
        return format_html("<p>{}</p>", "Ingen avvik funnet.")
    return format_html(
        "<ul class='konsistens'>{}</ul>",
        format_html_join("", "<li><strong>{}:</strong> {}</li>",
                         ((a.nivaa.capitalize(), a.melding) for a in avvik)),
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
        from budsjett.models import Budsjettkapittel
        from oppdrag.models import Oppdrag

        return format_html(
            "{} · {} · {}",
            changelist_link(Oppdrag, f"Nye oppdrag i {obj.aar} ({obj.nye_oppdrag.count()})", tildelingsbrev__id__exact=obj.pk),
            changelist_link(Oppdrag, f"Alle oppdrag for {obj.virksomhet.kortnavn}", virksomhet__id__exact=obj.virksomhet_id),
            changelist_link(Budsjettkapittel, "Budsjettkapitler og poster", tildelingsbrev__id__exact=obj.pk),
        )

    @admin.display(description="budsjett (beregnet)")
    def budsjettsummer(self, obj):
        if not obj.pk:
            return "–"
        from budsjett.belop import format_kroner

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
        from oppdrag.models import Oppdrag

        return changelist_link(Oppdrag, "Nye oppdrag under dette målet", maal__id__exact=obj.pk) if obj.pk else "–"


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
    list_display = ["__str__", "tildelingsbrev", "overordnet"]
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
    (Fellesforing, ["tittel", "tildelingsbrev"]),
    (Instruksavsnitt, ["nummer", "tittel", "instruks"]),
    (Maaleverdi, ["styringsparameter", "periode", "verdi", "enhet"]),
    (Resultatkrav, ["styringsparameter", "verdi", "enhet", "tekst"]),
]:
    admin.site.register(_model, type(f"{_model.__name__}Admin", (HistorikkAdmin,), {
        "list_display": _fields,
        "search_fields": [f for f in ("tittel", "tekst", "navn") if f in {x.name for x in _model._meta.fields}],
    }))
