"""PDFs in the admin: read-only (they are made by ordering, never edited), with their history."""

from __future__ import annotations

from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from .models import PdfDokument


@admin.register(PdfDokument)
class PdfDokumentAdmin(SimpleHistoryAdmin):
    list_display = ("tittel", "kind", "object_id", "variant", "status", "sider", "storrelse", "bestilt", "ferdig")
    list_filter = ("kind", "variant", "status")
    search_fields = ("tittel", "filnavn", "feilmelding")
    readonly_fields = [f.name for f in PdfDokument._meta.fields if f.name not in ("id", "krav")]
    exclude = ("krav",)

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False
