"""What an uploaded delivery must be before it is stored: a file of an allowed type whose content
matches its name, and, for Office and OpenDocument files (ZIP archives), one that does not expand
into something huge when opened (a "zip bomb": 1 MB that inflates to 1 GB of zeros).

An Office file is opened as ZIP and checked against the limits in settings:

- ``LEVERANSE_ZIP_MAKS_DELER``: entries in the archive;
- ``LEVERANSE_ZIP_MAKS_UTPAKKET_BYTE``: total expanded size;
- ``LEVERANSE_ZIP_MAKS_FORHOLD``: expanded/compressed ratio of one entry, once the entry is larger
  than ``LEVERANSE_ZIP_FORHOLD_FRA_BYTE`` (small XML parts compress very well and are harmless).

The sizes in the ZIP directory are checked first (cheap, refuses an honest bomb without inflating
anything). Then every entry is inflated in chunks and counted, so an archive that lies about its
sizes is refused too; the work is bounded by the limits, and a CRC error means a damaged file.

``kontroller_fil`` raises ``ValidationError`` with a Norwegian message; the form shows it next to
the file field and nothing is stored.
"""

from __future__ import annotations

import os
import zipfile

from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils.functional import lazy

# Allowed delivered documents: extension → how the content is checked.
TILLATTE_TYPER = {
    ".pdf": "pdf",
    ".docx": "ooxml",
    ".xlsx": "ooxml",
    ".pptx": "ooxml",
    ".odt": "odf",
    ".txt": "tekst",
    ".csv": "tekst",
}
TILLATTE_TEKST = "PDF, DOCX, XLSX, PPTX, ODT, TXT og CSV"
_BIT = 64 * 1024


def maks_tekst(maks: int) -> str:
    """25 MB, 1,5 MB; below a megabyte as the model formats sizes."""
    mb = maks / (1024 * 1024)
    if mb >= 1:
        return (f"{mb:.0f} MB" if mb == int(mb) else f"{mb:.1f} MB").replace(".", ",")
    from .models import format_storrelse

    return format_storrelse(maks)


def _ugyldig(ext: str) -> ValidationError:
    return ValidationError(f"Innholdet i filen er ikke en gyldig {ext[1:].upper()}-fil. "
                           "Kontroller at du har valgt riktig fil.", code="ugyldig_innhold")


def _for_stor_utpakket(maks: int) -> ValidationError:
    return ValidationError(
        f"Filen pakker seg ut til mer enn {maks_tekst(maks)} når den åpnes, og kan ikke lastes opp. Et vanlig "
        "dokument gjør ikke det. Lagre dokumentet på nytt (f.eks. uten innebygde filer) og prøv igjen.",
        code="zip_for_stor")


def _kontroller_zip(z: zipfile.ZipFile, ext: str) -> None:
    maks_deler = settings.LEVERANSE_ZIP_MAKS_DELER
    maks_utpakket = settings.LEVERANSE_ZIP_MAKS_UTPAKKET_BYTE
    maks_forhold = settings.LEVERANSE_ZIP_MAKS_FORHOLD
    forhold_fra = settings.LEVERANSE_ZIP_FORHOLD_FRA_BYTE
    deler = z.infolist()
    if len(deler) > maks_deler:
        raise ValidationError(f"Filen består av for mange deler ({len(deler)}; høyst {maks_deler} er tillatt) "
                              "og kan ikke lastes opp.", code="zip_for_mange")

    def for_komprimert(del_: zipfile.ZipInfo, storrelse: int) -> bool:
        return storrelse > forhold_fra and storrelse > maks_forhold * max(del_.compress_size, 1)

    # 1. What the archive says about itself.
    if sum(d.file_size for d in deler) > maks_utpakket:
        raise _for_stor_utpakket(maks_utpakket)
    for d in deler:
        if for_komprimert(d, d.file_size):
            raise ValidationError(
                f"Filen inneholder en del som er pakket uvanlig hardt sammen (mer enn {maks_forhold}:1) og kan "
                "ikke lastes opp. Lagre dokumentet på nytt og prøv igjen.", code="zip_forhold")
    # 2. What it really holds: inflate and count, never more than the limits.
    totalt = 0
    for d in deler:
        if d.is_dir():
            continue
        lest = 0
        with z.open(d) as innhold:
            while bit := innhold.read(_BIT):
                lest += len(bit)
                totalt += len(bit)
                if totalt > maks_utpakket:
                    raise _for_stor_utpakket(maks_utpakket)
                if lest > d.file_size or for_komprimert(d, lest):
                    raise _ugyldig(ext)


def _innhold_passer(fil, art: str, ext: str) -> bool:
    """Sniff the content: the extension alone proves nothing (a renamed .exe is still an .exe)."""
    fil.seek(0)
    start = fil.read(8192)
    fil.seek(0)
    if art == "pdf":
        return start.startswith(b"%PDF-")
    if art in ("ooxml", "odf"):
        if not start.startswith(b"PK\x03\x04"):
            return False
        try:
            with zipfile.ZipFile(fil) as z:
                navn = set(z.namelist())
                if art == "ooxml" and "[Content_Types].xml" not in navn:
                    return False
                if art == "odf" and not ("mimetype" in navn and z.getinfo("mimetype").file_size < 200
                                         and z.read("mimetype").startswith(b"application/vnd.oasis.opendocument")):
                    return False
                _kontroller_zip(z, ext)
        except (zipfile.BadZipFile, zipfile.LargeZipFile, NotImplementedError, EOFError, OSError, KeyError,
                ValueError):
            # Damaged, encrypted, an unknown compression method or a CRC error.
            return False
        finally:
            fil.seek(0)
        return True
    # Plain text: no NUL bytes and valid UTF-8 or Latin-1 text (the sample may cut a character).
    if b"\x00" in start:
        return False
    try:
        start.decode("utf-8")
    except UnicodeDecodeError as exc:
        if exc.start < len(start) - 3:
            try:
                start.decode("cp1252")
            except UnicodeDecodeError:
                return False
    return True


def kontroller_fil(fil) -> None:
    """Refuse a delivered file that is not what its name says, too large, or a zip bomb."""
    ext = os.path.splitext(fil.name)[1].lower()
    if ext not in TILLATTE_TYPER:
        vist = ext or "uten filendelse"
        raise ValidationError(f"Filtypen {vist} er ikke tillatt. Tillatte typer: {TILLATTE_TEKST}.", code="filtype")
    maks = settings.LEVERANSE_MAKS_BYTE
    if fil.size > maks:
        from .models import format_storrelse

        raise ValidationError(f"Filen er for stor ({format_storrelse(fil.size)}). "
                              f"Største tillatte størrelse er {maks_tekst(maks)}.", code="for_stor")
    if not _innhold_passer(fil, TILLATTE_TYPER[ext], ext):
        raise _ugyldig(ext)


def _hjelpetekst() -> str:
    return f"Tillatte typer: {TILLATTE_TEKST}. Største tillatte størrelse er {maks_tekst(settings.LEVERANSE_MAKS_BYTE)}."


class Opplastingsfelt(forms.FileField):
    """The file field of every upload form (an oppdrag's delivery, a meeting document, a reply letter
    to Riksrevisjonen): the allowed types and the size limit told under it (read when the page is
    drawn, so a changed limit shows), the file chooser filtered to those types, and the file checked
    by ``kontroller_fil`` when the form is cleaned."""

    default_error_messages = {"required": "Velg en fil å laste opp.", "empty": "Filen er tom.",
                              "invalid": "Ingen fil ble sendt. Velg filen på nytt."}

    def __init__(self, **kwargs):
        kwargs.setdefault("label", "Fil")
        kwargs.setdefault("help_text", lazy(_hjelpetekst, str)())
        super().__init__(**kwargs)
        self.widget.attrs["accept"] = ",".join(TILLATTE_TYPER)

    def clean(self, data, initial=None):
        fil = super().clean(data, initial)
        if fil:
            kontroller_fil(fil)  # type, size and content, and for Office files the ZIP limits
        return fil
