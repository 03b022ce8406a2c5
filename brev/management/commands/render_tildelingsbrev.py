"""Render a tildelingsbrev to a PDF file synchronously (no Celery): for checks, archives and the bench."""

from __future__ import annotations

import time
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from brev.pdf import bygg_tildelingsbrev
from dokumenter.render import RenderFeil, render_pdf_med_sider
from dokumenter.services import innholdshash
from styring.models import Organisasjon, Tildelingsbrev


class Command(BaseCommand):
    help = "Lager PDF av et tildelingsbrev: --virksomhet IMDi --aar 2024 --out brev.pdf [--pdfa]"

    def add_arguments(self, parser):
        parser.add_argument("--virksomhet", required=True, help="Virksomhetens kortnavn, f.eks. IMDi.")
        parser.add_argument("--aar", required=True, type=int, help="Budsjettåret, f.eks. 2024.")
        parser.add_argument("--out", required=True, help="Filen PDF-en skrives til.")
        parser.add_argument("--pdfa", action="store_true", help="Lag arkivversjon (PDF/A-2b).")

    def handle(self, *args, virksomhet, aar, out, pdfa, **options):
        org = Organisasjon.objects.filter(kortnavn__iexact=virksomhet, type=Organisasjon.Type.VIRKSOMHET).first()
        if org is None:
            kjente = ", ".join(Organisasjon.objects.filter(type="virksomhet").values_list("kortnavn", flat=True))
            raise CommandError(f"Fant ingen virksomhet «{virksomhet}». Kjente virksomheter: {kjente or 'ingen'}.")
        brev = Tildelingsbrev.objects.filter(virksomhet=org, aar=aar).first()
        if brev is None:
            aar_liste = ", ".join(str(a) for a in org.tildelingsbrev.order_by("aar").values_list("aar", flat=True))
            raise CommandError(f"{org.kortnavn} har ikke noe tildelingsbrev for {aar}. "
                               f"Brev finnes for: {aar_liste or 'ingen år'}.")
        path = Path(out)
        if not path.parent.exists():
            raise CommandError(f"Mappen «{path.parent}» finnes ikke.")
        variant = "pdfa" if pdfa else "standard"
        t0 = time.perf_counter()
        bygget = bygg_tildelingsbrev(brev)
        hash_ = innholdshash(bygget.html, variant)
        try:
            rendret = render_pdf_med_sider(bygget.html, variant=variant, tittel=bygget.tittel,
                                           identifier=f"tildelingsbrev-{brev.pk}-{hash_[:16]}", base_url=bygget.base_url)
        except RenderFeil as exc:
            raise CommandError(str(exc)) from exc
        path.write_bytes(rendret.pdf)
        sekunder = time.perf_counter() - t0
        kb = round(len(rendret.pdf) / 1024)
        tid = f"{sekunder:.1f}".replace(".", ",")
        self.stdout.write(f"Skrev {path} ({'PDF/A-2b' if pdfa else 'vanlig PDF'}): {rendret.sider} sider, {kb} kB, "
                          f"laget på {tid} s.")
