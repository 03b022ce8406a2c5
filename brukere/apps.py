from django.apps import AppConfig


class BrukereConfig(AppConfig):
    name = "brukere"
    verbose_name = "Brukere og roller"
