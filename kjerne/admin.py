"""Admin building blocks every app uses: history with who/when/what (old → new, in Norwegian),
links one click away, and consistency findings as a list."""

from __future__ import annotations

from datetime import date

from django.apps import apps
from django.contrib import admin
from django.urls import reverse
from django.utils.html import format_html, format_html_join
from simple_history.admin import SimpleHistoryAdmin
from simple_history.template_utils import HistoricalRecordContextHelper

from .belop import format_kroner
from .tid import format_tidspunkt


class NorskHistorikk(HistoricalRecordContextHelper):
    """Old → new values as people read them: choice labels, "–" for empty."""

    def prepare_delta_change_value(self, change, value):
        field = self.model._meta.get_field(change.field)
        if value is None or value == "" or (field.is_relation and getattr(value, "pk", 0) is None):
            return "–"
        if getattr(field, "flatchoices", None) and not field.many_to_many:
            return dict(field.flatchoices).get(value, value)
        if isinstance(value, date):  # a datetime too: Oslo time, written one way
            return format_tidspunkt(value)
        return super().prepare_delta_change_value(change, value)


class HistorikkAdmin(SimpleHistoryAdmin):
    """Base for every domain model: history with who/when/what (old → new) and sane paging."""

    list_per_page = 100
    save_on_top = True

    def get_historical_record_context_helper(self, request, historical_record):
        return NorskHistorikk(self.model, historical_record)


def changelist_link(model, text: str, **filters) -> str:
    """A link to ``model``'s changelist filtered by ``filters`` (one click away from a parent).
    ``model`` may be a label ("oppdrag.Oppdrag"), so an app can link to one it does not import."""
    if isinstance(model, str):
        model = apps.get_model(model)
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


def kroner(attributt: str, beskrivelse: str, *, lagret: bool = False, sortering: str | None = None):
    """An admin column or read-only field showing ``obj.<attributt>`` in kroner ("37 510 000 kr"),
    "–" when empty, and with ``lagret`` also "–" on an unsaved object (a computed sum needs rows)."""

    @admin.display(description=beskrivelse, ordering=sortering)
    def vis(self, obj):
        if lagret and not obj.pk:
            return "–"
        verdi = getattr(obj, attributt)
        return format_kroner(verdi) if verdi is not None else "–"

    return vis
