import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { DataSource, EntityManager } from 'typeorm';
import type { MetricPointInput } from '../contracts/generated/ingestion/metrics-request';
import { type WireNumber, wireFromPgText } from './metric-value';

export interface BatchSeries {
  key: string;
  context: Record<string, unknown>;
  points: number;
  lastStep: number;
  lastValue: WireNumber;
}

export interface BatchOutcome {
  /** false: the fencing token is not the run's current one (or the run is not live); nothing was written. */
  fenced: boolean;
  accepted: number;
  series: BatchSeries[];
}

export interface SeriesPoint {
  step: number;
  value: WireNumber;
  min: WireNumber;
  max: WireNumber;
  count: number;
}

export interface Series {
  key: string;
  context: Record<string, unknown>;
  count: number;
  downsampled: boolean;
  points: SeriesPoint[];
}

export interface SummaryRow {
  key: string;
  context: Record<string, unknown>;
  count: number;
  min: WireNumber;
  max: WireNumber;
  lastStep: number;
  lastValue: WireNumber;
}

/** Steps per metric_rollups bucket (migrations/1764200000000-metric-rollups.ts). */
export const ROLLUP_STEPS = 100;

/**
 * One statement per batch: checks the attempt's fencing token (FOR SHARE, so a new
 * attempt's token bump waits for it), inserts every point with ON CONFLICT DO NOTHING
 * (idempotent on run, key, step, context), and folds only the newly inserted points into
 * the per-series summary and the 100-step rollups.
 */
const INSERT_BATCH = `
WITH guard AS (
  SELECT id FROM runs WHERE id = $1 AND fencing_token = $2 AND status IN ('running', 'cancelling') FOR SHARE
),
input AS (
  SELECT u.key, u.step, u.context, u.value, u.time
  FROM unnest($3::text[], $4::bigint[], $5::jsonb[], $6::float8[], $7::timestamptz[]) AS u(key, step, context, value, time)
  WHERE EXISTS (SELECT 1 FROM guard)
),
inserted AS (
  INSERT INTO metric_points (run_id, key, step, context, value, time)
  SELECT $1, key, step, context, value, coalesce(time, now()) FROM input
  ON CONFLICT DO NOTHING
  RETURNING key, step, context, context_hash, value
),
batch AS (
  SELECT key, context_hash, min(context::text)::jsonb AS context, count(*) AS n, min(value) AS lo, max(value) AS hi,
         min(step) AS first_step, max(step) AS last_step, (array_agg(value ORDER BY step DESC))[1] AS last_value
  FROM inserted GROUP BY key, context_hash
),
summary AS (
  INSERT INTO run_metric_summaries AS s (run_id, key, context_hash, context, count, min, max, first_step, last_step, last_value)
  SELECT $1, key, context_hash, context, n, lo, hi, first_step, last_step, last_value FROM batch
  ON CONFLICT (run_id, key, context_hash) DO UPDATE SET
    count = s.count + excluded.count,
    min = LEAST(s.min, excluded.min),
    max = GREATEST(s.max, excluded.max),
    first_step = LEAST(s.first_step, excluded.first_step),
    last_value = CASE WHEN excluded.last_step >= s.last_step THEN excluded.last_value ELSE s.last_value END,
    last_step = GREATEST(s.last_step, excluded.last_step),
    updated_at = now()
  RETURNING 1
),
-- Executed even though nothing below reads it (PostgreSQL runs every data-modifying CTE).
rollup AS (
  INSERT INTO metric_rollups AS r (run_id, key, context_hash, bucket, count, min, max, sum, first_step)
  SELECT $1, key, context_hash, floor(step / ${ROLLUP_STEPS}.0)::bigint, count(*), min(value), max(value), sum(value), min(step)
  FROM inserted GROUP BY key, context_hash, floor(step / ${ROLLUP_STEPS}.0)::bigint
  ON CONFLICT (run_id, key, context_hash, bucket) DO UPDATE SET
    count = r.count + excluded.count,
    min = LEAST(r.min, excluded.min),
    max = GREATEST(r.max, excluded.max),
    sum = r.sum + excluded.sum,
    first_step = LEAST(r.first_step, excluded.first_step)
  RETURNING 1
)
SELECT (SELECT count(*) FROM guard)::int AS fenced_ok,
       (SELECT count(*) FROM summary)::int AS touched,
       coalesce((SELECT json_agg(json_build_object('key', key, 'context', context, 'points', n,
                 'lastStep', last_step, 'lastValue', last_value::text)) FROM batch), '[]'::json) AS series`;

/**
 * Downsampling in SQL: each series' step range is cut into at most maxPoints buckets, and
 * each bucket answers its first step, mean, min and max, so a one-step spike still shows.
 * Series whose buckets span fewer than ROLLUP_STEPS steps read their points; wider ones
 * read the rollups, with chart buckets widened to a multiple of ROLLUP_STEPS and aligned
 * to the rollup grid so every rollup row lands in one chart bucket (min/max stay exact).
 */
const DOWNSAMPLE = `
WITH s AS (
  SELECT key, context_hash, context, count, first_step,
         GREATEST(1, ceil((last_step - first_step + 1)::numeric / $2))::bigint AS width,
         (floor(first_step / ${ROLLUP_STEPS}.0) * ${ROLLUP_STEPS})::bigint AS base,
         (ceil((last_step - floor(first_step / ${ROLLUP_STEPS}.0) * ${ROLLUP_STEPS} + 1)::numeric / $2 / ${ROLLUP_STEPS}) * ${ROLLUP_STEPS})::bigint AS rolled_width
  FROM run_metric_summaries
  WHERE run_id = $1 AND ($3::text[] IS NULL OR key = ANY($3)) AND ($4::jsonb IS NULL OR context_hash = md5($4::jsonb::text))
),
from_points AS (
  SELECT s.key, s.context_hash, s.context, s.count::float8 AS total, min(p.step)::float8 AS step, count(*)::int AS n,
         min(p.value) AS lo, max(p.value) AS hi, avg(p.value) AS mean
  FROM s JOIN metric_points p ON p.run_id = $1 AND p.key = s.key AND p.context_hash = s.context_hash
  WHERE s.width < ${ROLLUP_STEPS}
  GROUP BY s.key, s.context_hash, s.context, s.count, (p.step - s.first_step) / s.width
),
from_rollups AS (
  SELECT s.key, s.context_hash, s.context, s.count::float8 AS total, min(r.first_step)::float8 AS step, sum(r.count)::int AS n,
         min(r.min) AS lo, max(r.max) AS hi, sum(r.sum) / sum(r.count) AS mean
  FROM s JOIN metric_rollups r ON r.run_id = $1 AND r.key = s.key AND r.context_hash = s.context_hash
  WHERE s.width >= ${ROLLUP_STEPS}
  GROUP BY s.key, s.context_hash, s.context, s.count, (r.bucket * ${ROLLUP_STEPS} - s.base) / s.rolled_width
)
SELECT key, context, total, step, n, lo::text AS lo, hi::text AS hi, mean::text AS mean
FROM (SELECT * FROM from_points UNION ALL SELECT * FROM from_rollups) u
ORDER BY key, context_hash, step`;

@Injectable()
export class MetricsRepository {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  async insertBatch(m: EntityManager, runId: string, token: string, points: MetricPointInput[]): Promise<BatchOutcome> {
    const rows = (await m.query(INSERT_BATCH, [
      runId,
      token,
      points.map((p) => p.key),
      points.map((p) => p.step),
      points.map((p) => JSON.stringify(p.context ?? {})),
      points.map((p) => p.value),
      points.map((p) => p.time ?? null),
    ])) as { fenced_ok: number; series: Array<Omit<BatchSeries, 'lastValue'> & { lastValue: string }> }[];
    const row = rows[0];
    const series = row.series.map((s) => ({ ...s, points: Number(s.points), lastStep: Number(s.lastStep), lastValue: wireFromPgText(s.lastValue) }));
    return { fenced: row.fenced_ok === 1, accepted: series.reduce((n, s) => n + s.points, 0), series };
  }

  async downsample(runId: string, keys: string[] | null, context: Record<string, unknown> | null, maxPoints: number): Promise<Series[]> {
    const rows = (await this.dataSource.query(DOWNSAMPLE, [runId, maxPoints, keys, context === null ? null : JSON.stringify(context)])) as Array<{
      key: string;
      context: Record<string, unknown>;
      total: number;
      step: number;
      n: number;
      lo: string;
      hi: string;
      mean: string;
    }>;
    const out: Series[] = [];
    let current: Series | null = null;
    for (const r of rows) {
      if (!current || current.key !== r.key || JSON.stringify(current.context) !== JSON.stringify(r.context)) {
        current = { key: r.key, context: r.context, count: r.total, downsampled: false, points: [] };
        out.push(current);
      }
      if (r.n > 1) current.downsampled = true;
      current.points.push({ step: r.step, value: wireFromPgText(r.mean), min: wireFromPgText(r.lo), max: wireFromPgText(r.hi), count: r.n });
    }
    return out;
  }

  /** Every point of the series, no downsampling (the benchmark's baseline). */
  async allPoints(runId: string, key: string): Promise<Array<{ step: number; value: WireNumber }>> {
    const rows = (await this.dataSource.query(
      `SELECT step::float8 AS step, value::text AS value FROM metric_points WHERE run_id = $1 AND key = $2 ORDER BY step`,
      [runId, key],
    )) as Array<{ step: number; value: string }>;
    return rows.map((r) => ({ step: r.step, value: wireFromPgText(r.value) }));
  }

  async summaries(runId: string): Promise<SummaryRow[]> {
    const rows = (await this.dataSource.query(
      `SELECT key, context, count::float8 AS count, min::text AS min, max::text AS max, last_step::float8 AS last_step, last_value::text AS last_value
       FROM run_metric_summaries WHERE run_id = $1 ORDER BY key, context_hash`,
      [runId],
    )) as Array<{ key: string; context: Record<string, unknown>; count: number; min: string; max: string; last_step: number; last_value: string }>;
    return rows.map((r) => ({
      key: r.key,
      context: r.context,
      count: r.count,
      min: wireFromPgText(r.min),
      max: wireFromPgText(r.max),
      lastStep: r.last_step,
      lastValue: wireFromPgText(r.last_value),
    }));
  }
}
