#!/usr/bin/env bash
# Back up Styringsportalen: the PostgreSQL database (pg_dump custom format) and the media folder
# (rendered PDFs, delivered documents) as a tar, with SHA-256 sums. docs/operations.md, *Backups*.
#
#   deploy/backup.sh [--compose] [TARGET_DIR]          (make backup [BACKUP_DIR=...] [COMPOSE=1])
#
# Without --compose: pg_dump on DATABASE_URL (postgres://...) and tar of MEDIA_ROOT (default var/media),
# with the client tools of this machine (pg_dump's major version must be at least the server's).
# With --compose: the same through the running compose stack (pg_dump in the db container, tar in a
# one-off web container on the media volume); run it from the folder of docker-compose.yml.
# TARGET_DIR defaults to var/backup/<UTC time>; it must not exist. Written to TARGET_DIR.tmp first and
# renamed when complete, so a TARGET_DIR that exists is a whole backup.
# With AWS_STORAGE_BUCKET_NAME set the files are in the bucket, not in a folder: no media.tar is
# written; back the bucket up with the provider's versioning or replication.
set -euo pipefail

ROT="$(cd "$(dirname "$0")/.." && pwd)"
COMPOSE=""
if [[ "${1:-}" == "--compose" ]]; then COMPOSE=1; shift; fi
MAL="${1:-$ROT/var/backup/$(date -u +%Y%m%dT%H%M%SZ)}"

feil() { echo "backup: $*" >&2; exit 1; }

[[ -e "$MAL" ]] && feil "$MAL finnes fra før; velg en ny mappe"
if [[ -z "$COMPOSE" ]]; then
  [[ "${DATABASE_URL:-}" =~ ^postgres(ql)?:// ]] || feil "DATABASE_URL må peke på PostgreSQL (postgres://...), eller bruk --compose"
  command -v pg_dump >/dev/null || feil "pg_dump mangler (Debian: apt-get install postgresql-client)"
  MEDIA="${MEDIA_ROOT:-$ROT/var/media}"
fi

ARBEID="$MAL.tmp"
rm -rf "$ARBEID"
mkdir -p "$ARBEID"
trap 'rm -rf "$ARBEID"' EXIT

# --no-owner/--no-privileges: the dump restores into any database, whoever owns it.
if [[ -n "$COMPOSE" ]]; then
  docker compose exec -T db sh -c 'pg_dump -U "$POSTGRES_USER" -d "$POSTGRES_DB" -Fc --no-owner --no-privileges' \
    > "$ARBEID/database.dump"
else
  pg_dump -d "$DATABASE_URL" -Fc --no-owner --no-privileges -f "$ARBEID/database.dump"
fi

if [[ -n "${AWS_STORAGE_BUCKET_NAME:-}" ]]; then
  echo "backup: AWS_STORAGE_BUCKET_NAME er satt: filene ligger i bøtta og tas ikke med her." >&2
elif [[ -n "$COMPOSE" ]]; then
  docker compose run --rm --no-deps -T web tar -C /app/var/media -cf - . > "$ARBEID/media.tar"
else
  mkdir -p "$MEDIA"
  tar -C "$MEDIA" -cf "$ARBEID/media.tar" .
fi

{
  echo "laget: $(date -u +%Y-%m-%dT%H:%M:%SZ)"
  echo "pg_dump: $(if [[ -n "$COMPOSE" ]]; then docker compose exec -T db pg_dump --version; else pg_dump --version; fi)"
  echo "filer: $(if [[ -f "$ARBEID/media.tar" ]]; then tar -tf "$ARBEID/media.tar" | grep -vc '/$' || true; else echo 'i bøtta'; fi)"
} > "$ARBEID/INFO"
(cd "$ARBEID" && sha256sum database.dump $( [[ -f media.tar ]] && echo media.tar ) INFO > SHA256SUMS)

mv "$ARBEID" "$MAL"
trap - EXIT
echo "Sikkerhetskopi skrevet til $MAL:"
(cd "$MAL" && ls -l)
