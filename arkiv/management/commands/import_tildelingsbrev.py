from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from arkiv.innlesing import ArkivFeil, import_tildelingsbrev
from arkiv.skjema import les_json
from brukere.models import User


class Command(BaseCommand):
    help = "Leser et tildelingsbrev fra en JSON-fil i arkivformatet. Alt eller ingenting lagres."

    def add_arguments(self, parser):
        parser.add_argument("fil", help="JSON-fil (arkivformatet, se docs/arkivformat.md).")
        parser.add_argument("--bruker", help="Brukernavn som registreres i historikken.")
        parser.add_argument("--opprett-organisasjon", action="store_true", dest="opprett_organisasjon",
                            help="Opprett organisasjoner (virksomhet, departement, kopimottakere) som ikke finnes "
                                 "i portalen, med navn og type fra filens «organisasjoner».")

    def handle(self, *args, fil: str, bruker: str | None = None, opprett_organisasjon: bool = False, **options):
        path = Path(fil)
        try:
            raw = path.read_bytes()
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
            brev = import_tildelingsbrev(data, user=user, opprett_organisasjoner=opprett_organisasjon)
        except ArkivFeil as exc:
            raise CommandError("Filen ble avvist, og ingenting er lagret:\n  " + "\n  ".join(exc.feil)) from exc
        def oppdrag(n: int) -> str:
            return f"{n} {'nytt' if n == 1 else 'nye'} oppdrag"

        melding = (f"Importerte {brev}: {brev.maal.count()} mål, "
                   f"{oppdrag(brev.nye_oppdrag.filter(tillegg__isnull=True).count())}")
        for t in brev.tillegg.order_by("nummer"):
            melding += f", tillegg nr. {t.nummer} med {oppdrag(t.oppdrag.count())}"
        self.stdout.write(melding + ".")
