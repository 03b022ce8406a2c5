from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from arkiv.dialog_innlesing import import_styringsdialog
from arkiv.skjema import ArkivFeil, les_json
from brukere.models import User


class Command(BaseCommand):
    help = ("Leser årets styringsdialog med en virksomhet fra en JSON-fil i arkivformatet (se docs/arkivformat.md). "
            "Årets tildelingsbrev må være lest inn først. Alt eller ingenting lagres.")

    def add_arguments(self, parser):
        parser.add_argument("fil", help="JSON-fil (styringsdialogen i arkivformatet).")
        parser.add_argument("--bruker", help="Brukernavn som registreres i historikken.")
        parser.add_argument("--opprett-brukere", action="store_true", dest="opprett_brukere",
                            help="Opprett personer filen nevner som ikke finnes i portalen, fra filens «personer», "
                                 "uten innlogging (inaktive, uten passord og rolle).")

    def handle(self, *args, fil: str, bruker: str | None = None, opprett_brukere: bool = False, **options):
        try:
            raw = Path(fil).read_bytes()
        except OSError as exc:
            raise CommandError(f"Kan ikke lese {fil}: {exc.strerror}.") from exc
        try:
            data = les_json(raw)
        except ArkivFeil as exc:
            raise CommandError(f"{fil}: {exc} Ingenting er lagret.") from exc
        user = None
        if bruker:
            user = User.objects.filter(username=bruker).first()
            if user is None:
                raise CommandError(f"Fant ikke brukeren «{bruker}». Ingenting er lagret.")
        try:
            r = import_styringsdialog(data, user=user, opprett_brukere=opprett_brukere)
        except ArkivFeil as exc:
            raise CommandError("Filen ble avvist, og ingenting er lagret:\n  " + "\n  ".join(exc.feil)) from exc
        melding = (f"Importerte styringsdialogen for {r.brev.virksomhet} {r.brev.aar}: {r.moter} møter, "
                   f"{r.risikovurderinger} risikovurderinger, {r.merknader} merknader fra Riksrevisjonen.")
        if r.brukere_opprettet:
            melding += f" Opprettet {len(r.brukere_opprettet)} brukere uten innlogging: {', '.join(r.brukere_opprettet)}."
        self.stdout.write(melding)
        for linje in r.merknader_til_bruker:
            self.stdout.write(f"Merk: {linje}")
