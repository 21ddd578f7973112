/**
 * End to end for the two engines: `federated` and `scale` runs through the service,
 * PostgreSQL, Redis and the REAL Python worker on the CPU, at tiny sizes. The SCALE part
 * follows the protocol's lineage: a pretrain run registers a base model version, and a
 * continual SCALE-Route run expands it into a child version whose parent is the base.
 */
import type { ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import request from 'supertest';
import { createTestApp, type TestApp } from '../support/test-app';
import { startWorker, waitFor, workerInstalled } from '../support/worker-process';

const describeIfWorker = workerInstalled ? describe : describe.skip;
const TERMINAL = ['succeeded', 'failed', 'cancelled'];

const BIOGRAPHIES = { oldPeople: 40, newPeople: 16, biosPerPerson: 2, seqLen: 64, evalPeople: 16 };
const MODEL = { hiddenSize: 32, intermediateSize: 64, layers: 2, heads: 4, kvHeads: 2 };
const TRAINING = { steps: 12, batchSize: 8, learningRate: 0.003, warmupSteps: 2, evalEvery: 6, checkpointEvery: 0 };

describeIfWorker('engines end to end with the Python worker', () => {
  let t: TestApp;
  let stateDir: string;
  let worker: ChildProcess;
  const prefix = `gwe2eng${randomBytes(4).toString('hex')}`;

  beforeAll(async () => {
    stateDir = mkdtempSync(join(tmpdir(), 'gw-e2e-engines-'));
    t = await createTestApp('e2e_engines', { QUEUE_PREFIX: prefix, DISPATCH_INTERVAL_MS: '100' });
    const key = (await t.keyFor('worker')).key;
    worker = startWorker({ app: t, key, prefix, queues: 'scale,federated', stateDir, id: 'engines-w1' });
  }, 60_000);
  afterAll(async () => {
    worker?.kill('SIGKILL');
    await t?.close();
    rmSync(stateDir, { recursive: true, force: true });
  });

  const api = () => request(t.server);
  async function runToEnd(kind: string, spec: object): Promise<Record<string, any>> {
    const created = await api().post('/api/v1/runs').set(t.auth()).send({ kind, spec, maxAttempts: 1 }).expect(201);
    return waitFor(`${kind} run to finish`, async () => {
      const run = (await api().get(`/api/v1/runs/${created.body.id}`).set(t.auth()).expect(200)).body;
      return TERMINAL.includes(run.status) ? run : undefined;
    }, 300_000);
  }
  const artifactNames = async (runId: string) =>
    ((await api().get(`/api/v1/runs/${runId}/artifacts`).set(t.auth()).expect(200)).body.items as Array<{ name: string }>).map((a) => a.name);

  it('runs a federated FedAvg run to succeeded with per-round metrics and its model and grouping artifacts', async () => {
    const run = await runToEnd('federated', {
      algorithm: 'fedavg', builtin: 'synthetic',
      dataset: { syntheticAlpha: 0.5, syntheticBeta: 0.5, syntheticFeatures: 20, syntheticClasses: 5, syntheticSamples: 600 },
      partition: { kind: 'given' }, numClients: 12, clientsPerRound: 6, rounds: 4, localEpochs: 1, batchSize: 10, lr: 0.05,
    });
    expect(run.status).toBe('succeeded');
    const metrics = (await api().get(`/api/v1/runs/${run.id}/metrics?keys=accuracy,sim_time_s`).set(t.auth()).expect(200)).body.series as Array<{ key: string; points: unknown[] }>;
    expect(metrics.find((s) => s.key === 'accuracy')?.points).toHaveLength(4);
    expect(metrics.find((s) => s.key === 'sim_time_s')?.points).toHaveLength(4);
    expect(await artifactNames(run.id)).toEqual(expect.arrayContaining(['model-global.safetensors', 'federation.json']));
  }, 300_000);

  it('pretrains a base model, then expands it with SCALE-Route into a child model version whose parent is the base', async () => {
    const pretrain = await runToEnd('scale', { stage: 'pretrain', seed: 3, modelSize: MODEL, biographies: BIOGRAPHIES, training: TRAINING, modelName: 'e2e-bio' });
    expect(pretrain.status).toBe('succeeded');
    const base = pretrain.result.modelVersions[0];
    expect(base.parentVersionId).toBeNull();

    const continual = await runToEnd('scale', {
      stage: 'continual', seed: 3, modelVersionId: base.id, method: 'scale_route',
      methodOptions: { hidden: 16, heads: 2, kvHeads: 2, ffn: 32 },
      biographies: BIOGRAPHIES, training: { ...TRAINING, newLearningRate: 0.003 }, modelName: 'e2e-bio',
    });
    expect(continual.status).toBe('succeeded');
    const child = continual.result.modelVersions[0];
    expect(child.parentVersionId).toBe(base.id);
    expect(child.derivation.method).toBe('scale_route');
    const lineage = (await api().get(`/api/v1/model-versions/${child.id}/lineage`).set(t.auth()).expect(200)).body as Array<{ id: string }>;
    expect(lineage.map((v) => v.id)).toContain(base.id);
    const [row] = continual.result.table as Array<{ method: string; retentionBefore: number; retentionAfter: number }>;
    expect(row.method).toBe('scale_route');
    expect(row.retentionAfter).toBeGreaterThanOrEqual(0);
    const summary = (await api().get(`/api/v1/runs/${continual.id}/metrics/summary`).set(t.auth()).expect(200)).body.summary as Array<{ key: string }>;
    expect(summary.length).toBeGreaterThan(0);
  }, 600_000);
});
