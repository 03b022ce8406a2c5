from django.apps import AppConfig


class MoterConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "moter"
    verbose_name = "Møter i styringsdialogen"

    def ready(self) -> None:
        # A letter or tillegg sent: its calendar's meetings become meetings in the portal
        # (brev sits below moter in the layers, so it announces the sending and moter listens).
        from kjerne.hendelser import overlevering

        overlevering.connect(_kalender_til_moter, dispatch_uid="moter.kalender")

        # The minutes render as PDF/PDF-A through the dokumenter app, like the letter and the reports.
        from dokumenter.registry import register

        from .models import Mote
        from .pdf import bygg_referat, navn_referat

        register("referat", model="moter.Mote", bygg=bygg_referat, navn=navn_referat,
                 synlige=lambda user: Mote.objects.for_user(user).filter(referat__status="godkjent"))


def _kalender_til_moter(sender, *, art, objekt, acting_user, **kwargs) -> None:
    from kjerne import hendelser

    from .services import moter_fra_kalender

    if art == hendelser.BREV_SENDT:
        moter_fra_kalender(brev=objekt, acting_user=acting_user)
    elif art == hendelser.TILLEGG_SENDT:
        moter_fra_kalender(brev=objekt.tildelingsbrev, acting_user=acting_user, tillegg=objekt)
