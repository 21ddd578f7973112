import { randomBytes } from 'node:crypto';
import request from 'supertest';
import { createClient } from 'graphql-ws';
import WebSocket from 'ws';
import { createTestApp, type TestApp } from './support/test-app';

const FENCE = 'X-Graftwork-Fencing-Token';

describe('runs over GraphQL: mutations, field resolvers, runEvents subscription', () => {
  let t: TestApp;
  let worker: string;

  beforeAll(async () => {
    t = await createTestApp('runs_graphql', { QUEUE_PREFIX: `gwtest${randomBytes(4).toString('hex')}` });
    worker = (await t.keyFor('worker')).key;
  }, 60_000);
  afterAll(async () => {
    await t?.close();
  });

  const gql = async (query: string, variables: object = {}) => (await request(t.server).post('/graphql').set(t.auth()).send({ query, variables }).expect(200)).body;

  it('createRun names the bad field and writes nothing', async () => {
    const body = await gql('mutation($i: CreateRunInput!) { createRun(input: $i) { id } }', { i: { kind: 'diagnostics', spec: { steps: -1 } } });
    expect(body.errors[0].extensions).toMatchObject({ field: 'spec.steps' });
    const list = await gql('{ runs { items { id } } }');
    expect(list.data.runs.items).toEqual([]);
  });

  it('creates, follows with the subscription to succeeded, and reads attempts, metrics and artifacts', async () => {
    const created = await gql('mutation($i: CreateRunInput!) { createRun(input: $i) { id status } }', { i: { kind: 'diagnostics', spec: { steps: 2 }, tags: ['gql'] } });
    const runId = created.data.createRun.id as string;
    expect(created.data.createRun.status).toBe('queued');

    const client = createClient({ url: `${t.baseUrl.replace('http', 'ws')}/graphql`, webSocketImpl: WebSocket, connectionParams: { authorization: `Bearer ${t.adminKey}` } });
    const seen: Array<{ id: string; type: string; data: { status?: string } }> = [];
    const done = new Promise<void>((resolve, reject) => {
      client.subscribe(
        { query: 'subscription($r: ID!) { runEvents(runId: $r) { id type data } }', variables: { r: runId } },
        {
          next: (msg) => {
            const event = (msg.data as { runEvents: { id: string; type: string; data: { status?: string } } }).runEvents;
            seen.push(event);
            if (event.type === 'status' && event.data.status === 'succeeded') resolve();
          },
          error: reject,
          complete: () => undefined,
        },
      );
    });

    const path = `/api/v1/ingest/runs/${runId}`;
    const a = await request(t.server).post(`${path}/attempts`).set(t.auth(worker)).send({ workerId: 'w', hostname: 'h', device: 'cpu' }).expect(201);
    const token = String(a.body.fencingToken);
    await request(t.server).post(`${path}/metrics`).set(t.auth(worker)).set(FENCE, token).send({ points: [{ key: 'loss', step: 1, value: 'Infinity' }, { key: 'loss', step: 2, value: 0.25 }] }).expect(200);
    const art = await request(t.server).put(`${path}/artifacts/model.safetensors`).set(t.auth(worker)).set(FENCE, token).set('Content-Type', 'application/octet-stream').send(Buffer.from('abc')).expect(201);
    const result = {
      device: { type: 'cpu', name: 'cpu' },
      memory: { totalBytes: 1 },
      versions: { python: '3.11', torch: '2', numpy: '2' },
      matmul: { size: 16, dtype: 'float32', tflops: 0.1 },
      copy: { kind: 'memcpy', megabytes: 1, gbPerSecond: 'Infinity' },
      training: { steps: 2, finalLoss: 0.25, resumedFromStep: 0 },
      artifactId: art.body.id,
    };
    await request(t.server).post(`${path}/result`).set(t.auth(worker)).set(FENCE, token).send({ result }).expect(200);
    await request(t.server).post(`${path}/result`).set(t.auth(worker)).set(FENCE, token).send({ result }).expect(200); // idempotent
    await done;
    await client.dispose();
    expect(seen.map((e) => e.type)).toEqual(['status', 'status', 'metrics', 'artifact', 'status']);
    expect(seen.map((e) => e.data.status).filter(Boolean)).toEqual(['queued', 'running', 'succeeded']);

    const read = await gql(
      `query($id: ID!) { run(id: $id) { status reason attempts { attemptNumber status workerId } metricsSummary { key count max lastValue }
         metrics(keys: ["loss"], maxPoints: 10) { key points { step value } } artifacts { name sha256 bytes } } }`,
      { id: runId },
    );
    expect(read.errors).toBeUndefined();
    expect(read.data.run).toMatchObject({
      status: 'succeeded',
      reason: 'completed',
      attempts: [{ attemptNumber: 1, status: 'succeeded', workerId: 'w' }],
      metricsSummary: [{ key: 'loss', count: 2, max: 'Infinity', lastValue: 0.25 }],
      metrics: [{ key: 'loss', points: [{ step: 1, value: 'Infinity' }, { step: 2, value: 0.25 }] }],
      artifacts: [{ name: 'model.safetensors', sha256: art.body.sha256, bytes: 3 }],
    });
  }, 30_000);
});
