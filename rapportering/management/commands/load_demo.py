from django.core.management.base import BaseCommand

from rapportering.demo import load_demo


class Command(BaseCommand):
    help = "Laster demodata: IMDis tildelingsbrev for 2023 og 2024, instruksene og én bruker per rolle."

    def handle(self, *args, **options):
        load_demo(stdout=self.stdout)
        self.stdout.write("Demobrukerne og passordet: python manage.py demo_logins")
