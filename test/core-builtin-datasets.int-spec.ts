import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import request from 'supertest';
import { createTestApp, TestApp } from './support/test-app';

const PYTHON = join(__dirname, '..', 'gpu-workers', '.venv', 'bin', 'python');

describe('built-in datasets', () => {
  let t: TestApp;
  let scratch: string;
  beforeAll(async () => {
    t = await createTestApp('builtin');
    scratch = mkdtempSync(join(tmpdir(), 'gw-builtin-'));
  });
  afterAll(async () => {
    await t.close();
    rmSync(scratch, { recursive: true, force: true });
  });

  it('lists mnist and refuses an unknown name, naming the field', async () => {
    const names = await request(t.server).get('/api/v1/builtin-datasets').set(t.auth()).expect(200);
    expect(names.body).toContain('mnist');
    const bad = await request(t.server).post('/api/v1/builtin-datasets/imagenet').set(t.auth()).expect(400);
    expect(bad.body.field).toBe('name');
  });

  it('stores MNIST once as an npz that numpy reads as 10,000 labelled 28x28 digits', async () => {
    const first = await request(t.server).post('/api/v1/builtin-datasets/mnist').set(t.auth()).expect(201);
    const again = await request(t.server).post('/api/v1/builtin-datasets/mnist').set(t.auth()).expect(201);
    expect(again.body.version.id).toBe(first.body.version.id);
    expect(first.body.version.format).toBe('npz');

    const content = await request(t.server)
      .get(`/api/v1/dataset-versions/${first.body.version.id}/content`)
      .set(t.auth())
      .buffer(true)
      .parse((res, done) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => done(null, Buffer.concat(chunks)));
      })
      .expect(200);
    const file = join(scratch, 'mnist.npz');
    writeFileSync(file, content.body as Buffer);
    const summary = execFileSync(PYTHON, ['-c', [
      'import json, sys, numpy as np',
      'f = np.load(sys.argv[1])',
      'x, y = f["x"], f["y"]',
      'print(json.dumps({"x": list(x.shape), "xdtype": str(x.dtype), "y": list(y.shape), "ydtype": str(y.dtype),',
      '  "min": float(x.min()), "max": float(x.max()), "counts": np.bincount(y).tolist()}))',
    ].join('\n'), file]).toString();
    const s = JSON.parse(summary);
    expect(s.x).toEqual([10000, 784]);
    expect(s.xdtype).toBe('float32');
    expect(s.y).toEqual([10000]);
    expect(s.ydtype).toBe('int64');
    expect(s.min).toBe(0);
    expect(s.max).toBeLessThanOrEqual(1);
    expect(s.counts).toHaveLength(10);
    expect(Math.min(...s.counts)).toBeGreaterThan(800);
  });
});
