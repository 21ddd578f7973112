import request from 'supertest';
import { createTestApp, TestApp } from './support/test-app';

describe('core smoke', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp('smoke');
  });
  afterAll(async () => {
    await t?.close();
  });

  it('serves liveness without a key', async () => {
    const res = await request(t.server).get('/health/live').expect(200);
    expect(res.body).toEqual({ status: 'ok' });
  });
});
