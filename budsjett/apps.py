from django.apps import AppConfig


class BudsjettConfig(AppConfig):
    name = "budsjett"
    verbose_name = "Budsjett"
