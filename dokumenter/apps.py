from django.apps import AppConfig


class DokumenterConfig(AppConfig):
    """PDF infrastructure: kinds register themselves (brev, rapportering); nothing here knows them."""

    name = "dokumenter"
    verbose_name = "Dokumenter (PDF)"
