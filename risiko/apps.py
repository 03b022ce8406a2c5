from django.apps import AppConfig


class RisikoConfig(AppConfig):
    name = "risiko"
    verbose_name = "Risiko- og vesentlighetsvurderinger"
