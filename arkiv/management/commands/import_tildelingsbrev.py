import json
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from arkiv.innlesing import ArkivFeil, import_tildelingsbrev
from brukere.models import User


class Command(BaseCommand):
    help = "Leser et tildelingsbrev fra en JSON-fil i arkivformatet. Alt eller ingenting lagres."

    def add_arguments(self, parser):
        parser.add_argument("fil", help="JSON-fil (arkivformatet, se docs/arkivformat.md).")
        parser.add_argument("--bruker", help="Brukernavn som registreres i historikken.")

    def handle(self, *args, fil: str, bruker: str | None = None, **options):
        path = Path(fil)
        try:
            text = path.read_text(encoding="utf-8")
        except OSError as exc:
            raise CommandError(f"Kan ikke lese {fil}: {exc.strerror}.") from exc
        try:
            data = json.loads(text)
        except json.JSONDecodeError as exc:
            raise CommandError(f"{fil} er ikke gyldig JSON: {exc.msg} (linje {exc.lineno}, kolonne {exc.colno}). "
                               "Ingenting er lagret.") from exc
        user = None
        if bruker:
            user = User.objects.filter(username=bruker).first()
            if user is None:
                raise CommandError(f"Fant ikke brukeren «{bruker}». Ingenting er lagret.")
        try:
            brev = import_tildelingsbrev(data, user=user)
        except ArkivFeil as exc:
            raise CommandError("Filen ble avvist, og ingenting er lagret:\n  " + "\n  ".join(exc.feil)) from exc
        self.stdout.write(f"Importerte {brev}: {brev.maal.count()} mål, {brev.nye_oppdrag.count()} nye oppdrag.")
