from django.apps import AppConfig


class ArkivConfig(AppConfig):
    """The archive format: a whole letter as JSON, exported and imported (docs/arkivformat.md)."""

    name = "arkiv"
    verbose_name = "Arkivformat"
