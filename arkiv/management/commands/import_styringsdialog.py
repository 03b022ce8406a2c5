from django.core.management.base import BaseCommand

from arkiv.dialog_innlesing import import_styringsdialog
from arkiv.kommando import avvist, historikkbruker, les_arkivfil
from arkiv.skjema import ArkivFeil


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
        data = les_arkivfil(fil)
        user = historikkbruker(bruker)
        try:
            r = import_styringsdialog(data, user=user, opprett_brukere=opprett_brukere)
        except ArkivFeil as exc:
            raise avvist(exc) from exc
        melding = (f"Importerte styringsdialogen for {r.brev.virksomhet} {r.brev.aar}: {r.moter} møter, "
                   f"{r.risikovurderinger} risikovurderinger, {r.merknader} merknader fra Riksrevisjonen.")
        if r.brukere_opprettet:
            melding += f" Opprettet {len(r.brukere_opprettet)} brukere uten innlogging: {', '.join(r.brukere_opprettet)}."
        self.stdout.write(melding)
        for linje in r.merknader_til_bruker:
            self.stdout.write(f"Merk: {linje}")
