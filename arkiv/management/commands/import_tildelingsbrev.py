from django.core.management.base import BaseCommand

from arkiv.innlesing import ArkivFeil, import_tildelingsbrev
from arkiv.kommando import avvist, historikkbruker, les_arkivfil


class Command(BaseCommand):
    help = "Leser et tildelingsbrev fra en JSON-fil i arkivformatet. Alt eller ingenting lagres."

    def add_arguments(self, parser):
        parser.add_argument("fil", help="JSON-fil (arkivformatet, se docs/arkivformat.md).")
        parser.add_argument("--bruker", help="Brukernavn som registreres i historikken.")
        parser.add_argument("--opprett-organisasjon", action="store_true", dest="opprett_organisasjon",
                            help="Opprett organisasjoner (virksomhet, departement, kopimottakere) som ikke finnes "
                                 "i portalen, med navn og type fra filens «organisasjoner».")

    def handle(self, *args, fil: str, bruker: str | None = None, opprett_organisasjon: bool = False, **options):
        data = les_arkivfil(fil)
        user = historikkbruker(bruker)
        try:
            brev = import_tildelingsbrev(data, user=user, opprett_organisasjoner=opprett_organisasjon)
        except ArkivFeil as exc:
            raise avvist(exc) from exc
        def oppdrag(n: int) -> str:
            return f"{n} {'nytt' if n == 1 else 'nye'} oppdrag"

        melding = (f"Importerte {brev}: {brev.maal.count()} mål, "
                   f"{oppdrag(brev.nye_oppdrag.filter(tillegg__isnull=True).count())}")
        for t in brev.tillegg.order_by("nummer"):
            melding += f", tillegg nr. {t.nummer} med {oppdrag(t.oppdrag.count())}"
        self.stdout.write(melding + ".")
