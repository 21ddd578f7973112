/**
 * Metrics benchmarks against the real PostgreSQL (a fresh database, dropped at the end):
 *  1. ingestion points/s through POST /metrics from 8 concurrent writers, vs single-row INSERTs;
 *  2. GET /runs/:id/metrics on a run with 1,000,000 points downsampled to 1,000, vs fetching every point.
 * Run: node -r ./bench/platform/register.cjs bench/platform/metrics.bench.ts [--points 1000000]
 */
import { randomBytes } from 'node:crypto';
import request from 'supertest';
import { MetricsRepository } from '../../src/metrics/metrics.repository';
import { createTestApp, type TestApp } from '../../test/support/test-app';

const arg = (name: string, fallback: number): number => {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? Number(process.argv[i + 1]) : fallback;
};
const WRITERS = 8;
const BATCH = arg('batch', 5000);
const BATCHES_PER_WRITER = arg('batches', 10);
const BASELINE_POINTS = arg('baseline-points', 5000);
const BIG_RUN_POINTS = arg('points', 1_000_000);

function p50(samples: number[]): number {
  const sorted = [...samples].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)];
}

async function startedRun(t: TestApp, worker: string): Promise<{ id: string; token: string }> {
  const run = (await request(t.server).post('/api/v1/runs').set(t.auth()).send({ kind: 'diagnostics', spec: {} }).expect(201)).body as { id: string };
  const a = await request(t.server).post(`/api/v1/ingest/runs/${run.id}/attempts`).set(t.auth(worker)).send({ workerId: 'bench', hostname: 'h', device: 'cpu' }).expect(201);
  return { id: run.id, token: String(a.body.fencingToken) };
}

async function ingestion(t: TestApp, worker: string): Promise<[number, number]> {
  const runs = await Promise.all(Array.from({ length: WRITERS }, () => startedRun(t, worker)));
  const start = performance.now();
  await Promise.all(
    runs.map(async (run) => {
      for (let b = 0; b < BATCHES_PER_WRITER; b++) {
        const points = Array.from({ length: BATCH }, (_, i) => ({ key: i % 2 ? 'loss' : 'acc', step: b * BATCH + i, value: Math.random() }));
        await request(t.server).post(`/api/v1/ingest/runs/${run.id}/metrics`).set(t.auth(worker)).set('X-Graftwork-Fencing-Token', run.token).send({ points }).expect(200);
      }
    }),
  );
  const candidate = (WRITERS * BATCHES_PER_WRITER * BATCH) / ((performance.now() - start) / 1000);

  const base = await startedRun(t, worker);
  const ds = await t.db.connect();
  try {
    const s = performance.now();
    for (let i = 0; i < BASELINE_POINTS; i++) {
      await ds.query(`INSERT INTO metric_points (run_id, key, step, value) VALUES ($1, 'loss', $2, $3) ON CONFLICT DO NOTHING`, [base.id, i, Math.random()]);
    }
    return [BASELINE_POINTS / ((performance.now() - s) / 1000), candidate];
  } finally {
    await ds.destroy();
  }
}

async function downsampling(t: TestApp, worker: string): Promise<[number, number]> {
  const run = await startedRun(t, worker);
  const ds = await t.db.connect();
  try {
    // Bulk-load the big series in SQL (loading it is not what is measured), with its summary row.
    await ds.query(
      `INSERT INTO metric_points (run_id, key, step, value) SELECT $1, 'loss', s, sin(s / 1000.0) + CASE WHEN s = 777777 THEN 50 ELSE 0 END FROM generate_series(0, $2 - 1) s`,
      [run.id, BIG_RUN_POINTS],
    );
    await ds.query(
      `INSERT INTO run_metric_summaries (run_id, key, context_hash, context, count, min, max, first_step, last_step, last_value)
       SELECT run_id, key, context_hash, '{}', count(*), min(value), max(value), min(step), max(step), 0 FROM metric_points WHERE run_id = $1 GROUP BY 1, 2, 3`,
      [run.id],
    );
    // The rollups ingestion writes beside the points (same SQL as the migration's backfill).
    await ds.query(
      `INSERT INTO metric_rollups (run_id, key, context_hash, bucket, count, min, max, sum, first_step)
       SELECT run_id, key, context_hash, floor(step / 100.0)::bigint, count(*), min(value), max(value), sum(value), min(step)
       FROM metric_points WHERE run_id = $1 GROUP BY 1, 2, 3, 4`,
      [run.id],
    );
    await ds.query('VACUUM ANALYZE metric_points');
    await ds.query('VACUUM ANALYZE metric_rollups');
  } finally {
    await ds.destroy();
  }
  const down: number[] = [];
  for (let i = 0; i < 7; i++) {
    const s = performance.now();
    const res = await request(t.server).get(`/api/v1/runs/${run.id}/metrics?keys=loss&maxPoints=1000`).set(t.auth()).expect(200);
    down.push(performance.now() - s);
    const points = res.body.series[0].points as Array<{ max: number }>;
    if (points.length > 1000) throw new Error('downsampling returned too many points');
    if (Math.max(...points.map((p) => p.max)) < 40) throw new Error('downsampling lost the spike at step 777777');
  }
  const repo = t.app.get(MetricsRepository);
  const all: number[] = [];
  for (let i = 0; i < 3; i++) {
    const s = performance.now();
    const points = await repo.allPoints(run.id, 'loss');
    JSON.stringify(points); // what answering them would cost as well
    all.push(performance.now() - s);
  }
  return [p50(all), p50(down)];
}

async function main(): Promise<void> {
  const t = await createTestApp('bench_metrics', { QUEUE_PREFIX: `gwbench${randomBytes(3).toString('hex')}`, LOG_LEVEL: 'error', RATE_LIMIT_PER_MINUTE: '1000000' });
  try {
    const worker = (await t.keyFor('worker')).key;
    const [baseRate, rate] = await ingestion(t, worker);
    const [allMs, downMs] = await downsampling(t, worker);
    console.log('| benchmark | baseline | candidate | ratio |');
    console.log('| --- | --- | --- | --- |');
    console.log(`| metric ingestion, points/s (8 writers, batches of ${BATCH}) | ${baseRate.toFixed(0)} (single-row INSERTs) | ${rate.toFixed(0)} (POST /metrics) | ${(rate / baseRate).toFixed(1)}x |`);
    console.log(`| metrics query, ${BIG_RUN_POINTS} points → 1,000, p50 ms | ${allMs.toFixed(1)} (all points) | ${downMs.toFixed(1)} (downsampled in SQL from 100-step rollups) | ${(allMs / downMs).toFixed(1)}x faster |`);
  } finally {
    await t.close();
  }
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
