import { createHash } from 'node:crypto';
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import request from 'supertest';
import { createTestApp, TestApp } from './support/test-app';

/** Every file under a folder, relative, so "the storage folder is unchanged" is checkable. */
function filesUnder(root: string, prefix = ''): string[] {
  return readdirSync(join(root, prefix), { withFileTypes: true }).flatMap((entry) => {
    const relative = join(prefix, entry.name);
    return entry.isDirectory() ? filesUnder(root, relative) : [relative];
  });
}

const sha256 = (data: Buffer) => createHash('sha256').update(data).digest('hex');

describe('dataset and model uploads', () => {
  let t: TestApp;
  let datasetId: string;

  beforeAll(async () => {
    t = await createTestApp('uploads', { MAX_UPLOAD_BYTES: '4096' });
    const res = await request(t.server).post('/api/v1/datasets').set(t.auth()).send({ name: 'digits', tags: ['vision'] }).expect(201);
    datasetId = res.body.id;
  });
  afterAll(async () => {
    await t?.close();
  });

  async function versionRows(): Promise<number> {
    const ds = await t.db.connect();
    try {
      const [{ count }] = await ds.query('SELECT count(*)::int AS count FROM dataset_versions');
      return count;
    } finally {
      await ds.destroy();
    }
  }

  it('stores a streamed upload with its checksum and size, and streams it back', async () => {
    const body = Buffer.from('a,b\n1,2\n3,4\n');
    const res = await request(t.server)
      .put(`/api/v1/datasets/${datasetId}/versions?format=csv`)
      .set(t.auth())
      .set('Content-Type', 'application/octet-stream')
      .set('X-Graftwork-Sha256', sha256(body))
      .send(body)
      .expect(200);
    expect(res.body).toMatchObject({ datasetId, version: 1, format: 'csv', sha256: sha256(body), bytes: body.length });

    const content = await request(t.server)
      .get(`/api/v1/dataset-versions/${res.body.id}/content`)
      .set(t.auth())
      .buffer(true)
      .parse((r, done) => {
        const chunks: Buffer[] = [];
        r.on('data', (c: Buffer) => chunks.push(c));
        r.on('end', () => done(null, Buffer.concat(chunks)));
      })
      .expect(200);
    expect(Buffer.compare(content.body as Buffer, body)).toBe(0);
    expect(content.headers['x-graftwork-sha256']).toBe(sha256(body));
  });

  it('refuses an upload over the limit with 413 and keeps neither row nor file', async () => {
    const rowsBefore = await versionRows();
    const filesBefore = filesUnder(t.artifactDir);
    const res = await request(t.server)
      .put(`/api/v1/datasets/${datasetId}/versions?format=text`)
      .set(t.auth())
      .set('Content-Type', 'application/octet-stream')
      .send(Buffer.alloc(6000, 1))
      .expect(413);
    expect(res.body).toMatchObject({ error: 'payload_too_large' });
    expect(res.body.message).toContain('4096');
    expect(await versionRows()).toBe(rowsBefore);
    expect(filesUnder(t.artifactDir)).toEqual(filesBefore);
  });

  it('aborts a chunked upload (no Content-Length) once it passes the limit', async () => {
    const rowsBefore = await versionRows();
    const filesBefore = filesUnder(t.artifactDir);
    const res = await fetch(`${t.baseUrl}/api/v1/datasets/${datasetId}/versions?format=text`, {
      method: 'PUT',
      headers: { ...t.auth(), 'Content-Type': 'application/octet-stream' },
      body: new ReadableStream({
        start(controller) {
          for (let i = 0; i < 6; i += 1) controller.enqueue(new Uint8Array(1000));
          controller.close();
        },
      }),
      duplex: 'half',
    } as RequestInit);
    expect(res.status).toBe(413);
    expect(await versionRows()).toBe(rowsBefore);
    expect(filesUnder(t.artifactDir)).toEqual(filesBefore);
  });

  it('refuses a wrong checksum with 400 naming sha256 and keeps neither row nor file', async () => {
    const rowsBefore = await versionRows();
    const filesBefore = filesUnder(t.artifactDir);
    const res = await request(t.server)
      .put(`/api/v1/datasets/${datasetId}/versions`)
      .set(t.auth())
      .set('Content-Type', 'application/octet-stream')
      .set('X-Graftwork-Format', 'text')
      .set('X-Graftwork-Sha256', 'a'.repeat(64))
      .send(Buffer.from('hello'))
      .expect(400);
    expect(res.body).toMatchObject({ error: 'bad_request', field: 'sha256' });
    expect(await versionRows()).toBe(rowsBefore);
    expect(filesUnder(t.artifactDir)).toEqual(filesBefore);
  });

  it('names the field for a bad format and refuses other content types', async () => {
    const bad = await request(t.server)
      .put(`/api/v1/datasets/${datasetId}/versions?format=xlsx`)
      .set(t.auth())
      .set('Content-Type', 'application/octet-stream')
      .send(Buffer.from('x'))
      .expect(400);
    expect(bad.body.field).toBe('format');
    await request(t.server).put(`/api/v1/datasets/${datasetId}/versions?format=csv`).set(t.auth()).send({ a: 1 }).expect(415);
  });
});
