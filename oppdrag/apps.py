from django.apps import AppConfig


class OppdragConfig(AppConfig):
    name = "oppdrag"
    verbose_name = "Oppdrag"

    def ready(self) -> None:
        from . import konsistens  # noqa: F401  (registers the oppdrag checks)
