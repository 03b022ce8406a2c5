"""Office uploads are opened as ZIP and checked before anything is stored: a zip bomb, an archive
of too many parts, one packed suspiciously hard, one that lies about its sizes and a non-ZIP file
named .docx are refused with a Norwegian message at the file field; a real small docx and xlsx
are accepted. Through the upload view, as the agency's user.

The 1 GB bomb is built as ZIP_DEFLATED data without spending a minute compressing a gigabyte:
deflate 1 MB of zeros once with a full flush (so the block does not depend on what came before)
and repeat that block 1024 times; the archive around it is written by hand, and zipfile reads it
as an ordinary archive that inflates to 1 GiB.
"""

from __future__ import annotations

import io
import re
import struct
import zipfile
import zlib
from pathlib import Path

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from openpyxl import Workbook

from oppdrag.models import Leveranse
from oppdrag.services import leveranse_create
from tests.factories import FristFactory, OppdragFactory, TildelingsbrevFactory, UserFactory

pytestmark = pytest.mark.django_db
MB = 1024 * 1024


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = str(tmp_path / "media")
    return Path(settings.MEDIA_ROOT)


@pytest.fixture
def oppdrag():
    o = OppdragFactory(tildelingsbrev=TildelingsbrevFactory(sendt_brev=True), tittel="Kartlegge tolkebehovet")
    FristFactory(oppdrag=o)
    return o


@pytest.fixture
def virk(client, oppdrag):
    bruker = UserFactory(organisasjon=oppdrag.virksomhet, rolle="virk_oppdragseier")
    client.force_login(bruker)
    return bruker


# --- building archives -----------------------------------------------------------------------------

def _null_deflatert(mb: int) -> tuple[bytes, int]:
    """Raw deflate data of ``mb`` MiB of zeros, and their CRC-32."""
    komp = zlib.compressobj(9, zlib.DEFLATED, -15)
    blokk = komp.compress(bytes(MB)) + komp.flush(zlib.Z_FULL_FLUSH)
    assert komp.compress(bytes(MB)) + komp.flush(zlib.Z_FULL_FLUSH) == blokk  # independent of history
    data = blokk * mb + komp.flush(zlib.Z_FINISH)
    crc = 0
    for _ in range(mb):
        crc = zlib.crc32(bytes(MB), crc)
    return data, crc


def _arkiv(deler: list[tuple[str, bytes, int, int, int | None]]) -> bytes:
    """A ZIP archive of (name, deflated data, crc, real size, size to declare or None for the real)."""
    ut, sentral = io.BytesIO(), io.BytesIO()
    for navn, data, crc, storrelse, oppgitt in deler:
        navn_b = navn.encode()
        oppgitt = storrelse if oppgitt is None else oppgitt
        offset = ut.tell()
        ut.write(struct.pack("<4s5H3L2H", b"PK\x03\x04", 20, 0, zipfile.ZIP_DEFLATED, 0, 0x21, crc, len(data),
                             oppgitt, len(navn_b), 0) + navn_b + data)
        sentral.write(struct.pack("<4s6H3L5H2L", b"PK\x01\x02", 20, 20, 0, zipfile.ZIP_DEFLATED, 0, 0x21, crc,
                                  len(data), oppgitt, len(navn_b), 0, 0, 0, 0, 0, offset) + navn_b)
    start = ut.tell()
    ut.write(sentral.getvalue())
    ut.write(struct.pack("<4s4H2LH", b"PK\x05\x06", 0, 0, len(deler), len(deler), len(sentral.getvalue()), start, 0))
    return ut.getvalue()


def _del(navn: str, innhold: bytes, oppgitt: int | None = None):
    komp = zlib.compressobj(6, zlib.DEFLATED, -15)
    return navn, komp.compress(innhold) + komp.flush(), zlib.crc32(innhold), len(innhold), oppgitt


def _null_del(navn: str, mb: int, oppgitt: int | None = None):
    data, crc = _null_deflatert(mb)
    return navn, data, crc, mb * MB, oppgitt


INNHOLDSTYPER = _del("[Content_Types].xml", b'<?xml version="1.0"?><Types xmlns="http://schemas.openxmlformats.org/'
                                            b'package/2006/content-types"/>')


def _ekte_docx() -> bytes:
    """A small Word document as Word writes one: content types, relationships, the document part."""
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("[Content_Types].xml", (
            '<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/'
            'content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.'
            'relationships+xml"/><Default Extension="xml" ContentType="application/xml"/><Override PartName="/word/'
            'document.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.document.main'
            '+xml"/></Types>'))
        z.writestr("_rels/.rels", (
            '<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/'
            '2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/'
            'relationships/officeDocument" Target="word/document.xml"/></Relationships>'))
        z.writestr("word/document.xml", (
            '<?xml version="1.0" encoding="UTF-8"?><w:document xmlns:w="http://schemas.openxmlformats.org/'
            'wordprocessingml/2006/main"><w:body><w:p><w:r><w:t>Sluttrapport for kartleggingen av tolkebehovet. '
            + "Ærlig talt, øvrige tall følger. " * 200 + '</w:t></w:r></w:p></w:body></w:document>'))
    return buf.getvalue()


def _last_opp(client, oppdrag, navn: str, innhold: bytes):
    fil = SimpleUploadedFile(navn, innhold)
    return client.post(reverse("oppdrag:leveranse-ny", args=[oppdrag.pk]),
                       {"leveranse-tittel": "Sluttrapport", "leveranse-type": "rapport", "leveranse-fil": fil})


def _avvist(response, media: Path, melding: str) -> None:
    assert response.status_code == 200
    side = response.content.decode().replace("\xa0", " ")
    ved_feltet = re.search(r'<ul class="errorlist" id="id_leveranse-fil_error">(.*?)</ul>', side, re.S)
    assert ved_feltet and melding in ved_feltet.group(1), side[:3000]
    assert not Leveranse.objects.exists()
    assert not [p for p in media.rglob("*") if p.is_file()], "ingenting skal være lagret"


# --- refused ---------------------------------------------------------------------------------------

def test_a_1_mb_docx_that_expands_to_1_gb_of_zeros_is_refused_and_nothing_is_stored(client, oppdrag, virk, media):
    bombe = _arkiv([INNHOLDSTYPER, _null_del("word/document.xml", 1024)])
    assert len(bombe) < 1.1 * MB
    with zipfile.ZipFile(io.BytesIO(bombe)) as z:  # an ordinary archive as zipfile sees it
        assert z.getinfo("word/document.xml").file_size == 1024 * MB
        assert z.getinfo("word/document.xml").compress_type == zipfile.ZIP_DEFLATED
        with z.open("word/document.xml") as f:
            assert f.read(MB) == bytes(MB)
    response = _last_opp(client, oppdrag, "rapport.docx", bombe)
    _avvist(response, media, "Filen pakker seg ut til mer enn 250 MB når den åpnes, og kan ikke lastes opp.")


def test_an_archive_packed_harder_than_the_ratio_is_refused(client, oppdrag, virk, media):
    # 20 MB of zeros is under the size limit, but no real document part compresses 1000:1.
    response = _last_opp(client, oppdrag, "tall.xlsx", _arkiv([INNHOLDSTYPER, _null_del("xl/sheet1.xml", 20)]))
    _avvist(response, media, "Filen inneholder en del som er pakket uvanlig hardt sammen (mer enn 100:1)")


def test_an_archive_that_lies_about_its_sizes_is_refused(client, oppdrag, virk, media):
    # Declares 4 kB where 20 MB inflate: reading stops at the declared size and the CRC fails.
    bombe = _arkiv([INNHOLDSTYPER, _null_del("ppt/slides/slide1.xml", 20, oppgitt=4096)])
    response = _last_opp(client, oppdrag, "lysark.pptx", bombe)
    _avvist(response, media, "Innholdet i filen er ikke en gyldig PPTX-fil.")


def test_an_archive_of_too_many_parts_is_refused(client, oppdrag, virk, media, settings):
    assert settings.LEVERANSE_ZIP_MAKS_DELER == 2000
    deler = [INNHOLDSTYPER] + [_del(f"word/media/del{i}.xml", b"<x/>") for i in range(2000)]
    response = _last_opp(client, oppdrag, "mange.docx", _arkiv(deler))
    _avvist(response, media, "Filen består av for mange deler (2001; høyst 2000 er tillatt)")


def test_the_limits_come_from_settings(client, oppdrag, virk, media, settings):
    settings.LEVERANSE_ZIP_MAKS_UTPAKKET_BYTE = 4 * 1024
    response = _last_opp(client, oppdrag, "notat.docx", _ekte_docx())
    _avvist(response, media, "Filen pakker seg ut til mer enn 4,0 kB når den åpnes")


@pytest.mark.parametrize("navn, innhold, melding", [
    ("rapport.docx", b"Dette er bare tekst, ikke et Word-dokument." * 100, "ikke en gyldig DOCX-fil"),
    ("rapport.docx", b"PK\x03\x04" + b"\x00" * 200, "ikke en gyldig DOCX-fil"),  # looks like ZIP, is not
    ("rapport.xlsx", _arkiv([_del("innhold.xml", b"<x/>")]), "ikke en gyldig XLSX-fil"),  # ZIP, not Office
])
def test_a_file_named_office_that_is_not_an_office_zip_is_refused(client, oppdrag, virk, media, navn, innhold,
                                                                   melding):
    _avvist(_last_opp(client, oppdrag, navn, innhold), media, melding)


def test_the_service_refuses_a_zip_bomb_too(oppdrag, virk, media):
    bombe = _arkiv([INNHOLDSTYPER, _null_del("word/document.xml", 300)])
    with pytest.raises(ValidationError, match="pakker seg ut"):
        leveranse_create(oppdrag=oppdrag, tittel="Bombe", type="rapport",
                         fil=SimpleUploadedFile("bombe.docx", bombe), acting_user=virk)
    assert not Leveranse.objects.exists()
    assert not [p for p in media.rglob("*") if p.is_file()]


# --- accepted --------------------------------------------------------------------------------------

def test_a_real_small_docx_is_accepted_and_stored(client, oppdrag, virk, media):
    innhold = _ekte_docx()
    response = _last_opp(client, oppdrag, "sluttrapport.docx", innhold)
    assert response.status_code == 302, response.content.decode()[:2000]
    leveranse = Leveranse.objects.get()
    assert leveranse.storrelse == len(innhold)
    with leveranse.fil.open("rb") as f:
        assert f.read() == innhold


def test_a_real_xlsx_from_openpyxl_is_accepted(client, oppdrag, virk, media):
    wb = Workbook()
    for i in range(1, 2001):
        wb.active.append([i, f"Kommune {i}", i * 1000])
    buf = io.BytesIO()
    wb.save(buf)
    assert _last_opp(client, oppdrag, "tall.xlsx", buf.getvalue()).status_code == 302
    assert Leveranse.objects.get().fil.name.endswith(".xlsx")
