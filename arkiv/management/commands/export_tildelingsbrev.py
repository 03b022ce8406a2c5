import json

from django.core.management.base import BaseCommand, CommandError

from arkiv.eksport import export_tildelingsbrev
from arkiv.kommando import virksomhet_og_aar
from styring.models import Tildelingsbrev


class Command(BaseCommand):
    help = "Skriver et tildelingsbrev som JSON (arkivformatet, se docs/arkivformat.md) til standard ut."

    def add_arguments(self, parser):
        virksomhet_og_aar(parser)

    def handle(self, *args, virksomhet: str, aar: int, **options):
        brev = Tildelingsbrev.objects.filter(virksomhet__kortnavn=virksomhet, aar=aar).first()
        if brev is None:
            raise CommandError(f"Fant ikke noe tildelingsbrev for {virksomhet} i {aar}.")
        self.stdout.write(json.dumps(export_tildelingsbrev(brev), ensure_ascii=False, indent=1))
