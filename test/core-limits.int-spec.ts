import request from 'supertest';
import { createTestApp, TestApp } from './support/test-app';

describe('request limits', () => {
  let t: TestApp;

  beforeAll(async () => {
    t = await createTestApp('limits', {
      MAX_BODY_BYTES: '2048',
      GRAPHQL_MAX_DEPTH: '3',
      GRAPHQL_MAX_COMPLEXITY: '15',
      RATE_LIMIT_PER_MINUTE: '40',
    });
  });
  afterAll(async () => {
    await t?.close();
  });

  it('refuses a JSON body over MAX_BODY_BYTES with 413 naming the limit', async () => {
    const res = await request(t.server)
      .post('/api/v1/experiments')
      .set(t.auth())
      .send({ name: 'big', description: 'x'.repeat(4000) })
      .expect(413);
    expect(res.body).toMatchObject({ error: 'payload_too_large' });
    expect(res.body.message).toContain('2048');
  });

  it('refuses malformed JSON with 400 naming the body', async () => {
    const res = await request(t.server).post('/api/v1/experiments').set(t.auth()).set('Content-Type', 'application/json').send('{"name": ').expect(400);
    expect(res.body.field).toBe('body');
  });

  it('refuses a GraphQL query deeper than GRAPHQL_MAX_DEPTH, naming the limit', async () => {
    const shallow = await request(t.server).post('/graphql').set(t.auth()).send({ query: '{ models { items { id } } }' });
    expect(shallow.body.errors).toBeUndefined();
    const deep = await request(t.server)
      .post('/graphql')
      .set(t.auth())
      .send({ query: '{ models { items { versions { items { lineage { id } } } } } }' });
    expect(deep.status).toBe(400);
    expect(deep.body.errors[0].extensions.code).toBe('query_too_deep');
    expect(deep.body.errors[0].message).toContain('maximum depth of 3');
  });

  it('refuses a GraphQL query over GRAPHQL_MAX_COMPLEXITY, naming the limit', async () => {
    const costly = await request(t.server)
      .post('/graphql')
      .set(t.auth())
      .send({ query: '{ a: models { items { id name description tags status createdAt } } b: datasets { items { id name description tags status createdAt } } }' });
    expect(costly.status).toBe(400);
    expect(costly.body.errors[0].extensions.code).toBe('query_too_complex');
    expect(costly.body.errors[0].message).toContain('maximum complexity of 15');
  });

  // Last: it spends this key's budget for the minute.
  it('answers 429 once a key passes RATE_LIMIT_PER_MINUTE, counting per key', async () => {
    const { key } = await t.keyFor('viewer');
    const statuses: number[] = [];
    for (let i = 0; i < 45; i += 1) {
      statuses.push((await request(t.server).get('/api/v1/experiments').set(t.auth(key))).status);
    }
    expect(statuses.filter((s) => s === 200)).toHaveLength(40);
    expect(statuses.slice(40)).toEqual([429, 429, 429, 429, 429]);
    const limited = await request(t.server).get('/api/v1/experiments').set(t.auth(key)).expect(429);
    expect(limited.body.error).toBe('rate_limited');
    // Another key has its own budget.
    const { key: other } = await t.keyFor('viewer');
    await request(t.server).get('/api/v1/experiments').set(t.auth(other)).expect(200);
  });
});
