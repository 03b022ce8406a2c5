from django.apps import AppConfig


class RevisjonConfig(AppConfig):
    name = "revisjon"
    verbose_name = "Riksrevisjonens merknader"
