"""Render an agency's halvårs- or årsrapport to PDF, synchronously.

If the report exists it is rendered as stored (draft, sent or received). If it does not, it is
prefilled exactly as "Opprett rapport" would, rendered, and the prefill is rolled back: the
command never creates a report behind the agency's back.
"""

from __future__ import annotations

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from rapportering.models import Rapport, Type
from rapportering.pdf import bygg_rapport
from rapportering.services import rapport_forhaandsvis
from styring.models import Organisasjon, Rapporteringspunkt

TYPER = {"aar": Type.AARSRAPPORT, "halvaar": Type.HALVAARSRAPPORT}


class _Rollback(Exception):
    pass


class Command(BaseCommand):
    help = "Lager PDF av en virksomhets halvårs- eller årsrapport (finnes den ikke, forhåndsvises et utkast)."

    def add_arguments(self, parser):
        parser.add_argument("--virksomhet", required=True, help="Kortnavn, f.eks. IMDi.")
        parser.add_argument("--aar", required=True, type=int, help="Året rapporten gjelder, f.eks. 2024.")
        parser.add_argument("--type", required=True, help="aar (årsrapport) eller halvaar (halvårsrapport).")
        parser.add_argument("--out", required=True, help="Filen PDF-en skrives til.")
        parser.add_argument("--pdfa", action="store_true", help="PDF/A-2b for arkivet.")

    def handle(self, *args, virksomhet, aar, type, out, pdfa, **options):
        try:
            from dokumenter.render import render_pdf
        except ImportError as exc:
            raise CommandError("PDF-tjenesten (appen dokumenter) er ikke installert.") from exc
        rapport_type = TYPER.get(type)
        if rapport_type is None:
            raise CommandError(f"Ukjent rapporttype «{type}». Bruk «aar» (årsrapport) eller «halvaar» "
                               "(halvårsrapport).")
        org = Organisasjon.objects.filter(kortnavn__iexact=virksomhet, type=Organisasjon.Type.VIRKSOMHET).first()
        if org is None:
            raise CommandError(f"Fant ingen virksomhet med kortnavn «{virksomhet}».")
        rapport = Rapport.objects.filter(virksomhet=org, type=rapport_type, rapport_aar=aar).first()
        if rapport is not None:
            bygget = bygg_rapport(rapport)
            kilde = f"lagret rapport ({rapport.get_status_display().lower()})"
        else:
            punkt = (Rapporteringspunkt.objects.filter(tildelingsbrev__virksomhet=org, type=rapport_type, rapport_aar=aar)
                     .select_related("tildelingsbrev").order_by("-tildelingsbrev__aar").first())
            if punkt is None:
                raise CommandError(f"{org.kortnavn} har ingen {Type(rapport_type).label.lower()} for {aar} i "
                                   "rapporteringstabellen i noe tildelingsbrev.")
            bygget = None
            try:
                with transaction.atomic():
                    bygget = bygg_rapport(rapport_forhaandsvis(punkt=punkt))
                    raise _Rollback
            except _Rollback:
                pass
            kilde = "forhåndsvisning av utkast (ikke lagret)"
        pdf = render_pdf(bygget.html, variant="pdfa" if pdfa else "standard", tittel=bygget.tittel,
                         identifier=f"rapport-{org.kortnavn}-{rapport_type}-{aar}", base_url=bygget.base_url)
        path = Path(out)
        try:
            path.write_bytes(pdf)
        except OSError as exc:
            raise CommandError(f"Kunne ikke skrive {path}: {exc.strerror}.") from exc
        storrelse = f"{len(pdf):,}".replace(",", " ")
        self.stdout.write(f"{bygget.tittel}: {_sider(pdf)} sider, {storrelse} byte ({kilde}) → {path}")


def _sider(pdf: bytes) -> int:
    from io import BytesIO

    from pypdf import PdfReader

    return len(PdfReader(BytesIO(pdf)).pages)
