"""Backup and restore, proven on PostgreSQL with the real scripts (deploy/backup.sh, deploy/restore.sh).

Everything runs in subprocesses against two databases of its own next to DATABASE_URL's (created
and dropped here, never the test database): the demo is loaded, PDFs are rendered through the
dokumenter service into a media folder, the backup is taken, restored into a fresh database and a
fresh folder, and then the archive export of every letter and every file must be identical.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import subprocess
import sys
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import pytest

ROT = Path(__file__).resolve().parent.parent


def _database_url(navn: str) -> str:
    deler = urlsplit(os.environ["DATABASE_URL"])
    return urlunsplit(deler._replace(path=f"/{navn}"))


def _psql(sql: str) -> None:
    subprocess.run(["psql", "-X", "-q", "-v", "ON_ERROR_STOP=1", "-d", _database_url("postgres"), "-c", sql],
                   check=True, capture_output=True, text=True, timeout=60)


@pytest.fixture
def databaser():
    url = os.environ.get("DATABASE_URL", "")
    if not url.startswith(("postgres://", "postgresql://")):
        pytest.skip("trenger DATABASE_URL mot PostgreSQL; i CI er dette en feil")
    for verktoy in ("pg_dump", "pg_restore", "psql"):
        if not shutil.which(verktoy):
            pytest.skip(f"{verktoy} mangler (postgresql-client); i CI er dette en feil")
    grunnavn = urlsplit(url).path.lstrip("/") or "styringsportalen"
    navn = (f"{grunnavn}_kopi_kilde", f"{grunnavn}_kopi_gjenopprettet")
    for n in navn:
        _psql(f'DROP DATABASE IF EXISTS "{n}" WITH (FORCE)')
        _psql(f'CREATE DATABASE "{n}"')
    yield tuple(_database_url(n) for n in navn)
    for n in navn:
        _psql(f'DROP DATABASE IF EXISTS "{n}" WITH (FORCE)')


def _miljo(database_url: str, media: Path) -> dict:
    miljo = {k: v for k, v in os.environ.items() if k not in ("LOG_FORMAT", "SENTRY_DSN", "AWS_STORAGE_BUCKET_NAME")}
    miljo.update(DATABASE_URL=database_url, MEDIA_ROOT=str(media), DJANGO_SETTINGS_MODULE="config.settings",
                 CELERY_TASK_ALWAYS_EAGER="1")  # the ordered PDFs render in the ordering process
    return miljo


def _kjor(args: list[str], miljo: dict, *, ok: bool = True) -> subprocess.CompletedProcess:
    ut = subprocess.run(args, cwd=ROT, env=miljo, capture_output=True, text=True, timeout=600)
    if ok:
        assert ut.returncode == 0, f"{args} feilet ({ut.returncode}):\n{ut.stdout[-3000:]}\n{ut.stderr[-3000:]}"
    return ut


def _manage(miljo: dict, *args: str) -> str:
    return _kjor([sys.executable, "manage.py", *args], miljo).stdout


BESTILL_PDF = """
import json
from brukere.models import User
from dokumenter.services import bestill_pdf
from styring.models import Tildelingsbrev
admin = User.objects.get(username="admin")
for brev, variant in [(Tildelingsbrev.objects.get(virksomhet__kortnavn="IMDi", aar=2024), "standard"),
                      (Tildelingsbrev.objects.get(virksomhet__kortnavn="IMDi", aar=2023), "pdfa")]:
    bestill_pdf(kind="tildelingsbrev", obj=brev, variant=variant, user=admin)
"""

# One process: the PDF rows, and `manage.py export_tildelingsbrev` of every letter in the database.
INNHOLD = """
import io, json
from django.core.management import call_command
from dokumenter.models import PdfDokument
from styring.models import Tildelingsbrev
eksport = {}
for brev in Tildelingsbrev.objects.select_related("virksomhet").order_by("virksomhet__kortnavn", "aar"):
    ut = io.StringIO()
    call_command("export_tildelingsbrev", "--virksomhet", brev.virksomhet.kortnavn, "--aar", str(brev.aar), stdout=ut)
    eksport[f"{brev.virksomhet.kortnavn} {brev.aar}"] = ut.getvalue()
print(json.dumps({
    "pdf": list(PdfDokument.objects.order_by("pk").values("pk", "status", "fil", "innholdshash", "storrelse")),
    "eksport": eksport,
}))
"""


def _innhold(miljo: dict) -> dict:
    """The PDF rows, and the archive export of every letter, as the database holds them."""
    return json.loads(_manage(miljo, "shell", "-c", INNHOLD).strip().splitlines()[-1])


def _filer(mappe: Path) -> dict[str, str]:
    return {str(f.relative_to(mappe)): hashlib.sha256(f.read_bytes()).hexdigest()
            for f in sorted(mappe.rglob("*")) if f.is_file()}


@pytest.mark.services
def test_sikkerhetskopi_gjenopprettes_likt(databaser, tmp_path):
    kilde_url, gjenopprettet_url = databaser
    media_kilde, media_gjenopprettet, kopi = tmp_path / "media", tmp_path / "media-gjenopprettet", tmp_path / "kopi"
    kilde = _miljo(kilde_url, media_kilde)
    gjenopprettet = _miljo(gjenopprettet_url, media_gjenopprettet)

    _manage(kilde, "migrate", "--noinput")
    _manage(kilde, "load_demo")
    _manage(kilde, "shell", "-c", BESTILL_PDF)
    for_ = _innhold(kilde)
    assert sorted(for_["eksport"]) == ["IMDi 2023", "IMDi 2024"]
    assert all('"IMDi"' in tekst for tekst in for_["eksport"].values())
    assert [r["status"] for r in for_["pdf"]] == ["klar", "klar"]
    filer_for = _filer(media_kilde)
    for rad in for_["pdf"]:
        pdf = media_kilde / rad["fil"]
        assert pdf.read_bytes().startswith(b"%PDF-") and pdf.stat().st_size == rad["storrelse"]

    _kjor(["bash", "deploy/backup.sh", str(kopi)], kilde)
    assert sorted(p.name for p in kopi.iterdir()) == ["INFO", "SHA256SUMS", "database.dump", "media.tar"]

    _kjor(["bash", "deploy/restore.sh", str(kopi)], gjenopprettet)
    _manage(gjenopprettet, "migrate", "--check")  # the migration history came along
    etter = _innhold(gjenopprettet)
    assert etter["eksport"] == for_["eksport"]
    assert etter["pdf"] == for_["pdf"]
    assert _filer(media_gjenopprettet) == filer_for  # every file, byte for byte
    for rad in etter["pdf"]:
        assert (media_gjenopprettet / rad["fil"]).read_bytes() == (media_kilde / rad["fil"]).read_bytes()

    # Restoring over a database with tables, or a folder with files, needs --overskriv.
    ut = _kjor(["bash", "deploy/restore.sh", str(kopi)], gjenopprettet, ok=False)
    assert ut.returncode != 0 and "har" in ut.stderr and "tabeller fra før" in ut.stderr
    _kjor(["bash", "deploy/restore.sh", "--overskriv", str(kopi)], gjenopprettet)
    assert _innhold(gjenopprettet) == etter

    # A damaged backup is refused before anything is touched.
    skadet = tmp_path / "skadet"
    shutil.copytree(kopi, skadet)
    with open(skadet / "media.tar", "r+b") as f:
        f.seek(700)
        f.write(b"X")
    ut = _kjor(["bash", "deploy/restore.sh", "--overskriv", str(skadet)], gjenopprettet, ok=False)
    assert ut.returncode != 0 and "kontrollsummene" in ut.stderr

    # backup.sh does not write over an existing backup.
    ut = _kjor(["bash", "deploy/backup.sh", str(kopi)], kilde, ok=False)
    assert ut.returncode != 0 and "finnes fra før" in ut.stderr


FALSK_DOCKER = r"""#!/usr/bin/env bash
# Stands in for the docker CLI: records each call and plays the containers' part.
printf '%s\n' "$*" >> "$LOGG"
case "$*" in
  "compose exec -T db pg_dump --version") echo "pg_dump (PostgreSQL) 15.99" ;;
  "compose exec -T db sh -c "*pg_dump*) printf 'DUMP-FRA-CONTAINEREN' ;;
  "compose exec -T db sh -c "*psql*) echo 0 ;;
  "compose exec -T db sh -c "*pg_restore*) cat > "$GJENOPPRETTET_DUMP" ;;
  "compose run --rm --no-deps -T web tar -C /app/var/media -cf - .") tar -C "$MEDIA_INN" -cf - . ;;
  "compose run --rm --no-deps -T web find "*) ;;
  "compose run --rm --no-deps -T web tar -C /app/var/media -xf -") tar -C "$MEDIA_UT" -xf - ;;
  *) echo "uventet kall: $*" >&2; exit 99 ;;
esac
"""


def test_compose_varianten_gaar_gjennom_containerne(tmp_path):
    """--compose runs pg_dump/psql/pg_restore in the db container and tar on the media volume, with
    the same files as the tested direct path (a stand-in docker CLI, no engine needed)."""
    bin_ = tmp_path / "bin"
    bin_.mkdir()
    (bin_ / "docker").write_text(FALSK_DOCKER)
    (bin_ / "docker").chmod(0o755)
    inn, ut = tmp_path / "inn", tmp_path / "ut"
    (inn / "pdf").mkdir(parents=True)
    (inn / "pdf" / "brev.pdf").write_bytes(b"%PDF-1.7 test")
    ut.mkdir()
    miljo = {**os.environ, "PATH": f"{bin_}:{os.environ['PATH']}", "LOGG": str(tmp_path / "kall.txt"),
             "MEDIA_INN": str(inn), "MEDIA_UT": str(ut), "GJENOPPRETTET_DUMP": str(tmp_path / "gjenopprettet.dump")}
    miljo.pop("DATABASE_URL", None)
    miljo.pop("AWS_STORAGE_BUCKET_NAME", None)
    kopi = tmp_path / "kopi"
    _kjor(["bash", "deploy/backup.sh", "--compose", str(kopi)], miljo)
    assert (kopi / "database.dump").read_bytes() == b"DUMP-FRA-CONTAINEREN"
    assert "pg_dump (PostgreSQL) 15.99" in (kopi / "INFO").read_text()
    _kjor(["bash", "deploy/restore.sh", "--compose", str(kopi)], miljo)
    assert (tmp_path / "gjenopprettet.dump").read_bytes() == b"DUMP-FRA-CONTAINEREN"
    assert (ut / "pdf" / "brev.pdf").read_bytes() == b"%PDF-1.7 test"
    kall = (tmp_path / "kall.txt").read_text()
    assert 'pg_dump -U "$POSTGRES_USER" -d "$POSTGRES_DB" -Fc --no-owner --no-privileges' in kall
    assert ("pg_restore -U \"$POSTGRES_USER\" -d \"$POSTGRES_DB\" \"$@\" pg_restore --no-owner --no-privileges "
            "--exit-on-error --single-transaction") in kall
