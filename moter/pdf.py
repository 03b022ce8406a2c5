"""The approved minutes as a complete HTML document for PDF and PDF/A (WeasyPrint), registered with
the dokumenter app as kind "referat" (moter/apps.py). Only approved minutes are rendered: the
registry's gate for this kind lets nobody order a PDF of minutes still being written."""

from __future__ import annotations

from django.db.models import Prefetch
from django.template.loader import render_to_string

from dokumenter.registry import Bygget

from .models import Deltaker, Mote, Vedtak


def _lastet(mote: Mote) -> Mote:
    return (Mote.objects.select_related("tildelingsbrev__virksomhet", "tildelingsbrev__departement", "grunnlag",
                                        "referat__godkjent_departement_av", "referat__godkjent_virksomhet_av")
            .prefetch_related(Prefetch("deltakere", queryset=Deltaker.objects.select_related("bruker")), "saker",
                              Prefetch("vedtak", queryset=Vedtak.objects.select_related("ansvarlig", "oppdrag")),
                              "referat__merknader__skrevet_av", "vedlegg")
            .get(pk=mote.pk))


def navn_referat(mote: Mote) -> tuple[str, str]:
    """The PDF's title and download name, without building the minutes."""
    virksomhet = mote.tildelingsbrev.virksomhet
    return (f"Referat fra {mote.tittel.lower()} {mote.dato:%d.%m.%Y} – {virksomhet.navn}",
            f"referat-{virksomhet.kortnavn}-{mote.dato:%Y-%m-%d}.pdf")


def bygg_referat(mote: Mote) -> Bygget:
    mote = _lastet(mote)
    tittel, filnavn = navn_referat(mote)
    html = render_to_string("pdf/referat.html", {"mote": mote, "referat": mote.referat, "tittel": tittel,
                                                 "deltakere": list(mote.deltakere.all())})
    return Bygget(html=html, tittel=tittel, filnavn=filnavn)
