import request from 'supertest';
import WebSocket from 'ws';
import { createClient } from 'graphql-ws';
import { createTestApp, TestApp } from './support/test-app';

describe('authentication and authorization', () => {
  let t: TestApp;
  let datasetId: string;
  let versionId: string;

  beforeAll(async () => {
    t = await createTestApp('auth');
    datasetId = (await request(t.server).post('/api/v1/datasets').set(t.auth()).send({ name: 'private' }).expect(201)).body.id;
    versionId = (
      await request(t.server)
        .put(`/api/v1/datasets/${datasetId}/versions?format=text`)
        .set(t.auth())
        .set('Content-Type', 'application/octet-stream')
        .send(Buffer.from('hello'))
        .expect(200)
    ).body.id;
  });
  afterAll(async () => {
    await t?.close();
  });

  it('answers 401 without a key, on REST and GraphQL, but lets health through', async () => {
    const rest = await request(t.server).get('/api/v1/datasets').expect(401);
    expect(rest.body.error).toBe('unauthorized');
    const gql = await request(t.server).post('/graphql').send({ query: '{ project { id } }' }).expect(200);
    expect(gql.body.errors[0].extensions.code).toBe('unauthorized');
    await request(t.server).get('/health/live').expect(200);
    await request(t.server).get('/api/v1/datasets').set('Authorization', 'Bearer gw_000000000000_not-a-real-key').expect(401);
  });

  it('answers 401 once a key is revoked', async () => {
    const { key, id } = await t.keyFor('viewer');
    await request(t.server).get('/api/v1/datasets').set(t.auth(key)).expect(200);
    await request(t.server).delete(`/api/v1/api-keys/${id}`).set(t.auth()).expect(200);
    await request(t.server).get('/api/v1/datasets').set(t.auth(key)).expect(401);
  });

  it('shows a new key secret once and never lists it', async () => {
    const created = await request(t.server).post('/api/v1/api-keys').set(t.auth()).send({ name: 'ci', role: 'editor' }).expect(201);
    expect(created.body.secret).toMatch(/^gw_[0-9a-f]{12}_/);
    const listed = await request(t.server).get('/api/v1/api-keys').set(t.auth()).expect(200);
    const text = JSON.stringify(listed.body);
    expect(text).not.toContain(created.body.secret);
    expect(text).not.toContain('secretHash');
    expect(listed.body.map((k: { id: string }) => k.id)).toContain(created.body.apiKey.id);
  });

  it('answers 403 when a viewer creates things (REST and GraphQL) or an editor manages keys', async () => {
    const { key: viewer } = await t.keyFor('viewer');
    await request(t.server).get('/api/v1/datasets').set(t.auth(viewer)).expect(200);
    const rest = await request(t.server).post('/api/v1/datasets').set(t.auth(viewer)).send({ name: 'nope' }).expect(403);
    expect(rest.body.error).toBe('forbidden');
    const gql = await request(t.server).post('/graphql').set(t.auth(viewer)).send({ query: 'mutation { createExperiment(input: { name: "x" }) { id } }' });
    expect(gql.body.errors[0].extensions.code).toBe('forbidden');
    const { key: editor } = await t.keyFor('editor');
    await request(t.server).post('/api/v1/datasets').set(t.auth(editor)).send({ name: 'by-editor' }).expect(201);
    await request(t.server).get('/api/v1/api-keys').set(t.auth(editor)).expect(403);
  });

  it("answers 404 for another project's ids, never revealing they exist", async () => {
    const { key: other } = await t.keyFor('admin', 'other-project');
    const res = await request(t.server).get(`/api/v1/datasets/${datasetId}`).set(t.auth(other)).expect(404);
    expect(res.body.error).toBe('not_found');
    await request(t.server).get(`/api/v1/dataset-versions/${versionId}/content`).set(t.auth(other)).expect(404);
    await request(t.server).patch(`/api/v1/datasets/${datasetId}`).set(t.auth(other)).send({ description: 'x' }).expect(404);
    const list = await request(t.server).get('/api/v1/datasets').set(t.auth(other)).expect(200);
    expect(list.body.items).toEqual([]);
  });

  it('lets a worker key read content but nothing else', async () => {
    const { key: worker } = await t.keyFor('worker');
    await request(t.server).get(`/api/v1/dataset-versions/${versionId}/content`).set(t.auth(worker)).expect(200);
    await request(t.server).get('/api/v1/datasets').set(t.auth(worker)).expect(403);
    await request(t.server).get(`/api/v1/dataset-versions/${versionId}`).set(t.auth(worker)).expect(403);
    const gql = await request(t.server).post('/graphql').set(t.auth(worker)).send({ query: '{ project { id } }' });
    expect(gql.body.errors[0].extensions.code).toBe('forbidden');
  });

  describe('webhooks (admin only)', () => {
    it('creates with a secret shown once, lists without it, and deletes', async () => {
      const created = await request(t.server)
        .post('/api/v1/webhooks')
        .set(t.auth())
        .send({ url: 'https://ci.example.com/hook', events: ['run.succeeded', 'run.*'] })
        .expect(201);
      expect(created.body.secret).toMatch(/^whsec_/);
      const listed = await request(t.server).get('/api/v1/webhooks').set(t.auth()).expect(200);
      expect(listed.body).toEqual([expect.objectContaining({ id: created.body.webhook.id, events: ['run.succeeded', 'run.*'] })]);
      expect(JSON.stringify(listed.body)).not.toContain(created.body.secret);
      const { key: other } = await t.keyFor('admin', 'other-project');
      await request(t.server).delete(`/api/v1/webhooks/${created.body.webhook.id}`).set(t.auth(other)).expect(404);
      await request(t.server).delete(`/api/v1/webhooks/${created.body.webhook.id}`).set(t.auth()).expect(200);
      expect((await request(t.server).get('/api/v1/webhooks').set(t.auth()).expect(200)).body).toEqual([]);
    });

    it('names the bad field and refuses editors', async () => {
      const bad = await request(t.server).post('/api/v1/webhooks').set(t.auth()).send({ url: 'ftp://x', events: ['run.succeeded'] }).expect(400);
      expect(bad.body.field).toBe('url');
      const noEvents = await request(t.server).post('/api/v1/webhooks').set(t.auth()).send({ url: 'https://x.example', events: [] }).expect(400);
      expect(noEvents.body.field).toBe('events');
      const { key: editor } = await t.keyFor('editor');
      await request(t.server).get('/api/v1/webhooks').set(t.auth(editor)).expect(403);
    });
  });

  describe('graphql-ws connections', () => {
    const connect = (authorization?: string) =>
      new Promise<{ connected: boolean; closeCode?: number }>((resolve) => {
        const client = createClient({
          url: `${t.baseUrl.replace('http', 'ws')}/graphql`,
          webSocketImpl: WebSocket,
          lazy: false,
          retryAttempts: 0,
          connectionParams: authorization ? { authorization } : {},
          on: {
            connected: () => {
              resolve({ connected: true });
              void client.dispose();
            },
            closed: (event) => resolve({ connected: false, closeCode: (event as { code?: number }).code }),
          },
          onNonLazyError: () => undefined,
        });
      });

    it('accepts a valid key in connectionParams and refuses a missing or bad one', async () => {
      expect(await connect(`Bearer ${t.adminKey}`)).toEqual({ connected: true });
      expect(await connect()).toMatchObject({ connected: false, closeCode: 4403 });
      expect(await connect('Bearer gw_000000000000_bad')).toMatchObject({ connected: false, closeCode: 4403 });
    });
  });
});
