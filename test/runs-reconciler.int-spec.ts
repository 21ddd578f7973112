import { randomBytes } from 'node:crypto';
import request from 'supertest';
import { Worker } from 'bullmq';
import { QueueWatcher } from '../src/reconciler/queue-watcher.service';
import { Reconciler } from '../src/reconciler/reconciler.service';
import { createTestApp, type TestApp } from './support/test-app';

const FENCE = 'X-Graftwork-Fencing-Token';
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('reconciler: silent workers, slow workers, failed queue jobs (PostgreSQL + Redis)', () => {
  let t: TestApp;
  let worker: string;
  let reconciler: Reconciler;
  const prefix = `gwtest${randomBytes(4).toString('hex')}`;

  beforeAll(async () => {
    // The timer is far away: each test runs reconcile passes by hand.
    t = await createTestApp('runs_reconciler', { QUEUE_PREFIX: prefix, HEARTBEAT_TIMEOUT_MS: '1000', RECONCILE_INTERVAL_MS: '3600000', DISPATCH_INTERVAL_MS: '50' });
    worker = (await t.keyFor('worker')).key;
    reconciler = t.app.get(Reconciler);
  }, 60_000);
  afterAll(async () => {
    await t?.close();
  });

  async function runWithAttempt(extra: object = {}): Promise<{ id: string; token: string }> {
    const run = (await request(t.server).post('/api/v1/runs').set(t.auth()).send({ kind: 'diagnostics', spec: {}, ...extra }).expect(201)).body as { id: string };
    const a = await request(t.server).post(`/api/v1/ingest/runs/${run.id}/attempts`).set(t.auth(worker)).send({ workerId: 'w', hostname: 'h', device: 'cpu' }).expect(201);
    return { id: run.id, token: String(a.body.fencingToken) };
  }
  const get = async (id: string) => (await request(t.server).get(`/api/v1/runs/${id}`).set(t.auth()).expect(200)).body as { status: string; reason: string | null };

  it('requeues a silent run, leaves a slow one that heartbeats alone, and fails when no attempts are left', async () => {
    const silent = await runWithAttempt({ maxAttempts: 2 });
    const slow = await runWithAttempt();
    const lastChance = await runWithAttempt({ maxAttempts: 1 });
    for (let i = 0; i < 3; i++) {
      await sleep(500);
      await request(t.server).post(`/api/v1/ingest/runs/${slow.id}/heartbeat`).set(t.auth(worker)).set(FENCE, slow.token).send({}).expect(200);
    }
    expect(await reconciler.reconcileOnce()).toBe(2);
    expect(await get(slow.id)).toMatchObject({ status: 'running' });
    expect(await get(silent.id)).toMatchObject({ status: 'queued', reason: null });
    expect(await get(lastChance.id)).toMatchObject({ status: 'failed', reason: 'worker_lost' });
    const attempts = await request(t.server).get(`/api/v1/runs/${silent.id}/attempts`).set(t.auth()).expect(200);
    expect(attempts.body[0]).toMatchObject({ status: 'lost', failureReason: 'worker_lost' });
    // The lost attempt's late writes are refused once a new attempt starts.
    const next = await request(t.server).post(`/api/v1/ingest/runs/${silent.id}/attempts`).set(t.auth(worker)).send({ workerId: 'w2', hostname: 'h', device: 'cpu' }).expect(201);
    expect(next.body.attemptNumber).toBe(2);
    const late = await request(t.server).post(`/api/v1/ingest/runs/${silent.id}/heartbeat`).set(t.auth(worker)).set(FENCE, silent.token).send({}).expect(409);
    expect(late.body.error).toBe('stale_attempt');
  });

  it('cancels a cancelling run whose worker went silent', async () => {
    const run = await runWithAttempt();
    await request(t.server).post(`/api/v1/runs/${run.id}/cancel`).set(t.auth()).expect(200);
    await sleep(1200);
    await reconciler.reconcileOnce();
    expect(await get(run.id)).toMatchObject({ status: 'cancelled', reason: 'user_cancelled' });
  });

  it('fails a queued run with dispatch_error when the queue gave up on its job before any attempt', async () => {
    const run = (await request(t.server).post('/api/v1/runs').set(t.auth()).send({ kind: 'diagnostics', spec: {}, maxAttempts: 1 }).expect(201)).body as { id: string };
    const failed = new Promise<void>((resolve) => {
      const w = new Worker(
        'diagnostics',
        async (job) => {
          if (job.id === run.id) throw new Error('no handler on this worker');
          await sleep(3_000); // other tests' runs: hold them briefly, never fail them
        },
        { connection: { host: '127.0.0.1', port: 6379 }, prefix, concurrency: 50 },
      );
      w.on('failed', (job) => {
        if (job?.id === run.id) void w.close(true).then(resolve);
      });
    });
    await failed;
    await t.app.get(QueueWatcher).onJobEvent({ kind: 'diagnostics', runId: run.id, event: 'failed' });
    expect(await get(run.id)).toMatchObject({ status: 'failed', reason: 'dispatch_error' });
  }, 20_000);
});
