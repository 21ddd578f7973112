import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Runs pipeline: runs and their attempts, metric points with a per-run summary, artifacts,
 * the transactional outbox and the run event log (SSE / subscription replay).
 *
 * metric_points is keyed by (run_id, key, step, context_hash): the primary key is both the
 * idempotency check of the batch insert and the index the downsampling query scans.
 * context_hash is derived from the jsonb text, which PostgreSQL normalises (key order,
 * whitespace), so {"a":1,"b":2} and {"b":2,"a":1} are the same series.
 */
export class RunsSchema1764100000000 implements MigrationInterface {
  name = 'RunsSchema1764100000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE runs (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        project_id uuid NOT NULL REFERENCES projects(id) ON DELETE CASCADE,
        experiment_id uuid REFERENCES experiments(id) ON DELETE SET NULL,
        name text NOT NULL DEFAULT '',
        kind text NOT NULL,
        spec jsonb NOT NULL,
        tags text[] NOT NULL DEFAULT '{}',
        status text NOT NULL DEFAULT 'queued'
          CHECK (status IN ('queued', 'running', 'cancelling', 'succeeded', 'failed', 'cancelled')),
        reason text,
        message text,
        max_attempts integer NOT NULL DEFAULT 3 CHECK (max_attempts BETWEEN 1 AND 100),
        retry_backoff_ms integer NOT NULL DEFAULT 5000 CHECK (retry_backoff_ms >= 0),
        attempt_count integer NOT NULL DEFAULT 0,
        -- attempts before the latest user retry; the budget is max_attempts after it
        attempt_budget_base integer NOT NULL DEFAULT 0,
        fencing_token bigint NOT NULL DEFAULT 0,
        current_attempt_id uuid,
        last_heartbeat_at timestamptz,
        progress_fraction double precision,
        progress_message text,
        checkpoint_artifact_id uuid,
        checkpoint_step bigint,
        result jsonb,
        cancel_requested_at timestamptz,
        created_by_key_id uuid,
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now(),
        started_at timestamptz,
        ended_at timestamptz,
        CHECK ((status IN ('succeeded', 'failed', 'cancelled')) = (reason IS NOT NULL))
      )`);
    await q.query(`CREATE INDEX runs_page_idx ON runs (project_id, created_at DESC, id DESC)`);
    await q.query(`CREATE INDEX runs_experiment_idx ON runs (experiment_id, created_at DESC, id DESC)`);
    await q.query(`CREATE INDEX runs_tags_idx ON runs USING gin (tags)`);
    // The reconciler's scan: only live runs, by heartbeat age.
    await q.query(`CREATE INDEX runs_live_idx ON runs (last_heartbeat_at) WHERE status IN ('running', 'cancelling')`);

    await q.query(`
      CREATE TABLE run_attempts (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        run_id uuid NOT NULL REFERENCES runs(id) ON DELETE CASCADE,
        attempt_number integer NOT NULL CHECK (attempt_number > 0),
        fencing_token bigint NOT NULL,
        worker_id text NOT NULL,
        hostname text NOT NULL,
        device text NOT NULL,
        status text NOT NULL DEFAULT 'running'
          CHECK (status IN ('running', 'succeeded', 'failed', 'cancelled', 'lost', 'superseded')),
        resumed_from_artifact_id uuid,
        resumed_from_step bigint,
        failure_reason text,
        failure_message text,
        started_at timestamptz NOT NULL DEFAULT now(),
        ended_at timestamptz,
        UNIQUE (run_id, attempt_number),
        UNIQUE (run_id, fencing_token)
      )`);

    await q.query(`
      CREATE TABLE metric_points (
        run_id uuid NOT NULL REFERENCES runs(id) ON DELETE CASCADE,
        key text NOT NULL,
        step bigint NOT NULL,
        context jsonb NOT NULL DEFAULT '{}',
        context_hash text GENERATED ALWAYS AS (md5(context::text)) STORED,
        value double precision NOT NULL,
        time timestamptz NOT NULL DEFAULT now(),
        -- INCLUDE (value): the downsampling scan is served from the index alone
        PRIMARY KEY (run_id, key, step, context_hash) INCLUDE (value)
      )`);

    await q.query(`
      CREATE TABLE run_metric_summaries (
        run_id uuid NOT NULL REFERENCES runs(id) ON DELETE CASCADE,
        key text NOT NULL,
        context_hash text NOT NULL,
        context jsonb NOT NULL,
        count bigint NOT NULL,
        min double precision NOT NULL,
        max double precision NOT NULL,
        first_step bigint NOT NULL,
        last_step bigint NOT NULL,
        last_value double precision NOT NULL,
        updated_at timestamptz NOT NULL DEFAULT now(),
        PRIMARY KEY (run_id, key, context_hash)
      )`);

    await q.query(`
      CREATE TABLE artifacts (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        project_id uuid NOT NULL REFERENCES projects(id) ON DELETE CASCADE,
        run_id uuid NOT NULL REFERENCES runs(id) ON DELETE CASCADE,
        attempt_id uuid REFERENCES run_attempts(id) ON DELETE SET NULL,
        name text NOT NULL,
        kind text NOT NULL DEFAULT 'file',
        blob_key text NOT NULL,
        sha256 char(64) NOT NULL,
        bytes bigint NOT NULL CHECK (bytes >= 0),
        step bigint,
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now(),
        UNIQUE (run_id, name)
      )`);

    await q.query(`
      CREATE TABLE outbox_events (
        id bigserial PRIMARY KEY,
        topic text NOT NULL,
        run_id uuid REFERENCES runs(id) ON DELETE CASCADE,
        payload jsonb NOT NULL,
        available_at timestamptz NOT NULL DEFAULT now(),
        tries integer NOT NULL DEFAULT 0,
        last_error text,
        created_at timestamptz NOT NULL DEFAULT now(),
        sent_at timestamptz
      )`);
    await q.query(`CREATE INDEX outbox_pending_idx ON outbox_events (available_at, id) WHERE sent_at IS NULL`);

    await q.query(`
      CREATE TABLE run_events (
        id bigserial PRIMARY KEY,
        run_id uuid NOT NULL REFERENCES runs(id) ON DELETE CASCADE,
        type text NOT NULL CHECK (type IN ('status', 'progress', 'metrics', 'artifact')),
        data jsonb NOT NULL,
        at timestamptz NOT NULL DEFAULT now()
      )`);
    await q.query(`CREATE INDEX run_events_run_idx ON run_events (run_id, id)`);
  }

  async down(q: QueryRunner): Promise<void> {
    for (const table of ['run_events', 'outbox_events', 'artifacts', 'run_metric_summaries', 'metric_points', 'run_attempts', 'runs']) {
      await q.query(`DROP TABLE IF EXISTS ${table}`);
    }
  }
}
