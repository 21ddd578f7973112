import { randomBytes } from 'node:crypto';
import request from 'supertest';
import { Queue } from 'bullmq';
import { createTestApp, type TestApp } from './support/test-app';

const FENCE = 'X-Graftwork-Fencing-Token';

describe('runs pipeline (PostgreSQL + Redis)', () => {
  let t: TestApp;
  let worker: string;
  let viewer: string;
  const prefix = `gwtest${randomBytes(4).toString('hex')}`;

  beforeAll(async () => {
    t = await createTestApp('runs', { QUEUE_PREFIX: prefix, DISPATCH_INTERVAL_MS: '50', RECONCILE_INTERVAL_MS: '100000' });
    worker = (await t.keyFor('worker')).key;
    viewer = (await t.keyFor('viewer')).key;
  }, 60_000);
  afterAll(async () => {
    await t?.close();
  });

  async function count(table: string): Promise<number> {
    const ds = await t.db.connect();
    try {
      const rows = (await ds.query(`SELECT count(*)::int AS n FROM ${table}`)) as { n: number }[];
      return rows[0].n;
    } finally {
      await ds.destroy();
    }
  }

  async function createRun(spec: object = { steps: 5 }, extra: object = {}): Promise<{ id: string; status: string }> {
    const res = await request(t.server).post('/api/v1/runs').set(t.auth()).send({ kind: 'diagnostics', spec, ...extra }).expect(201);
    return res.body as { id: string; status: string };
  }

  async function startAttempt(runId: string, workerId = 'w-1'): Promise<{ fencingToken: number; attemptNumber: number; checkpoint: unknown }> {
    const res = await request(t.server)
      .post(`/api/v1/ingest/runs/${runId}/attempts`)
      .set(t.auth(worker))
      .send({ workerId, hostname: 'host', device: 'cpu' })
      .expect(201);
    return res.body as { fencingToken: number; attemptNumber: number; checkpoint: unknown };
  }

  it('rejects a bad spec naming the field, and writes nothing', async () => {
    const before = await count('runs');
    const res = await request(t.server).post('/api/v1/runs').set(t.auth()).send({ kind: 'diagnostics', spec: { steps: 0 } }).expect(400);
    expect(res.body).toMatchObject({ field: 'spec.steps' });
    expect(res.body.message).toContain('>= 1');
    const unknownKind = await request(t.server).post('/api/v1/runs').set(t.auth()).send({ kind: 'nope', spec: {} }).expect(400);
    expect(unknownKind.body.field).toBe('kind');
    const badRef = await request(t.server)
      .post('/api/v1/runs')
      .set(t.auth())
      .send({ kind: 'diagnostics', spec: {}, experimentId: '00000000-0000-4000-8000-000000000000' })
      .expect(400);
    expect(badRef.body.field).toBe('experimentId');
    expect(await count('runs')).toBe(before);
    expect(await count('outbox_events')).toBe(0);
  });

  it('creates a queued run and dispatches its job (job id = run id) through the outbox', async () => {
    const run = await createRun({ steps: 3 }, { tags: ['smoke'] });
    expect(run.status).toBe('queued');
    const queue = new Queue('diagnostics', { connection: { host: '127.0.0.1', port: 6379 }, prefix });
    try {
      let job = await queue.getJob(run.id);
      for (let i = 0; i < 50 && !job; i++) {
        await new Promise((r) => setTimeout(r, 20));
        job = await queue.getJob(run.id);
      }
      expect(job?.data).toMatchObject({ runId: run.id, kind: 'diagnostics', spec: { steps: 3 }, projectId: t.projectId });
    } finally {
      await queue.close();
    }
    const list = await request(t.server).get('/api/v1/runs?tags=smoke&status=queued').set(t.auth(viewer)).expect(200);
    expect(list.body).toMatchObject({ items: [expect.objectContaining({ id: run.id, status: 'queued', tags: ['smoke'] })] });
  });

  it('runs the worker protocol: attempts, metrics (idempotent, non-finite), stale tokens, result', async () => {
    const run = await createRun();
    const first = await startAttempt(run.id);
    expect(first).toMatchObject({ attemptNumber: 1, fencingToken: 1, checkpoint: null });
    const batch = {
      points: [
        { key: 'loss', step: 0, value: 2.5 },
        { key: 'loss', step: 1, value: 'NaN' },
        { key: 'loss', step: 2, value: 1.5 },
        { key: 'acc', step: 2, value: 0.5, context: { client: 7 } },
      ],
    };
    const path = `/api/v1/ingest/runs/${run.id}`;
    const ok = await request(t.server).post(`${path}/metrics`).set(t.auth(worker)).set(FENCE, '1').send(batch).expect(200);
    expect(ok.body).toEqual({ accepted: 4, duplicates: 0 });
    const again = await request(t.server).post(`${path}/metrics`).set(t.auth(worker)).set(FENCE, '1').send(batch).expect(200);
    expect(again.body).toEqual({ accepted: 0, duplicates: 4 });

    const summary = await request(t.server).get(`/api/v1/runs/${run.id}/metrics/summary`).set(t.auth(viewer)).expect(200);
    const loss = summary.body.summary.find((s: { key: string }) => s.key === 'loss');
    expect(loss).toMatchObject({ count: 3, min: 1.5, max: 'NaN', lastStep: 2, lastValue: 1.5 });

    // A second attempt takes over; the first one's writes are refused.
    const second = await startAttempt(run.id, 'w-2');
    expect(second.fencingToken).toBe(2);
    const stale = await request(t.server).post(`${path}/metrics`).set(t.auth(worker)).set(FENCE, '1').send(batch).expect(409);
    expect(stale.body.error).toBe('stale_attempt');
    await request(t.server).post(`${path}/heartbeat`).set(t.auth(worker)).set(FENCE, '1').send({}).expect(409);
    const beat = await request(t.server).post(`${path}/heartbeat`).set(t.auth(worker)).set(FENCE, '2').send({ progress: { fraction: 0.5, message: 'half' } }).expect(200);
    expect(beat.body).toEqual({ cancelRequested: false });

    const content = Buffer.from('weights');
    const artifact = await request(t.server)
      .put(`${path}/artifacts/model.safetensors?kind=model`)
      .set(t.auth(worker))
      .set(FENCE, '2')
      .set('Content-Type', 'application/octet-stream')
      .send(content)
      .expect(201);
    const download = await request(t.server).get(`/api/v1/artifacts/${artifact.body.id}/content`).set(t.auth(viewer)).buffer(true).parse((res, cb) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => cb(null, Buffer.concat(chunks)));
    });
    expect(Buffer.compare(download.body as Buffer, content)).toBe(0);

    const registered = await request(t.server)
      .post(`${path}/model-versions`)
      .set(t.auth(worker))
      .set(FENCE, '2')
      .send({ modelName: 'diag-mlp', artifactId: artifact.body.id, derivation: { method: 'diagnostics' }, architecture: { hidden: 8 } })
      .expect(201);
    const version = await request(t.server).get(`/api/v1/model-versions/${registered.body.id}`).set(t.auth(viewer)).expect(200);
    expect(version.body).toMatchObject({ id: registered.body.id, derivation: { method: 'diagnostics' } });

    const staleProgress = await request(t.server).post(`${path}/progress`).set(t.auth(worker)).set(FENCE, '1').send({ fraction: 1, message: 'x' }).expect(409);
    expect(staleProgress.body.error).toBe('stale_attempt');
    const badResult = await request(t.server).post(`${path}/result`).set(t.auth(worker)).set(FENCE, '2').send({ result: {} }).expect(400);
    expect(badResult.body.field).toBe('result.device');
    const attempts = await request(t.server).get(`/api/v1/runs/${run.id}/attempts`).set(t.auth(viewer)).expect(200);
    expect(attempts.body.map((a: { status: string }) => a.status)).toEqual(['superseded', 'running']);
  });

  it('retries a retryable failure, then fails with max_attempts', async () => {
    const run = await createRun({ steps: 2 }, { maxAttempts: 2, retryBackoffMs: 0 });
    const path = `/api/v1/ingest/runs/${run.id}`;
    const a1 = await startAttempt(run.id);
    const f1 = await request(t.server).post(`${path}/failure`).set(t.auth(worker)).set(FENCE, String(a1.fencingToken)).send({ reason: 'out_of_memory', message: 'oom', retryable: true }).expect(200);
    expect(f1.body).toEqual({ willRetry: true });
    const a2 = await startAttempt(run.id);
    const f2 = await request(t.server).post(`${path}/failure`).set(t.auth(worker)).set(FENCE, String(a2.fencingToken)).send({ reason: 'out_of_memory', message: 'oom', retryable: true }).expect(200);
    expect(f2.body).toEqual({ willRetry: false });
    const got = await request(t.server).get(`/api/v1/runs/${run.id}`).set(t.auth(viewer)).expect(200);
    expect(got.body).toMatchObject({ status: 'failed', reason: 'max_attempts' });
    await request(t.server).post(`${path}/attempts`).set(t.auth(worker)).send({ workerId: 'w', hostname: 'h', device: 'cpu' }).expect(409);
    const retried = await request(t.server).post(`/api/v1/runs/${run.id}/retry`).set(t.auth()).expect(200);
    expect(retried.body.status).toBe('queued');
  });

  it('cancels a queued run at once and a running one through cancelling', async () => {
    const queued = await createRun();
    const cancelled = await request(t.server).post(`/api/v1/runs/${queued.id}/cancel`).set(t.auth()).expect(200);
    expect(cancelled.body).toMatchObject({ status: 'cancelled', reason: 'user_cancelled' });
    await request(t.server).post(`/api/v1/ingest/runs/${queued.id}/attempts`).set(t.auth(worker)).send({ workerId: 'w', hostname: 'h', device: 'cpu' }).expect(409);

    const running = await createRun();
    const a = await startAttempt(running.id);
    const cancelling = await request(t.server).post(`/api/v1/runs/${running.id}/cancel`).set(t.auth()).expect(200);
    expect(cancelling.body.status).toBe('cancelling');
    const path = `/api/v1/ingest/runs/${running.id}`;
    const beat = await request(t.server).post(`${path}/heartbeat`).set(t.auth(worker)).set(FENCE, String(a.fencingToken)).send({}).expect(200);
    expect(beat.body.cancelRequested).toBe(true);
    await request(t.server).post(`${path}/cancelled`).set(t.auth(worker)).set(FENCE, String(a.fencingToken)).send({}).expect(200);
    const got = await request(t.server).get(`/api/v1/runs/${running.id}`).set(t.auth(viewer)).expect(200);
    expect(got.body).toMatchObject({ status: 'cancelled', reason: 'user_cancelled' });
    await request(t.server).post(`/api/v1/runs/${running.id}/cancel`).set(t.auth()).expect(409);
  });

  it('downsamples in SQL keeping each bucket min and max', async () => {
    const run = await createRun();
    const a = await startAttempt(run.id);
    const points = Array.from({ length: 2000 }, (_, step) => ({ key: 'loss', step, value: step === 1234 ? 99 : step === 777 ? -5 : 1 }));
    await request(t.server).post(`/api/v1/ingest/runs/${run.id}/metrics`).set(t.auth(worker)).set(FENCE, String(a.fencingToken)).send({ points }).expect(200);
    const res = await request(t.server).get(`/api/v1/runs/${run.id}/metrics?keys=loss&maxPoints=100`).set(t.auth(viewer)).expect(200);
    const series = res.body.series[0];
    expect(series).toMatchObject({ key: 'loss', count: 2000, downsampled: true });
    expect(series.points.length).toBeLessThanOrEqual(100);
    expect(Math.max(...series.points.map((p: { max: number }) => p.max))).toBe(99);
    expect(Math.min(...series.points.map((p: { min: number }) => p.min))).toBe(-5);
    await request(t.server).get(`/api/v1/runs/${run.id}/metrics?maxPoints=0`).set(t.auth(viewer)).expect(400);
  });

  it('answers wide buckets from the 100-step rollups exactly as a scan of every point would', async () => {
    const run = await createRun();
    const a = await startAttempt(run.id);
    const path = `/api/v1/ingest/runs/${run.id}/metrics`;
    // Steps start off the rollup grid (37) and arrive in two batches that share rollup buckets.
    const value = (step: number) => (step === 9_001 ? 1e6 : step === 4_321 ? -1e6 : Math.sin(step / 50));
    const steps = Array.from({ length: 20_000 }, (_, i) => 37 + i);
    for (const half of [steps.filter((x) => x % 2 === 0), steps.filter((x) => x % 2 === 1)]) {
      const points = half.map((step) => ({ key: 'loss', step, value: value(step) }));
      await request(t.server).post(path).set(t.auth(worker)).set(FENCE, String(a.fencingToken)).send({ points }).expect(200);
    }
    const maxPoints = 50;
    const res = await request(t.server).get(`/api/v1/runs/${run.id}/metrics?keys=loss&maxPoints=${maxPoints}`).set(t.auth(viewer)).expect(200);
    const series = res.body.series[0];
    expect(series.points.length).toBeLessThanOrEqual(maxPoints);
    // Brute force over the same grid: buckets of a multiple of 100 steps aligned at a multiple of 100.
    const base = Math.floor(37 / 100) * 100;
    const width = Math.ceil((steps[steps.length - 1] - base + 1) / maxPoints / 100) * 100;
    const expected = new Map<number, { step: number; n: number; min: number; max: number; sum: number }>();
    for (const step of steps) {
      const b = Math.floor((step - base) / width);
      const e = expected.get(b) ?? { step, n: 0, min: Infinity, max: -Infinity, sum: 0 };
      e.n += 1;
      e.min = Math.min(e.min, value(step));
      e.max = Math.max(e.max, value(step));
      e.sum += value(step);
      expected.set(b, e);
    }
    const want = [...expected.values()];
    expect(series.points.map((p: { step: number }) => p.step)).toEqual(want.map((e) => e.step));
    expect(series.points.map((p: { count: number }) => p.count)).toEqual(want.map((e) => e.n));
    expect(series.points.map((p: { min: number }) => p.min)).toEqual(want.map((e) => e.min));
    expect(series.points.map((p: { max: number }) => p.max)).toEqual(want.map((e) => e.max));
    series.points.forEach((p: { value: number }, i: number) => expect(p.value).toBeCloseTo(want[i].sum / want[i].n, 9));
  });
});
