#!/usr/bin/env bash
# Restore a backup made by deploy/backup.sh: the database with pg_restore, the media folder from
# the tar. docs/operations.md, *Backups*.
#
#   deploy/restore.sh [--compose] [--overskriv] BACKUP_DIR     (make restore BACKUP=... [COMPOSE=1] [OVERSKRIV=1])
#
# Without --compose: into DATABASE_URL (the database must exist; create it empty first) and
# MEDIA_ROOT (default var/media). With --compose: into the compose stack's db and media volume;
# stop web, worker and beat first (docker compose stop web worker beat).
# The sums in SHA256SUMS are checked first. A database that already has tables, or a media folder
# that already has files, is refused unless --overskriv is given: then the database's objects are
# dropped and replaced (--clean), and the files extracted over the folder (files that are not in the
# backup stay). The database is restored in one transaction: all of it or nothing.
set -euo pipefail

ROT="$(cd "$(dirname "$0")/.." && pwd)"
COMPOSE=""
OVERSKRIV=""
while [[ "${1:-}" == --* ]]; do
  case "$1" in
    --compose) COMPOSE=1 ;;
    --overskriv) OVERSKRIV=1 ;;
    *) echo "restore: ukjent valg $1" >&2; exit 2 ;;
  esac
  shift
done

feil() { echo "restore: $*" >&2; exit 1; }

KILDE="${1:-}"
[[ -n "$KILDE" ]] || feil "oppgi mappen med sikkerhetskopien: deploy/restore.sh [--compose] [--overskriv] MAPPE"
[[ -f "$KILDE/database.dump" && -f "$KILDE/SHA256SUMS" ]] || feil "$KILDE er ikke en sikkerhetskopi fra deploy/backup.sh"
(cd "$KILDE" && sha256sum --quiet -c SHA256SUMS) || feil "kontrollsummene i $KILDE/SHA256SUMS stemmer ikke"

if [[ -n "$COMPOSE" ]]; then
  psql_() { docker compose exec -T db sh -c 'psql -U "$POSTGRES_USER" -d "$POSTGRES_DB" "$@"' psql "$@"; }
  pg_restore_() { docker compose exec -T db sh -c 'pg_restore -U "$POSTGRES_USER" -d "$POSTGRES_DB" "$@"' pg_restore "$@"; }
  media_tom() { [[ -z "$(docker compose run --rm --no-deps -T web find /app/var/media -mindepth 1 -type f -print -quit)" ]]; }
  media_pakk_ut() { docker compose run --rm --no-deps -T web tar -C /app/var/media -xf - < "$1"; }
else
  [[ "${DATABASE_URL:-}" =~ ^postgres(ql)?:// ]] || feil "DATABASE_URL må peke på PostgreSQL (postgres://...), eller bruk --compose"
  command -v pg_restore >/dev/null || feil "pg_restore mangler (Debian: apt-get install postgresql-client)"
  MEDIA="${MEDIA_ROOT:-$ROT/var/media}"
  psql_() { psql -d "$DATABASE_URL" "$@"; }
  pg_restore_() { pg_restore -d "$DATABASE_URL" "$@"; }
  media_tom() { [[ ! -d "$MEDIA" || -z "$(find "$MEDIA" -mindepth 1 -type f -print -quit)" ]]; }
  media_pakk_ut() { mkdir -p "$MEDIA" && tar -C "$MEDIA" -xf "$1"; }
fi

TABELLER="$(psql_ -X -tAc "SELECT count(*) FROM pg_tables WHERE schemaname = 'public'")"
if [[ "$TABELLER" != "0" && -z "$OVERSKRIV" ]]; then
  feil "databasen har $TABELLER tabeller fra før; gjenopprett i en tom database, eller gi --overskriv"
fi
if [[ -f "$KILDE/media.tar" ]] && ! media_tom && [[ -z "$OVERSKRIV" ]]; then
  feil "mediemappen har filer fra før; gjenopprett i en tom mappe, eller gi --overskriv"
fi

VALG=(--no-owner --no-privileges --exit-on-error --single-transaction)
[[ "$TABELLER" != "0" ]] && VALG+=(--clean --if-exists)
pg_restore_ "${VALG[@]}" < "$KILDE/database.dump"
echo "Databasen er gjenopprettet fra $KILDE/database.dump."

if [[ -f "$KILDE/media.tar" ]]; then
  media_pakk_ut "$KILDE/media.tar"
  echo "Filene er gjenopprettet fra $KILDE/media.tar."
else
  echo "Ingen media.tar i $KILDE (filene lå i en bøtte): gjenopprett bøtta for seg."
fi
echo "Kjør migreringene om koden er nyere enn sikkerhetskopien: python manage.py migrate"
