from django.core.management.base import BaseCommand

from rapportering.demo import demo_logins


class Command(BaseCommand):
    help = "Skriver ut demobrukerne og passordet deres."

    def handle(self, *args, **options):
        self.stdout.write(demo_logins())
