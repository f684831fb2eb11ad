#!/bin/sh
# Judge0 submission retention: deletes finished submissions older than RETENTION_DAYS, in batches
# of BATCH_SIZE rows (each its own transaction, so locks stay short), at most MAX_BATCHES per run.
# Connection from the libpq variables PGHOST, PGPORT, PGDATABASE, PGUSER, PGPASSWORD.
#   retention.sh [retention.sql]
set -eu
sql="${1:-$(dirname "$0")/retention.sql}"
for v in RETENTION_DAYS BATCH_SIZE MAX_BATCHES; do
  eval "val=\${$v:-}"
  case "$val" in
    '' | *[!0-9]*) echo "{\"level\":\"error\",\"msg\":\"$v must be a whole number\"}"; exit 2 ;;
  esac
done
total=0
batches=0
while [ "$batches" -lt "$MAX_BATCHES" ]; do
  n=$(psql -X -q -t -A -v ON_ERROR_STOP=1 -v retention_days="$RETENTION_DAYS" -v batch_size="$BATCH_SIZE" -f "$sql")
  batches=$((batches + 1))
  total=$((total + n))
  [ "$n" -gt 0 ] || break
done
echo "{\"level\":\"info\",\"msg\":\"retention done\",\"deleted\":$total,\"batches\":$batches,\"retention_days\":$RETENTION_DAYS}"
