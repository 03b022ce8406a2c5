from datetime import date, timedelta

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from varsler.paaminnelser import planlegg
from varsler.services import foreldet_etter, paaminnelser_kjor


class Command(BaseCommand):
    help = ("Viser (--dry-run) eller sender påminnelsene som er forfalt på en dato (standard: i dag), "
            "og sender på nytt det som feilet (når ventetiden er ute) eller ble avbrutt av en kjøring som døde.")
    # A cron job: the system checks import every URLconf and with it the PDF stack (about 2 s),
    # none of which sending mail needs. `manage.py check` runs them at deploy.
    requires_system_checks = []

    def add_arguments(self, parser):
        parser.add_argument("--date", help="Dato som ÅÅÅÅ-MM-DD (standard: i dag).")
        parser.add_argument("--dry-run", action="store_true", help="Vis hva som ville blitt sendt, uten å sende.")
        parser.add_argument(
            "--stale-after", type=float, metavar="SEKUNDER",
            help=(f"Ta over påminnelser som har stått som «sendes» lenger enn dette, fordi kjøringen som tok "
                  f"dem døde (standard: {foreldet_etter().total_seconds():.0f}). Sett den bare lavt når ingen "
                  "annen kjøring kan være i gang: en levende kjøring kan ellers få en påminnelse tatt fra seg "
                  "og den sendes to ganger."))

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
        stale = options["stale_after"]
        if stale is not None and stale < 0:
            raise CommandError("--stale-after kan ikke være negativ.")
        res = paaminnelser_kjor(dato=dato, foreldet=timedelta(seconds=stale) if stale is not None else None)
        if res["tatt_over"]:
            self.stdout.write(f"{res['tatt_over']} påminnelse(r) som ble avbrutt under sending, er sendt på nytt "
                              "(kan ha kommet fram én gang før).")
        if res["nytt_forsok"]:
            self.stdout.write(f"{res['nytt_forsok']} påminnelse(r) som feilet tidligere, er prøvd på nytt.")
        if res["gitt_opp"]:
            self.stdout.write(f"{res['gitt_opp']} påminnelse(r) ble avbrutt ved hvert forsøk og er gitt opp.")
        self.stdout.write(f"{dato:%d.%m.%Y}: {res['planlagt']} planlagt, {res['sendt']} sendt, "
                          f"{res['feilet']} feilet, {res['bortfalt']} bortfalt.")
        if res["feilet"] or res["gitt_opp"]:
            raise CommandError("Noen påminnelser feilet; de prøves igjen ved neste kjøring (se påminnelsesloggen "
                               "i administrasjonen).")
