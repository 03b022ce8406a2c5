from django.apps import AppConfig


class VarslerConfig(AppConfig):
    """Deadline reminders, the weekly digest and the calendar feeds: what reaches people outside
    the portal, when it should."""

    name = "varsler"
    verbose_name = "Varsler og påminnelser"

    def ready(self):
        from kjerne.hendelser import overlevering

        from .overleveringer import mottak

        overlevering.connect(mottak, dispatch_uid="varsler.overleveringer")
