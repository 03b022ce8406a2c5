from django.apps import AppConfig


class MoterConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "moter"
    verbose_name = "Møter i styringsdialogen"

    def ready(self) -> None:
        # The minutes render as PDF/PDF-A through the dokumenter app, like the letter and the reports.
        from dokumenter.registry import register

        from .models import Mote
        from .pdf import bygg_referat

        register("referat", model="moter.Mote", bygg=bygg_referat,
                 synlige=lambda user: Mote.objects.for_user(user).filter(referat__status="godkjent"))
