/**
 * A running Graftwork app on its own fresh database, for integration tests.
 *
 *   let t: TestApp;
 *   beforeAll(async () => { t = await createTestApp('datasets'); });
 *   afterAll(async () => { await t.close(); });
 *   it('...', async () => {
 *     await request(t.server).get('/api/v1/datasets').set(t.auth()).expect(200);
 *   });
 *
 * What it does: creates a unique database, runs all migrations, builds the app with
 * createApp() (the same wiring as production, logs silenced), listens on a random port,
 * and creates project `test` with an admin key (`t.adminKey`). `t.keyFor(role)` makes
 * more keys (same project by default, or another project by name). Blobs go to a fresh
 * temporary folder (`t.artifactDir`). Pass `env` to override any configuration variable
 * (for example `{ RATE_LIMIT_PER_MINUTE: '5' }`); config errors surface as in production.
 * `close()` stops the app, drops the database and deletes the folder.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Server } from 'node:http';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { createApp } from '../../src/app.factory';
import { ApiKeysService } from '../../src/auth/api-keys.service';
import type { Role } from '../../src/auth/principal';
import { AppConfig, loadAppConfig } from '../../src/config/app-config';
import { createProjectAdminKey } from '../../src/projects/first-admin-key';
import { ProjectsService } from '../../src/projects/projects.service';
import { createTestDatabase, TestDatabase } from './test-database';

export interface TestApp {
  app: NestExpressApplication;
  server: Server;
  /** Base URL such as http://127.0.0.1:43123 (for fetch, WebSocket clients, workers). */
  baseUrl: string;
  config: AppConfig;
  db: TestDatabase;
  projectId: string;
  adminKey: string;
  artifactDir: string;
  /** Authorization header for a key (the admin key by default). */
  auth(key?: string): { Authorization: string };
  /** A new key of `role`, in the test project or in project `projectName` (created if missing). */
  keyFor(role: Role, projectName?: string): Promise<{ key: string; id: string; projectId: string }>;
  close(): Promise<void>;
}

const CLOSE_TIMEOUT_MS = 10_000;

async function withTimeout<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what} did not finish within ${ms} ms`)), ms);
  });
  try {
    return await Promise.race([promise, timeout]);
  } finally {
    clearTimeout(timer);
  }
}

export async function createTestApp(label: string, env: Record<string, string> = {}): Promise<TestApp> {
  const db = await createTestDatabase(label);
  const artifactDir = mkdtempSync(join(tmpdir(), `gw-${label.replace(/[^a-z0-9]/gi, '')}-`));
  try {
    await db.migrate();
    const config = loadAppConfig({
      ...process.env,
      DATABASE_URL: db.url,
      ARTIFACT_STORE: 'local',
      ARTIFACT_DIR: artifactDir,
      LOG_LEVEL: 'error',
      ...env,
    });
    const app = await createApp({ config, logger: false });
    await app.listen(0, '127.0.0.1');
    const server = app.getHttpServer() as Server;
    const address = server.address();
    const port = typeof address === 'object' && address ? address.port : 0;
    const projects = app.get(ProjectsService);
    const apiKeys = app.get(ApiKeysService);
    const first = await createProjectAdminKey(projects, apiKeys, 'test', 'test admin');
    return {
      app,
      server,
      baseUrl: `http://127.0.0.1:${port}`,
      config,
      db,
      projectId: first.project.id,
      adminKey: first.key.secret,
      artifactDir,
      auth: (key = first.key.secret) => ({ Authorization: `Bearer ${key}` }),
      async keyFor(role, projectName) {
        const project = projectName ? (await projects.findOrCreate(projectName)).project : first.project;
        const created = await apiKeys.create(project.id, `test ${role}`, role);
        return { key: created.secret, id: created.apiKey.id, projectId: project.id };
      },
      async close() {
        // Always drop the database, even when a module fails (or takes too long) to stop,
        // e.g. a queue client still retrying a dead Redis.
        try {
          await withTimeout(app.close(), CLOSE_TIMEOUT_MS, 'app.close()');
        } finally {
          await db.drop();
          rmSync(artifactDir, { recursive: true, force: true });
        }
      },
    };
  } catch (error) {
    await db.drop();
    rmSync(artifactDir, { recursive: true, force: true });
    throw error;
  }
}
