from django.apps import AppConfig


class StyringConfig(AppConfig):
    name = "styring"
    verbose_name = "Styring"
