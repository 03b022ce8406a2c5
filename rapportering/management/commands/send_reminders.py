from datetime import date

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from rapportering.paaminnelser import planlegg
from rapportering.services import paaminnelser_kjor, paaminnelser_rydd


class Command(BaseCommand):
    help = "Viser (--dry-run) eller sender påminnelsene som er forfalt på en dato (standard: i dag)."

    def add_arguments(self, parser):
        parser.add_argument("--date", help="Dato som ÅÅÅÅ-MM-DD (standard: i dag).")
        parser.add_argument("--dry-run", action="store_true", help="Vis hva som ville blitt sendt, uten å sende.")

    def handle(self, *args, **options):
        try:
            dato = date.fromisoformat(options["date"]) if options["date"] else timezone.localdate()
        except ValueError as exc:
            raise CommandError(f"Ugyldig dato «{options['date']}»: bruk formatet ÅÅÅÅ-MM-DD.") from exc
        if options["dry_run"]:
            planned = planlegg(dato)
            self.stdout.write(f"{len(planned)} påminnelse(r) ville blitt sendt {dato:%d.%m.%Y}:")
            for p in planned:
                self.stdout.write(f"  {p.mottaker.email:<32} {p.emne}")
            return
        stuck = paaminnelser_rydd()
        if stuck:
            self.stdout.write(f"{len(stuck)} påminnelse(r) som ble avbrutt under sending, sendes på nytt.")
        res = paaminnelser_kjor(dato=dato)
        self.stdout.write(f"{dato:%d.%m.%Y}: {res['planlagt']} planlagt, {res['sendt']} sendt, "
                          f"{res['feilet']} feilet, {res['bortfalt']} bortfalt.")
        if res["feilet"]:
            raise CommandError("Noen påminnelser feilet; se påminnelsesloggen i administrasjonen.")
