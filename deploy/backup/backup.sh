#!/bin/sh
# One dump of the database in pg_dump's custom format (restore with pg_restore), written to a
# temporary name first so a half-written file never looks like a backup; dumps older than
# BACKUP_KEEP_DAYS (default 14) are removed.
set -eu
export PGHOST="${POSTGRES_HOST:-db}" PGPORT="${POSTGRES_PORT:-5432}" PGUSER="${POSTGRES_USER}"
PGPASSWORD="$(cat "${POSTGRES_PASSWORD_FILE}")"
export PGPASSWORD
stamp="$(date -u +%Y-%m-%dT%H-%M-%SZ)"
target="/backups/${POSTGRES_DB}.${stamp}.dump"
pg_dump --format=custom --dbname="${POSTGRES_DB}" --file="${target}.partial"
mv "${target}.partial" "${target}"
find /backups -name "${POSTGRES_DB}.*.dump" -mtime +"${BACKUP_KEEP_DAYS:-14}" -delete
echo "backup written: ${target}"
