import { INestApplication, Module } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import request from 'supertest';
import { loadAppConfig } from '../src/config/app-config';
import { ConfigModule } from '../src/config/config.module';
import { ConfigError } from '../src/config/env';
import { DatabaseModule } from '../src/database/database.module';
import { HealthModule } from '../src/health/health.module';
import { createTestApp, TestApp } from './support/test-app';
import { createTestDatabase, TestDatabase } from './support/test-database';

describe('health and configuration', () => {
  describe('with PostgreSQL and Redis up', () => {
    let t: TestApp;
    beforeAll(async () => {
      t = await createTestApp('health');
    });
    afterAll(async () => {
      await t?.close();
    });

    it('is live and ready, without a key, and serves the OpenAPI document', async () => {
      await request(t.server).get('/health/live').expect(200);
      const ready = await request(t.server).get('/health/ready').expect(200);
      expect(ready.body).toEqual({ ready: true, checks: { postgres: { ok: true }, redis: { ok: true } } });
      const docs = await request(t.server).get('/api/docs-json').expect(200);
      expect(Object.keys(docs.body.paths)).toEqual(expect.arrayContaining(['/api/v1/datasets/{id}/versions', '/api/v1/model-versions/{id}/lineage']));
    });

    it('tags every response with a request id, keeping a sane one from the caller', async () => {
      const given = await request(t.server).get('/health/live').set('X-Request-Id', 'trace-123').expect(200);
      expect(given.headers['x-request-id']).toBe('trace-123');
      const generated = await request(t.server).get('/health/live').set('X-Request-Id', 'bad id with spaces').expect(200);
      expect(generated.headers['x-request-id']).toMatch(/^[0-9a-f-]{36}$/);
    });
  });

  describe('with Redis on a dead port', () => {
    // Only the modules readiness needs: the full app cannot close while its queue clients
    // keep retrying a dead Redis (reported to the runs pipeline), and its open handles
    // would keep jest from exiting.
    let app: INestApplication;
    let db: TestDatabase;
    beforeAll(async () => {
      db = await createTestDatabase('health_dead_redis');
      // Port 1 on loopback: nothing listens there, the connection is refused at once.
      const config = loadAppConfig({ DATABASE_URL: db.url, REDIS_URL: 'redis://127.0.0.1:1' });
      @Module({ imports: [ConfigModule.forRoot(config), DatabaseModule, HealthModule] })
      class ReadinessOnly {}
      app = await NestFactory.create(ReadinessOnly, { logger: false });
      await app.init();
    });
    afterAll(async () => {
      await app?.close();
      await db?.drop();
    });

    it('answers ready 503 naming redis as the failed check', async () => {
      const res = await request(app.getHttpServer()).get('/health/ready').expect(503);
      expect(res.body.ready).toBe(false);
      expect(res.body.checks.postgres).toEqual({ ok: true });
      expect(res.body.checks.redis.ok).toBe(false);
      expect(typeof res.body.checks.redis.error).toBe('string');
      await request(app.getHttpServer()).get('/health/live').expect(200);
    });
  });

  it('refuses to start with a bad variable, naming it', async () => {
    await expect(createTestApp('bad_config', { MAX_UPLOAD_BYTES: 'lots' })).rejects.toThrow(ConfigError);
    await expect(createTestApp('bad_config', { ARTIFACT_STORE: 's3', S3_BUCKET: '' })).rejects.toThrow(/S3_BUCKET/);
    await expect(createTestApp('bad_config', { GRAPHQL_MAX_DEPTH: '0' })).rejects.toThrow(/GRAPHQL_MAX_DEPTH/);
  });
});
