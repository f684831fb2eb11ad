-- One bounded batch of Judge0's submission retention (run by retention.sh until a batch deletes
-- nothing). Judge0 1.13.1 never deletes submissions itself.
--   psql -v retention_days=N -v batch_size=N -f retention.sql   -> prints the rows deleted
-- Deleted: finished rows (status_id >= 3: accepted, wrong answer, TLE, compile/runtime errors,
-- internal error, exec format error) created more than retention_days ago. Rows in queue (1) or
-- processing (2) stay whatever their age. created_at is a Rails datetime, i.e. a timestamp
-- without time zone holding UTC, hence the comparison in UTC. The oldest ids first, through the
-- primary key (Judge0 has no index on status_id or created_at); SKIP LOCKED leaves rows a worker
-- is updating right now to the next run.
WITH doomed AS (
  SELECT id FROM submissions
  WHERE status_id >= 3
    AND created_at < (now() AT TIME ZONE 'UTC') - make_interval(days => :retention_days)
  ORDER BY id
  LIMIT :batch_size
  FOR UPDATE SKIP LOCKED
), gone AS (
  DELETE FROM submissions s USING doomed WHERE s.id = doomed.id RETURNING 1
)
SELECT count(*) FROM gone;
