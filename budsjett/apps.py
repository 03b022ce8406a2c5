from django.apps import AppConfig


class BudsjettConfig(AppConfig):
    name = "budsjett"
    verbose_name = "Budsjett"

    def ready(self) -> None:
        from . import konsistens  # noqa: F401  (registers the budget checks)
