import { rmSync } from 'node:fs';
import request from 'supertest';
import { createTestApp, TestApp } from './support/test-app';

/** Graceful shutdown: closing the app lets a request that is already running finish. */
describe('graceful shutdown', () => {
  let t: TestApp;

  beforeAll(async () => {
    t = await createTestApp('shutdown');
  });
  afterAll(async () => {
    // close() already ran in the test; only the database and folder remain to clean.
    await t?.db.drop();
    if (t) rmSync(t.artifactDir, { recursive: true, force: true });
  });

  it('finishes an in-flight upload, then stops accepting connections', async () => {
    const dataset = await request(t.server).post('/api/v1/datasets').set(t.auth()).send({ name: 'slow' }).expect(201);
    let sent = 0;
    // A body that trickles in over ~600 ms, so the upload is mid-flight when close() starts.
    const body = new ReadableStream<Uint8Array>({
      async pull(controller) {
        if (sent === 6) return controller.close();
        await new Promise((resolve) => setTimeout(resolve, 100));
        sent += 1;
        controller.enqueue(new TextEncoder().encode(`line ${sent}\n`));
      },
    });
    const upload = fetch(`${t.baseUrl}/api/v1/datasets/${dataset.body.id}/versions?format=text`, {
      method: 'PUT',
      headers: { ...t.auth(), 'Content-Type': 'application/octet-stream' },
      body,
      duplex: 'half',
    } as RequestInit);
    await new Promise((resolve) => setTimeout(resolve, 250));
    expect(sent).toBeLessThan(6);
    const closing = t.app.close();
    const response = await upload;
    expect(response.status).toBe(200);
    expect(await response.json()).toMatchObject({ version: 1, bytes: 'line 1\n'.length * 6 });
    await closing;
    await expect(fetch(`${t.baseUrl}/health/live`)).rejects.toThrow();
  });
});
