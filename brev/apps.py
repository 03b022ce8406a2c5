from django.apps import AppConfig


class BrevConfig(AppConfig):
    """The whole letter as people work with it: the page, editing, the workflow, compare, history,
    the budget export and the letter's PDF. It composes styring, oppdrag and budsjett, which know
    nothing of it."""

    name = "brev"
    verbose_name = "Tildelingsbrev i nettleseren"

    def ready(self) -> None:
        from dokumenter import registry

        from . import konsistens, videreforing  # noqa: F401 - register the checks that span oppdrag and budget
        from .pdf import bygg_tildelingsbrev, navn_tildelingsbrev, synlige_tildelingsbrev

        registry.register("tildelingsbrev", model="styring.Tildelingsbrev", bygg=bygg_tildelingsbrev,
                          synlige=synlige_tildelingsbrev, navn=navn_tildelingsbrev)
