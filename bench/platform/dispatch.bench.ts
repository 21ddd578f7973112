/**
 * Dispatch latency: from a create returning to a BullMQ worker picking the job up, for 1 run
 * and for 100 runs created at once; baseline = the same dispatcher polling only
 * (GRAFTWORK_DISPATCH_WAKE=off), candidate = woken in-process right after the commit.
 * Run: node -r ./bench/platform/register.cjs bench/platform/dispatch.bench.ts
 */
import { randomBytes } from 'node:crypto';
import request from 'supertest';
import { Worker } from 'bullmq';
import { createTestApp } from '../../test/support/test-app';

function percentile(samples: number[], p: number): number {
  const sorted = [...samples].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];
}

async function measure(wake: boolean): Promise<{ one: number[]; hundred: number[] }> {
  process.env.GRAFTWORK_DISPATCH_WAKE = wake ? 'on' : 'off';
  const prefix = `gwbench${randomBytes(3).toString('hex')}`;
  const t = await createTestApp('bench_dispatch', { QUEUE_PREFIX: prefix, DISPATCH_INTERVAL_MS: '1000', RATE_LIMIT_PER_MINUTE: '1000000' });
  const pickedAt = new Map<string, number>();
  const waiters = new Map<string, () => void>();
  const worker = new Worker(
    'diagnostics',
    async (job) => {
      pickedAt.set(job.id as string, performance.now());
      waiters.get(job.id as string)?.();
    },
    { connection: { host: '127.0.0.1', port: 6379 }, prefix, concurrency: 100 },
  );
  await worker.waitUntilReady();
  const createAndWait = async (): Promise<number> => {
    const res = await request(t.server).post('/api/v1/runs').set(t.auth()).send({ kind: 'diagnostics', spec: {} }).expect(201);
    const returned = performance.now();
    const id = res.body.id as string;
    if (!pickedAt.has(id)) await new Promise<void>((resolve) => waiters.set(id, resolve));
    return (pickedAt.get(id) as number) - returned;
  };
  try {
    const one: number[] = [];
    for (let i = 0; i < 20; i++) one.push(Math.max(0, await createAndWait()));
    const hundred = (await Promise.all(Array.from({ length: 100 }, createAndWait))).map((v) => Math.max(0, v));
    return { one, hundred };
  } finally {
    await worker.close();
    await t.close();
  }
}

async function main(): Promise<void> {
  const base = await measure(false);
  const cand = await measure(true);
  console.log('| dispatch latency, ms (create returned → job picked up) | baseline: polling every 1 s | candidate: woken after commit | ratio |');
  console.log('| --- | --- | --- | --- |');
  for (const [label, b, c] of [
    ['1 run at a time, p50', percentile(base.one, 50), percentile(cand.one, 50)],
    ['1 run at a time, p99', percentile(base.one, 99), percentile(cand.one, 99)],
    ['100 runs at once, p50', percentile(base.hundred, 50), percentile(cand.hundred, 50)],
    ['100 runs at once, p99', percentile(base.hundred, 99), percentile(cand.hundred, 99)],
  ] as Array<[string, number, number]>) {
    console.log(`| ${label} | ${b.toFixed(1)} | ${c.toFixed(1)} | ${(b / Math.max(c, 0.1)).toFixed(1)}x |`);
  }
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
