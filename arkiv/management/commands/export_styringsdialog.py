import json

from django.core.management.base import BaseCommand, CommandError

from arkiv.dialog_eksport import export_styringsdialog
from arkiv.kommando import virksomhet_og_aar
from styring.models import Tildelingsbrev


class Command(BaseCommand):
    help = ("Skriver årets styringsdialog med en virksomhet (møter, referater og vedtak, delte risikovurderinger, "
            "Riksrevisjonens merknader, fellesføringer) som JSON til standard ut (se docs/arkivformat.md).")

    def add_arguments(self, parser):
        virksomhet_og_aar(parser)

    def handle(self, *args, virksomhet: str, aar: int, **options):
        brev = Tildelingsbrev.objects.filter(virksomhet__kortnavn=virksomhet, aar=aar).first()
        if brev is None:
            raise CommandError(f"Fant ikke noe tildelingsbrev for {virksomhet} i {aar}; styringsdialogen for et år "
                               "hører til årets tildelingsbrev.")
        self.stdout.write(json.dumps(export_styringsdialog(brev), ensure_ascii=False, indent=1))
