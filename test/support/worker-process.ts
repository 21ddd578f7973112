/**
 * The real Python worker (gpu-workers/.venv/bin/graftwork-worker) as a child process of an
 * end-to-end test, pointed at a TestApp, with fast heartbeats and a private state folder.
 *
 *   const w = startWorker({ app: t, key: workerKey, prefix, queues: 'scale,federated', stateDir, id: 'w1' });
 *   ...
 *   w.kill('SIGKILL');
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import type { TestApp } from './test-app';

export const WORKER_BIN = join(__dirname, '../../gpu-workers/.venv/bin/graftwork-worker');
export const workerInstalled = existsSync(WORKER_BIN);

export interface WorkerOptions {
  app: TestApp;
  key: string;
  prefix: string;
  queues: string;
  stateDir: string;
  id: string;
}

export function startWorker({ app, key, prefix, queues, stateDir, id }: WorkerOptions): ChildProcess {
  return spawn(WORKER_BIN, [], {
    env: {
      ...process.env,
      GRAFTWORK_API_URL: app.baseUrl,
      GRAFTWORK_WORKER_KEY: key,
      REDIS_URL: 'redis://127.0.0.1:6379',
      QUEUE_PREFIX: prefix,
      GRAFTWORK_QUEUES: queues,
      GRAFTWORK_WORKER_ID: id,
      GRAFTWORK_SPOOL_DIR: join(stateDir, id, 'spool'),
      GRAFTWORK_WORK_DIR: join(stateDir, id, 'work'),
      GRAFTWORK_HEARTBEAT_INTERVAL_S: '0.5',
      GRAFTWORK_CHECKPOINT_MIN_INTERVAL_S: '0',
      GRAFTWORK_METRICS_FLUSH_S: '0.2',
      GRAFTWORK_LOCK_DURATION_MS: '3000',
      GRAFTWORK_STALLED_INTERVAL_MS: '1000',
    },
    stdio: ['ignore', 'ignore', process.env.E2E_WORKER_LOGS ? 'inherit' : 'ignore'],
  });
}

/** Polls `probe` every 200 ms until it answers something other than undefined. */
export async function waitFor<T>(what: string, probe: () => Promise<T | undefined>, timeoutMs: number): Promise<T> {
  const end = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 200));
  }
}
