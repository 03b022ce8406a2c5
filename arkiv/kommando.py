"""What the archive commands share: the agency-and-year arguments of an export, and reading an
archive file and the acting user of an import, each refused with a Norwegian message."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import CommandError

from brukere.models import User

from .skjema import ArkivFeil, les_json


def virksomhet_og_aar(parser) -> None:
    parser.add_argument("--virksomhet", required=True, help="Virksomhetens kortnavn, f.eks. IMDi.")
    parser.add_argument("--aar", required=True, type=int, help="Budsjettåret, f.eks. 2024.")


def les_arkivfil(fil: str) -> Any:
    """The file's JSON; a file that cannot be read or is not JSON is refused before anything else."""
    try:
        raw = Path(fil).read_bytes()
    except OSError as exc:
        raise CommandError(f"Kan ikke lese {fil}: {exc.strerror}.") from exc
    try:
        return les_json(raw)
    except ArkivFeil as exc:
        raise CommandError(f"{fil}: {exc} Ingenting er lagret.") from exc


def historikkbruker(brukernavn: str | None) -> User | None:
    """The user --bruker names, recorded in the history; none given, none recorded."""
    if not brukernavn:
        return None
    user = User.objects.filter(username=brukernavn).first()
    if user is None:
        raise CommandError(f"Fant ikke brukeren «{brukernavn}». Ingenting er lagret.")
    return user


def avvist(exc: ArkivFeil) -> CommandError:
    return CommandError("Filen ble avvist, og ingenting er lagret:\n  " + "\n  ".join(exc.feil))
