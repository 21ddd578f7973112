import { randomBytes } from 'node:crypto';
import { createServer, type Server, Socket } from 'node:net';
import request from 'supertest';
import { Queue } from 'bullmq';
import { createTestApp, type TestApp } from './support/test-app';

/** A TCP door in front of Redis that the test opens and closes: closed = Redis unreachable. */
class RedisDoor {
  private server: Server | null = null;
  private sockets = new Set<Socket>();
  constructor(readonly port: number) {}

  async open(): Promise<void> {
    this.server = createServer((client) => {
      const upstream = new Socket();
      upstream.connect(6379, '127.0.0.1');
      for (const s of [client, upstream]) {
        this.sockets.add(s);
        s.on('error', () => undefined);
        s.on('close', () => this.sockets.delete(s));
      }
      client.pipe(upstream).pipe(client);
    });
    await new Promise<void>((resolve) => this.server?.listen(this.port, '127.0.0.1', resolve));
  }

  async close(): Promise<void> {
    for (const s of this.sockets) s.destroy();
    await new Promise<void>((resolve) => (this.server ? this.server.close(() => resolve()) : resolve()));
    this.server = null;
  }
}

async function freePort(): Promise<number> {
  const s = createServer();
  await new Promise<void>((r) => s.listen(0, '127.0.0.1', r));
  const port = (s.address() as { port: number }).port;
  await new Promise<void>((r) => s.close(() => r()));
  return port;
}

describe('outbox while Redis is down, and SSE replay (PostgreSQL + Redis)', () => {
  let t: TestApp;
  let door: RedisDoor;
  const prefix = `gwtest${randomBytes(4).toString('hex')}`;

  beforeAll(async () => {
    door = new RedisDoor(await freePort());
    await door.open();
    t = await createTestApp('runs_outbox', { QUEUE_PREFIX: prefix, REDIS_URL: `redis://127.0.0.1:${door.port}`, DISPATCH_INTERVAL_MS: '50' });
  }, 60_000);
  afterAll(async () => {
    await t?.close();
    await door.close();
  });

  async function outboxRows(runId: string): Promise<{ sent: boolean; tries: number }[]> {
    const ds = await t.db.connect();
    try {
      return (await ds.query(`SELECT sent_at IS NOT NULL AS sent, tries FROM outbox_events WHERE run_id = $1`, [runId])) as { sent: boolean; tries: number }[];
    } finally {
      await ds.destroy();
    }
  }

  it('accepts a run while Redis is unreachable and enqueues it exactly once when Redis is back', async () => {
    await door.close();
    const res = await request(t.server).post('/api/v1/runs').set(t.auth()).send({ kind: 'diagnostics', spec: { steps: 2 } }).expect(201);
    expect(res.body.status).toBe('queued');
    await new Promise((r) => setTimeout(r, 2600));
    const waiting = await outboxRows(res.body.id);
    expect(waiting).toHaveLength(1);
    expect(waiting[0].sent).toBe(false);
    expect(waiting[0].tries).toBeGreaterThan(0);

    await door.open();
    let rows = waiting;
    for (let i = 0; i < 100 && !rows[0].sent; i++) {
      await new Promise((r) => setTimeout(r, 100));
      rows = await outboxRows(res.body.id);
    }
    expect(rows[0].sent).toBe(true);
    const queue = new Queue('diagnostics', { connection: { host: '127.0.0.1', port: 6379 }, prefix });
    try {
      const counts = await queue.getJobCounts('wait', 'delayed', 'active', 'prioritized');
      expect(Object.values(counts).reduce((a, b) => a + b, 0)).toBe(1);
      expect((await queue.getJob(res.body.id))?.data.runId).toBe(res.body.id);
    } finally {
      await queue.close();
    }
  }, 30_000);

  it('replays after Last-Event-ID with no gap and no duplicate', async () => {
    const worker = (await t.keyFor('worker')).key;
    const run = (await request(t.server).post('/api/v1/runs').set(t.auth()).send({ kind: 'diagnostics', spec: {} }).expect(201)).body as { id: string };
    const attempt = await request(t.server).post(`/api/v1/ingest/runs/${run.id}/attempts`).set(t.auth(worker)).send({ workerId: 'w', hostname: 'h', device: 'cpu' }).expect(201);
    const progress = (i: number) =>
      request(t.server).post(`/api/v1/ingest/runs/${run.id}/progress`).set(t.auth(worker)).set('X-Graftwork-Fencing-Token', String(attempt.body.fencingToken)).send({ fraction: i / 10, message: `p${i}` }).expect(202);
    for (let i = 1; i <= 3; i++) await progress(i);

    const read = async (lastEventId: string | null, want: number, during?: () => Promise<void>): Promise<Array<{ id: string; type: string }>> => {
      const controller = new AbortController();
      const headers: Record<string, string> = { ...t.auth() };
      if (lastEventId) headers['Last-Event-ID'] = lastEventId;
      const response = await fetch(`${t.baseUrl}/api/v1/runs/${run.id}/events`, { headers, signal: controller.signal });
      expect(response.headers.get('content-type')).toContain('text/event-stream');
      const reader = response.body!.getReader();
      const events: Array<{ id: string; type: string }> = [];
      let text = '';
      const pending = during?.();
      while (events.length < want) {
        const { value, done } = await reader.read();
        if (done) break;
        text += Buffer.from(value).toString('utf8');
        let cut;
        while ((cut = text.indexOf('\n\n')) >= 0) {
          const block = text.slice(0, cut);
          text = text.slice(cut + 2);
          const data = block.split('\n').find((l) => l.startsWith('data: '));
          if (data) events.push(JSON.parse(data.slice(6)) as { id: string; type: string });
        }
      }
      await pending;
      controller.abort();
      return events.slice(0, want);
    };

    // queued, running, 3 progress events so far.
    const firstFour = await read(null, 4);
    expect(firstFour.map((e) => e.type)).toEqual(['status', 'status', 'progress', 'progress']);
    // Reconnect after the 4th: get the 5th from the log, then live ones written meanwhile.
    const rest = await read(firstFour[3].id, 3, async () => {
      await progress(4);
      await progress(5);
    });
    const ids = [...firstFour, ...rest].map((e) => BigInt(e.id));
    expect(rest.map((e) => e.type)).toEqual(['progress', 'progress', 'progress']);
    expect(new Set(ids).size).toBe(ids.length);
    expect([...ids].sort((a, b) => (a < b ? -1 : 1))).toEqual(ids);
  }, 30_000);
});
