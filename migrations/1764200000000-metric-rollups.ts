import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Per-series rollups of metric points in fixed buckets of 100 steps (count, min, max, sum,
 * first step), written in the same statement as the points. A chart of a run with a
 * million points then reads about 10,000 rollup rows instead of scanning every point;
 * buckets are aligned so each rollup row falls in exactly one chart bucket and min/max
 * stay exact. Existing points are folded in when the migration runs.
 */
export class MetricRollups1764200000000 implements MigrationInterface {
  name = 'MetricRollups1764200000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE metric_rollups (
        run_id uuid NOT NULL REFERENCES runs(id) ON DELETE CASCADE,
        key text NOT NULL,
        context_hash text NOT NULL,
        bucket bigint NOT NULL,
        count bigint NOT NULL,
        min double precision NOT NULL,
        max double precision NOT NULL,
        sum double precision NOT NULL,
        first_step bigint NOT NULL,
        PRIMARY KEY (run_id, key, context_hash, bucket)
      )`);
    await q.query(`
      INSERT INTO metric_rollups (run_id, key, context_hash, bucket, count, min, max, sum, first_step)
      SELECT run_id, key, context_hash, floor(step / 100.0)::bigint, count(*), min(value), max(value), sum(value), min(step)
      FROM metric_points GROUP BY run_id, key, context_hash, floor(step / 100.0)::bigint`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE metric_rollups`);
  }
}
