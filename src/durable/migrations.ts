/**
 * The coordinator's schema, as an append-only list: entry N is applied once, in order, when the
 * object starts. Never edit or reorder an entry that has shipped; add a new one.
 */
/** Seqs per list bucket (migration 9): a deep page skips fewer index entries than this. Fixed once shipped. */
export const LIST_BUCKET_SEQS = 512;

export const MIGRATIONS: readonly string[] = [
  `CREATE TABLE jobs (
     seq INTEGER PRIMARY KEY AUTOINCREMENT,
     id TEXT NOT NULL UNIQUE,
     type TEXT NOT NULL,
     priority_rank INTEGER NOT NULL CHECK (priority_rank BETWEEN 0 AND 3),
     state TEXT NOT NULL CHECK (state IN ('pending', 'running', 'completed', 'failed', 'cancelled')),
     attempt INTEGER NOT NULL DEFAULT 0,
     max_attempts INTEGER NOT NULL,
     lease_token TEXT,
     claimed INTEGER NOT NULL DEFAULT 0,
     lease_until_ms INTEGER,
     not_before_ms INTEGER NOT NULL DEFAULT 0,
     cancel_requested INTEGER NOT NULL DEFAULT 0,
     total_items INTEGER NOT NULL,
     processed_items INTEGER NOT NULL DEFAULT 0,
     failed_items INTEGER NOT NULL DEFAULT 0,
     speed REAL,
     checkpoint TEXT,
     estimated_ms INTEGER NOT NULL,
     estimated_memory INTEGER NOT NULL,
     error TEXT,
     result TEXT,
     created_ms INTEGER NOT NULL,
     started_ms INTEGER,
     run_started_ms INTEGER,
     last_progress_ms INTEGER,
     finished_ms INTEGER
   );
   CREATE INDEX jobs_ready ON jobs (priority_rank, seq) WHERE state = 'pending';
   CREATE INDEX jobs_state ON jobs (state, finished_ms);
   CREATE TABLE admissions (ts_ms INTEGER NOT NULL);
   CREATE INDEX admissions_ts ON admissions (ts_ms);
   CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);`,
  `CREATE TABLE idempotency_keys (
     key TEXT PRIMARY KEY,
     body_hash TEXT NOT NULL,
     job_id TEXT NOT NULL,
     created_ms INTEGER NOT NULL
   );
   CREATE INDEX idempotency_created ON idempotency_keys (created_ms);
   CREATE TABLE audit (
     seq INTEGER PRIMARY KEY AUTOINCREMENT,
     ts_ms INTEGER NOT NULL,
     job_id TEXT,
     action TEXT NOT NULL,
     actor TEXT NOT NULL,
     request_id TEXT,
     outcome TEXT NOT NULL,
     detail TEXT
   );
   CREATE INDEX audit_job ON audit (job_id, seq);
   CREATE INDEX audit_ts ON audit (ts_ms);`,
  // Each published state gets the next number: the SSE event id, for Last-Event-ID resumes.
  `ALTER TABLE jobs ADD COLUMN event_seq INTEGER NOT NULL DEFAULT 0;`,
  // Queue control: delayed runs, dependencies, retry links.
  `ALTER TABLE jobs ADD COLUMN scheduled_ms INTEGER;
   ALTER TABLE jobs ADD COLUMN retry_of TEXT;
   ALTER TABLE jobs ADD COLUMN retried_by TEXT;
   CREATE TABLE job_deps (
     job_id TEXT NOT NULL,
     depends_on TEXT NOT NULL,
     PRIMARY KEY (job_id, depends_on)
   );
   CREATE INDEX job_deps_reverse ON job_deps (depends_on);`,
  `ALTER TABLE jobs ADD COLUMN callback_url TEXT;
   CREATE TABLE webhooks (
     job_id TEXT PRIMARY KEY,
     attempts INTEGER NOT NULL DEFAULT 0,
     next_ms INTEGER NOT NULL,
     state TEXT NOT NULL CHECK (state IN ('pending', 'delivered', 'gave_up'))
   );
   CREATE INDEX webhooks_due ON webhooks (next_ms) WHERE state = 'pending';`,
  `CREATE TABLE schedules (
     id TEXT PRIMARY KEY,
     cron TEXT NOT NULL,
     timezone TEXT NOT NULL,
     job TEXT NOT NULL,
     next_ms INTEGER,
     created_ms INTEGER NOT NULL,
     last_fired_ms INTEGER,
     fired INTEGER NOT NULL DEFAULT 0,
     refused INTEGER NOT NULL DEFAULT 0
   );
   CREATE INDEX schedules_due ON schedules (next_ms);`,
  // States that say what a pending job waits for (src/core/job-states.ts). SQLite cannot change a
  // CHECK, so the table is rebuilt; pending rows split by what they wait on, and anything whose
  // time has come is promoted by the next dispatch.
  `CREATE TABLE jobs_v7 (
     seq INTEGER PRIMARY KEY AUTOINCREMENT,
     id TEXT NOT NULL UNIQUE,
     type TEXT NOT NULL,
     priority_rank INTEGER NOT NULL CHECK (priority_rank BETWEEN 0 AND 3),
     state TEXT NOT NULL CHECK (state IN ('scheduled', 'retrying', 'waiting', 'ready', 'running', 'completed', 'failed', 'cancelled')),
     attempt INTEGER NOT NULL DEFAULT 0,
     max_attempts INTEGER NOT NULL,
     lease_token TEXT,
     claimed INTEGER NOT NULL DEFAULT 0,
     lease_until_ms INTEGER,
     not_before_ms INTEGER NOT NULL DEFAULT 0,
     cancel_requested INTEGER NOT NULL DEFAULT 0,
     total_items INTEGER NOT NULL,
     processed_items INTEGER NOT NULL DEFAULT 0,
     failed_items INTEGER NOT NULL DEFAULT 0,
     speed REAL,
     checkpoint TEXT,
     estimated_ms INTEGER NOT NULL,
     estimated_memory INTEGER NOT NULL,
     error TEXT,
     result TEXT,
     created_ms INTEGER NOT NULL,
     started_ms INTEGER,
     run_started_ms INTEGER,
     last_progress_ms INTEGER,
     finished_ms INTEGER,
     event_seq INTEGER NOT NULL DEFAULT 0,
     scheduled_ms INTEGER,
     retry_of TEXT,
     retried_by TEXT,
     callback_url TEXT
   );
   INSERT INTO jobs_v7
     SELECT seq, id, type, priority_rank,
            CASE
              WHEN state != 'pending' THEN state
              WHEN not_before_ms > 0 AND attempt > 0 THEN 'retrying'
              WHEN not_before_ms > 0 THEN 'scheduled'
              WHEN EXISTS (SELECT 1 FROM job_deps d JOIN jobs dj ON dj.id = d.depends_on
                           WHERE d.job_id = jobs.id AND dj.state != 'completed') THEN 'waiting'
              ELSE 'ready'
            END,
            attempt, max_attempts, lease_token, claimed, lease_until_ms, not_before_ms, cancel_requested,
            total_items, processed_items, failed_items, speed, checkpoint, estimated_ms, estimated_memory,
            error, result, created_ms, started_ms, run_started_ms, last_progress_ms, finished_ms,
            event_seq, scheduled_ms, retry_of, retried_by, callback_url
     FROM jobs;
   DROP TABLE jobs;
   ALTER TABLE jobs_v7 RENAME TO jobs;
   CREATE INDEX jobs_ready ON jobs (priority_rank, seq) WHERE state = 'ready';
   CREATE INDEX jobs_state ON jobs (state, finished_ms);
   CREATE INDEX jobs_due ON jobs (not_before_ms) WHERE state IN ('scheduled', 'retrying');`,
  // Per-job overhead: small inputs kept beside the job (big ones wait for their R2 write before
  // they may start); counts kept by triggers so stats and list totals never recount the rows;
  // per-second admission counts so the rate windows never recount admissions; list indexes that
  // hold every filter column, so a page (however deep) is read from an index alone.
  `ALTER TABLE jobs ADD COLUMN input TEXT;
   ALTER TABLE jobs ADD COLUMN input_ready INTEGER NOT NULL DEFAULT 1;
   CREATE TABLE job_counts (
     type TEXT NOT NULL,
     priority_rank INTEGER NOT NULL,
     state TEXT NOT NULL,
     n INTEGER NOT NULL,
     PRIMARY KEY (type, priority_rank, state)
   ) WITHOUT ROWID;
   INSERT INTO job_counts (type, priority_rank, state, n) SELECT type, priority_rank, state, COUNT(*) FROM jobs GROUP BY 1, 2, 3;
   CREATE TABLE run_totals (k INTEGER PRIMARY KEY CHECK (k = 0), jobs INTEGER NOT NULL, busy_ms INTEGER NOT NULL);
   INSERT INTO run_totals (k, jobs, busy_ms)
     SELECT 0, COUNT(*), COALESCE(SUM(finished_ms - started_ms), 0) FROM jobs WHERE state = 'completed' AND started_ms IS NOT NULL;
   CREATE TABLE completions (minute INTEGER PRIMARY KEY, n INTEGER NOT NULL);
   INSERT INTO completions (minute, n) SELECT finished_ms / 60000, COUNT(*) FROM jobs WHERE state = 'completed' GROUP BY 1;
   CREATE TRIGGER jobs_counted AFTER INSERT ON jobs BEGIN
     INSERT INTO job_counts (type, priority_rank, state, n) VALUES (new.type, new.priority_rank, new.state, 1)
       ON CONFLICT DO UPDATE SET n = n + 1;
   END;
   CREATE TRIGGER jobs_recounted AFTER UPDATE OF state ON jobs WHEN old.state != new.state BEGIN
     UPDATE job_counts SET n = n - 1 WHERE type = old.type AND priority_rank = old.priority_rank AND state = old.state;
     INSERT INTO job_counts (type, priority_rank, state, n) VALUES (new.type, new.priority_rank, new.state, 1)
       ON CONFLICT DO UPDATE SET n = n + 1;
   END;
   CREATE TRIGGER jobs_completed AFTER UPDATE OF state ON jobs WHEN new.state = 'completed' AND old.state != 'completed' BEGIN
     INSERT INTO completions (minute, n) VALUES (new.finished_ms / 60000, 1) ON CONFLICT DO UPDATE SET n = n + 1;
     UPDATE run_totals SET jobs = jobs + 1, busy_ms = busy_ms + (new.finished_ms - new.started_ms) WHERE new.started_ms IS NOT NULL;
   END;
   CREATE TRIGGER jobs_uncounted AFTER DELETE ON jobs BEGIN
     UPDATE job_counts SET n = n - 1 WHERE type = old.type AND priority_rank = old.priority_rank AND state = old.state;
     UPDATE run_totals SET jobs = jobs - 1, busy_ms = busy_ms - (old.finished_ms - old.started_ms)
       WHERE old.state = 'completed' AND old.started_ms IS NOT NULL;
   END;
   CREATE TABLE admission_seconds (second INTEGER PRIMARY KEY, n INTEGER NOT NULL);
   INSERT INTO admission_seconds (second, n) SELECT ts_ms / 1000, COUNT(*) FROM admissions GROUP BY 1;
   DROP TABLE admissions;
   CREATE INDEX jobs_by_seq ON jobs (seq);
   CREATE INDEX jobs_by_state ON jobs (state, seq);
   CREATE INDEX jobs_by_type ON jobs (type, seq, state, priority_rank);
   CREATE INDEX jobs_by_priority ON jobs (priority_rank, seq, state, type);
   CREATE INDEX jobs_awaiting_input ON jobs (created_ms) WHERE input_ready = 0;`,
  // A tenant's kept jobs cost nothing per read (job-counts.ts, job-queries.ts):
  // - the public status as a column, and list indexes ending in seq: one per filter shape without
  //   status; every shape with status reads the one status × type × priority index, once per value
  //   of the columns it leaves out (an index holding status is rewritten on each state change, so
  //   there is one);
  // - how many jobs of each (status, type, priority) each run of LIST_BUCKET_SEQS seqs holds, so a
  //   deep page finds its bucket from these counts instead of stepping over every row before it;
  // - queue wait and run time histograms per completed minute and summed over the stats window,
  //   in bins about 19% wide (timing_bounds), so the percentiles never read job rows.
  `ALTER TABLE jobs ADD COLUMN status TEXT GENERATED ALWAYS AS
     (CASE WHEN state IN ('scheduled', 'retrying', 'waiting', 'ready') THEN 'pending' ELSE state END) VIRTUAL;
   DROP INDEX jobs_by_state;
   DROP INDEX jobs_by_type;
   DROP INDEX jobs_by_priority;
   CREATE INDEX jobs_by_type ON jobs (type, seq);
   CREATE INDEX jobs_by_priority ON jobs (priority_rank, seq);
   CREATE INDEX jobs_by_type_priority ON jobs (type, priority_rank, seq);
   CREATE INDEX jobs_by_status_type_priority ON jobs (status, type, priority_rank, seq);
   CREATE TABLE list_buckets (
     bucket INTEGER NOT NULL,
     status TEXT NOT NULL,
     type TEXT NOT NULL,
     priority_rank INTEGER NOT NULL,
     n INTEGER NOT NULL,
     PRIMARY KEY (bucket, status, type, priority_rank)
   ) WITHOUT ROWID;
   INSERT INTO list_buckets (bucket, status, type, priority_rank, n)
     SELECT seq / ${LIST_BUCKET_SEQS}, status, type, priority_rank, COUNT(*) FROM jobs GROUP BY 1, 2, 3, 4;
   CREATE TRIGGER jobs_placed AFTER INSERT ON jobs BEGIN
     INSERT INTO list_buckets (bucket, status, type, priority_rank, n) VALUES (new.seq / ${LIST_BUCKET_SEQS}, new.status, new.type, new.priority_rank, 1)
       ON CONFLICT DO UPDATE SET n = n + 1;
   END;
   CREATE TRIGGER jobs_replaced AFTER UPDATE OF state ON jobs WHEN old.status != new.status BEGIN
     UPDATE list_buckets SET n = n - 1
       WHERE bucket = old.seq / ${LIST_BUCKET_SEQS} AND status = old.status AND type = old.type AND priority_rank = old.priority_rank;
     INSERT INTO list_buckets (bucket, status, type, priority_rank, n) VALUES (new.seq / ${LIST_BUCKET_SEQS}, new.status, new.type, new.priority_rank, 1)
       ON CONFLICT DO UPDATE SET n = n + 1;
   END;
   CREATE TRIGGER jobs_unplaced AFTER DELETE ON jobs BEGIN
     UPDATE list_buckets SET n = n - 1
       WHERE bucket = old.seq / ${LIST_BUCKET_SEQS} AND status = old.status AND type = old.type AND priority_rank = old.priority_rank;
   END;
   CREATE TABLE timing_bounds (lo INTEGER PRIMARY KEY, hi INTEGER NOT NULL);
   INSERT INTO timing_bounds (lo, hi)
     WITH RECURSIVE steps(x) AS (SELECT 1.0 UNION ALL SELECT x * 1.189207115002721 FROM steps WHERE x < 1e12),
          edges(lo) AS (SELECT 0 UNION SELECT CAST(x AS INTEGER) FROM steps)
     SELECT lo, COALESCE(LEAD(lo) OVER (ORDER BY lo) - 1, 9007199254740991) FROM edges;
   CREATE TABLE timing_minutes (
     minute INTEGER NOT NULL,
     type TEXT NOT NULL,
     metric TEXT NOT NULL CHECK (metric IN ('wait', 'run')),
     lo INTEGER NOT NULL,
     n INTEGER NOT NULL,
     PRIMARY KEY (minute, type, metric, lo)
   ) WITHOUT ROWID;
   CREATE TABLE timing_window (
     type TEXT NOT NULL,
     metric TEXT NOT NULL,
     lo INTEGER NOT NULL,
     n INTEGER NOT NULL,
     PRIMARY KEY (type, metric, lo)
   ) WITHOUT ROWID;
   INSERT INTO timing_minutes (minute, type, metric, lo, n)
     SELECT minute, type, metric, (SELECT MAX(lo) FROM timing_bounds WHERE lo <= ms), COUNT(*) FROM (
       SELECT finished_ms / 60000 AS minute, type, 'wait' AS metric, MAX(0, started_ms - created_ms) AS ms FROM jobs
         WHERE state = 'completed' AND started_ms IS NOT NULL
       UNION ALL
       SELECT finished_ms / 60000, type, 'run', MAX(0, finished_ms - started_ms) FROM jobs
         WHERE state = 'completed' AND started_ms IS NOT NULL
     ) GROUP BY 1, 2, 3, 4;
   INSERT INTO timing_window (type, metric, lo, n) SELECT type, metric, lo, SUM(n) FROM timing_minutes GROUP BY 1, 2, 3;
   CREATE TRIGGER jobs_timed AFTER UPDATE OF state ON jobs
     WHEN new.state = 'completed' AND old.state != 'completed' AND new.started_ms IS NOT NULL BEGIN
     INSERT INTO timing_minutes (minute, type, metric, lo, n)
       VALUES (new.finished_ms / 60000, new.type, 'wait', (SELECT MAX(lo) FROM timing_bounds WHERE lo <= MAX(0, new.started_ms - new.created_ms)), 1)
       ON CONFLICT DO UPDATE SET n = n + 1;
     INSERT INTO timing_minutes (minute, type, metric, lo, n)
       VALUES (new.finished_ms / 60000, new.type, 'run', (SELECT MAX(lo) FROM timing_bounds WHERE lo <= MAX(0, new.finished_ms - new.started_ms)), 1)
       ON CONFLICT DO UPDATE SET n = n + 1;
     INSERT INTO timing_window (type, metric, lo, n)
       VALUES (new.type, 'wait', (SELECT MAX(lo) FROM timing_bounds WHERE lo <= MAX(0, new.started_ms - new.created_ms)), 1)
       ON CONFLICT DO UPDATE SET n = n + 1;
     INSERT INTO timing_window (type, metric, lo, n)
       VALUES (new.type, 'run', (SELECT MAX(lo) FROM timing_bounds WHERE lo <= MAX(0, new.finished_ms - new.started_ms)), 1)
       ON CONFLICT DO UPDATE SET n = n + 1;
   END;`,
];

/** Applies the entries of `migrations` not yet applied; any Durable Object's list works the same way. */
export function applyMigrations(sql: SqlStorage, migrations: readonly string[] = MIGRATIONS): void {
  sql.exec('CREATE TABLE IF NOT EXISTS _migrations (version INTEGER PRIMARY KEY, applied_ms INTEGER NOT NULL)');
  const row = sql.exec<{ v: number | null }>('SELECT MAX(version) AS v FROM _migrations').one();
  const applied = row.v ?? 0;
  for (let version = applied + 1; version <= migrations.length; version++) {
    const statement = migrations[version - 1];
    if (statement === undefined) break;
    sql.exec(statement);
    sql.exec('INSERT INTO _migrations (version, applied_ms) VALUES (?, ?)', version, Date.now());
  }
}
