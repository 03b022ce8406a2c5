from django.apps import AppConfig


class DokumenterConfig(AppConfig):
    name = "dokumenter"
    verbose_name = "Dokumenter (PDF)"

    def ready(self) -> None:
        from . import registry
        from .tildelingsbrev import bygg_tildelingsbrev, synlige_tildelingsbrev

        registry.register("tildelingsbrev", model="styring.Tildelingsbrev", bygg=bygg_tildelingsbrev,
                          synlige=synlige_tildelingsbrev)
