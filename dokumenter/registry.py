"""Which documents can be rendered to PDF: each kind names its model, how to build its HTML, and
which objects a user may see (the access gate every PDF view checks against the object).

Apps register their kinds from ``AppConfig.ready()``::

    registry.register("rapport", model="rapportering.Rapport", bygg=bygg_rapport,
                      synlige=lambda user: Rapport.objects.for_user(user))
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.apps import apps
from django.db.models import Model, QuerySet


@dataclass
class Bygget:
    """A document ready for WeasyPrint."""

    html: str  # complete HTML document with its own print CSS (@page A4 etc.)
    tittel: str  # document title (goes into the PDF metadata)
    filnavn: str  # download name, e.g. "tildelingsbrev-IMDi-2024.pdf"
    base_url: str | None = None


@dataclass
class Dokumenttype:
    kind: str  # "tildelingsbrev", "rapport"
    model: str  # "styring.Tildelingsbrev", "rapportering.Rapport"
    bygg: Callable[[Any], Bygget]  # obj -> Bygget
    synlige: Callable[[Any], QuerySet]  # user -> queryset of the objects the user may see
    # obj -> (tittel, filnavn) without building the document: what an order records before the
    # render (which builds the document) writes its own. Without it, an order builds the document.
    navn: Callable[[Any], tuple[str, str]] | None = None

    def navngi(self, obj) -> tuple[str, str]:
        if self.navn is not None:
            return self.navn(obj)
        bygget = self.bygg(obj)
        return bygget.tittel, bygget.filnavn

    def model_class(self) -> type[Model]:
        return apps.get_model(self.model)

    def hent(self, object_id: int) -> Model:
        """The object itself, without an access check (for tasks and commands)."""
        return self.model_class()._default_manager.get(pk=object_id)


class UkjentDokumenttype(KeyError):
    """No kind of that name is registered."""

    def __str__(self) -> str:
        return f"Ukjent dokumenttype «{self.args[0]}»."


_TYPER: dict[str, Dokumenttype] = {}


def register(kind: str, *, model: str, bygg: Callable[[Any], Bygget], synlige: Callable[[Any], QuerySet],
             navn: Callable[[Any], tuple[str, str]] | None = None) -> None:
    """Register (or re-register, e.g. on autoreload) a kind of document."""
    _TYPER[kind] = Dokumenttype(kind=kind, model=model, bygg=bygg, synlige=synlige, navn=navn)


def get(kind: str) -> Dokumenttype:
    try:
        return _TYPER[kind]
    except KeyError:
        raise UkjentDokumenttype(kind) from None


def kinds() -> list[str]:
    return sorted(_TYPER)
