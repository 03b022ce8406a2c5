from django.apps import AppConfig


class KjerneConfig(AppConfig):
    """The small core every app uses and that uses none of them: history and the acting user,
    conflict detection, formats (kroner, dates), spreadsheet cells, form limits, template tags and
    the permission-aware queryset base. No models."""

    name = "kjerne"
    verbose_name = "Kjerne"
