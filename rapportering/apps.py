from django.apps import AppConfig


class RapporteringConfig(AppConfig):
    name = "rapportering"
    verbose_name = "Rapportering"
