#!/usr/bin/env bash
# The documented backup and restore (README, "Backups"), tested: migrate and load the demo into a
# scratch database, pg_dump it, pg_restore into a fresh database, and compare the row count of
# every table. Usage: scripts/backup-roundtrip.sh postgres://user:pass@host:5432 (a role that may
# create databases). Leaves nothing behind.
set -euo pipefail
cd "$(dirname "$0")/.."
base="${1:?give the server URL, e.g. postgres://user:pass@127.0.0.1:5432}"
base="${base%/}"
src="coc_backup_source_$$"
dst="coc_backup_restored_$$"
dump="$(mktemp -d)/culture_of_care.dump"
PY="${PY:-.venv/bin/python}"

cleanup() {
  psql "$base/postgres" -qc "drop database if exists $src" >/dev/null 2>&1 || true
  psql "$base/postgres" -qc "drop database if exists $dst" >/dev/null 2>&1 || true
  rm -rf "$(dirname "$dump")"
}
trap cleanup EXIT

psql "$base/postgres" -qc "create database $src"
DEBUG=1 DATABASE_URL="$base/$src" "$PY" manage.py migrate --noinput -v0
DEBUG=1 DATABASE_URL="$base/$src" "$PY" manage.py seed_demo --if-empty >/dev/null

# The backup, exactly as the README documents it.
pg_dump --format=custom --no-owner --file="$dump" "$base/$src"
psql "$base/postgres" -qc "create database $dst"
pg_restore --no-owner --exit-on-error --dbname="$base/$dst" "$dump"

counts() {
  local tables
  tables=$(psql "$1" -Atc "select quote_ident(table_name) from information_schema.tables
                           where table_schema = 'public' and table_type = 'BASE TABLE'
                           order by table_name")
  for table in $tables; do
    echo "$table $(psql "$1" -Atc "select count(*) from $table")"
  done
}
counts "$base/$src" >"$dump.source"
counts "$base/$dst" >"$dump.restored"
if ! diff -u "$dump.source" "$dump.restored"; then
  echo "backup round trip: the restored database differs from the source" >&2
  exit 1
fi
rows=$(awk '{s += $2} END {print s}' "$dump.source")
echo "backup round trip: $(wc -l <"$dump.source") tables, $rows rows, identical after restore"
