/**
 * End to end: the service (in-process), PostgreSQL, Redis and the REAL Python worker
 * (gpu-workers/.venv/bin/graftwork-worker) running `diagnostics` runs on the CPU.
 * Skipped with a message when the worker's virtual environment is missing.
 */
import type { ChildProcess } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import request from 'supertest';
import { createClient } from 'graphql-ws';
import WebSocket from 'ws';
import type { Server } from 'node:http';
import { createApp } from '../../src/app.factory';
import { createTestApp, type TestApp } from '../support/test-app';
import { startWorker as startWorkerProcess, waitFor, workerInstalled } from '../support/worker-process';

const describeIfWorker = workerInstalled ? describe : describe.skip;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describeIfWorker('platform end to end with the Python worker', () => {
  let t: TestApp;
  let workerKey: string;
  let stateDir: string;
  const prefix = `gwe2e${randomBytes(4).toString('hex')}`;
  const workers: ChildProcess[] = [];

  function startWorker(id: string): ChildProcess {
    const child = startWorkerProcess({ app: t, key: workerKey, prefix, queues: 'diagnostics', stateDir, id });
    workers.push(child);
    return child;
  }

  beforeAll(async () => {
    stateDir = mkdtempSync(join(tmpdir(), 'gw-e2e-'));
    t = await createTestApp('e2e', { QUEUE_PREFIX: prefix, HEARTBEAT_TIMEOUT_MS: '4000', RECONCILE_INTERVAL_MS: '500', DISPATCH_INTERVAL_MS: '100' });
    workerKey = (await t.keyFor('worker')).key;
  }, 60_000);
  afterAll(async () => {
    for (const w of workers) w.kill('SIGKILL');
    await t?.close();
    rmSync(stateDir, { recursive: true, force: true });
  });

  const gql = async (query: string, variables: object = {}) => {
    const body = (await request(t.server).post('/graphql').set(t.auth()).send({ query, variables }).expect(200)).body;
    expect(body.errors).toBeUndefined();
    return body.data;
  };
  const getRun = async (id: string) => (await request(t.server).get(`/api/v1/runs/${id}`).set(t.auth()).expect(200)).body;
  const createRun = async (spec: object, experimentId?: string) =>
    (
      await gql('mutation($i: CreateRunInput!) { createRun(input: $i) { id } }', {
        i: { kind: 'diagnostics', spec, experimentId, maxAttempts: 3, retryBackoffMs: 100 },
      })
    ).createRun.id as string;

  it('runs diagnostics to succeeded, followed over the subscription, with metrics and a checked safetensors artifact', async () => {
    startWorker('e2e-w1');
    const experiment = (await gql('mutation { createExperiment(input: { name: "e2e" }) { id } }')).createExperiment.id as string;
    const runId = await createRun({ steps: 12, batchSize: 8, hiddenSize: 8, matmulSize: 32, copyMB: 1, checkpointEverySteps: 4 }, experiment);
    const client = createClient({ url: `${t.baseUrl.replace('http', 'ws')}/graphql`, webSocketImpl: WebSocket, connectionParams: { authorization: `Bearer ${t.adminKey}` } });
    const statuses: string[] = [];
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`no terminal status; saw ${statuses.join(',')}`)), 120_000);
      client.subscribe(
        { query: 'subscription($r: ID!) { runEvents(runId: $r) { type data } }', variables: { r: runId } },
        {
          next: (msg) => {
            const e = (msg.data as { runEvents: { type: string; data: { status?: string } } }).runEvents;
            if (e.type !== 'status' || !e.data.status) return;
            statuses.push(e.data.status);
            if (['succeeded', 'failed', 'cancelled'].includes(e.data.status)) {
              clearTimeout(timer);
              resolve();
            }
          },
          error: reject,
          complete: () => undefined,
        },
      );
    });
    await client.dispose();
    expect(statuses[0]).toBe('queued');
    expect(statuses).toContain('running');
    expect(statuses[statuses.length - 1]).toBe('succeeded');
    const run = await getRun(runId);
    expect(run.result.training.steps).toBe(12);

    const summary = (await request(t.server).get(`/api/v1/runs/${runId}/metrics/summary`).set(t.auth()).expect(200)).body.summary as Array<{ key: string; count: number }>;
    expect(summary.length).toBeGreaterThan(0);
    const artifacts = (await request(t.server).get(`/api/v1/runs/${runId}/artifacts`).set(t.auth()).expect(200)).body.items as Array<{ id: string; name: string; sha256: string }>;
    const model = artifacts.find((a) => a.id === run.result.artifactId);
    expect(model?.name).toMatch(/\.safetensors$/);
    const bytes = (await request(t.server).get(`/api/v1/artifacts/${model!.id}/content`).set(t.auth()).buffer(true).parse((res, cb) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => cb(null, Buffer.concat(chunks)));
    })).body as Buffer;
    expect(createHash('sha256').update(bytes).digest('hex')).toBe(model!.sha256);
  }, 180_000);

  it('cancels a long run within a step or so', async () => {
    const runId = await createRun({ steps: 100000, batchSize: 4, hiddenSize: 4, matmulSize: 16, copyMB: 1, stepDelayMs: 50, checkpointEverySteps: 0 });
    await waitFor('running', async () => ((await getRun(runId)).status === 'running' ? true : undefined), 60_000);
    await sleep(500);
    const asked = Date.now();
    await request(t.server).post(`/api/v1/runs/${runId}/cancel`).set(t.auth()).expect(200);
    const run = await waitFor('cancelled', async () => {
      const r = await getRun(runId);
      return r.status === 'cancelled' ? r : undefined;
    }, 30_000);
    expect(run.reason).toBe('user_cancelled');
    console.log(`e2e: cancel acknowledged ${Date.now() - asked} ms after the request`);
  }, 120_000);

  it('resumes from the checkpoint on another worker after SIGKILL, without duplicate metric points', async () => {
    for (const w of workers) w.kill('SIGKILL');
    const first = startWorker('e2e-w2');
    const runId = await createRun({ steps: 60, batchSize: 4, hiddenSize: 4, matmulSize: 16, copyMB: 1, stepDelayMs: 100, checkpointEverySteps: 5 });
    await waitFor('a checkpoint', async () => ((await getRun(runId)).checkpoint?.step >= 10 ? true : undefined), 90_000);
    first.kill('SIGKILL');
    startWorker('e2e-w3');
    const run = await waitFor('succeeded', async () => {
      const r = await getRun(runId);
      return ['succeeded', 'failed'].includes(r.status) ? r : undefined;
    }, 120_000);
    expect(run.status).toBe('succeeded');
    const attempts = (await request(t.server).get(`/api/v1/runs/${runId}/attempts`).set(t.auth()).expect(200)).body as Array<{ resumedFrom: { step: number } | null }>;
    expect(attempts.length).toBeGreaterThanOrEqual(2);
    expect(attempts[attempts.length - 1].resumedFrom?.step).toBeGreaterThan(0);
    const ds = await t.db.connect();
    try {
      const dup = (await ds.query(
        `SELECT count(*)::int AS n FROM (SELECT key, step, context_hash FROM metric_points WHERE run_id = $1 GROUP BY 1, 2, 3 HAVING count(*) > 1) d`,
        [runId],
      )) as { n: number }[];
      expect(dup[0].n).toBe(0);
      const loss = (await ds.query(`SELECT count(*)::int AS n FROM metric_points WHERE run_id = $1 AND key = 'loss'`, [runId])) as { n: number }[];
      expect(loss[0].n).toBe(60); // every step once, including those redone after the resume
    } finally {
      await ds.destroy();
    }
  }, 240_000);

  it('loses nothing when the service stops mid-run and starts again', async () => {
    const runId = await createRun({ steps: 40, batchSize: 4, hiddenSize: 4, matmulSize: 16, copyMB: 1, stepDelayMs: 100, checkpointEverySteps: 5 });
    await waitFor('running', async () => ((await getRun(runId)).progress?.fraction > 0.1 ? true : undefined), 90_000);
    const port = Number(new URL(t.baseUrl).port);
    await t.app.close();
    await sleep(1500);
    // The same configuration and port: the worker keeps retrying (and spooling) meanwhile.
    const app = await createApp({ config: t.config, logger: false });
    await app.listen(port, '127.0.0.1');
    t.app = app;
    t.server = app.getHttpServer() as Server;
    const run = await waitFor('a terminal status', async () => {
      const r = await getRun(runId);
      return ['succeeded', 'failed', 'cancelled'].includes(r.status) ? r : undefined;
    }, 120_000);
    expect(run.status).toBe('succeeded');
    const ds = await t.db.connect();
    try {
      const loss = (await ds.query(`SELECT count(*)::int AS n FROM metric_points WHERE run_id = $1 AND key = 'loss'`, [runId])) as { n: number }[];
      expect(loss[0].n).toBe(40);
    } finally {
      await ds.destroy();
    }
  }, 240_000);
});
