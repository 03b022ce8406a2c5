import json

from django.core.management.base import BaseCommand, CommandError

from arkiv.eksport import export_tildelingsbrev
from styring.models import Tildelingsbrev


class Command(BaseCommand):
    help = "Skriver et tildelingsbrev som JSON (arkivformatet, se docs/arkivformat.md) til standard ut."

    def add_arguments(self, parser):
        parser.add_argument("--virksomhet", required=True, help="Virksomhetens kortnavn, f.eks. IMDi.")
        parser.add_argument("--aar", required=True, type=int, help="Budsjettåret, f.eks. 2024.")

    def handle(self, *args, virksomhet: str, aar: int, **options):
        brev = Tildelingsbrev.objects.filter(virksomhet__kortnavn=virksomhet, aar=aar).first()
        if brev is None:
            raise CommandError(f"Fant ikke noe tildelingsbrev for {virksomhet} i {aar}.")
        self.stdout.write(json.dumps(export_tildelingsbrev(brev), ensure_ascii=False, indent=1))
