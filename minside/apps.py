from django.apps import AppConfig


class MinsideConfig(AppConfig):
    """Min side: what is due, overdue, red or yellow, and what changed, for the person logged in."""

    name = "minside"
    verbose_name = "Min side"
