from django.apps import AppConfig


class RapporteringConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "rapportering"
    verbose_name = "Halvårs- og årsrapporter"

    def ready(self) -> None:
        # The PDF infrastructure lives in the app "dokumenter"; the reports work without it.
        try:
            from dokumenter.registry import register
        except ImportError:
            return
        from .models import Rapport
        from .pdf import bygg_rapport, navn_rapport

        register("rapport", model="rapportering.Rapport", bygg=bygg_rapport, navn=navn_rapport,
                 synlige=lambda user: Rapport.objects.for_user(user))
