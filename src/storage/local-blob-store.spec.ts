import { createHash } from 'node:crypto';
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { InputError, NotFoundError, PayloadTooLargeError } from '../common/errors';
import { LocalBlobStore } from './local-blob-store';

const sha256 = (data: Buffer) => createHash('sha256').update(data).digest('hex');

function allFiles(root: string, prefix = ''): string[] {
  return readdirSync(join(root, prefix), { withFileTypes: true }).flatMap((e) =>
    e.isDirectory() ? allFiles(root, join(prefix, e.name)) : [join(prefix, e.name)],
  );
}

async function readAll(stream: Readable): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of stream) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

describe('LocalBlobStore', () => {
  let root: string;
  let store: LocalBlobStore;

  beforeEach(() => {
    root = mkdtempSync(join(tmpdir(), 'gw-blob-'));
    store = new LocalBlobStore(root);
  });
  afterEach(() => rmSync(root, { recursive: true, force: true }));

  it('stores, reports size and sha256, reads back, and deletes', async () => {
    const data = Buffer.from('some bytes');
    const stored = await store.put('a/b/c.bin', Readable.from([data]), { maxBytes: 100, expectedSha256: sha256(data) });
    expect(stored).toEqual({ bytes: data.length, sha256: sha256(data) });
    expect(await store.exists('a/b/c.bin')).toBe(true);
    expect(await readAll(await store.get('a/b/c.bin'))).toEqual(data);
    await store.delete('a/b/c.bin');
    expect(await store.exists('a/b/c.bin')).toBe(false);
    await expect(store.get('a/b/c.bin')).rejects.toBeInstanceOf(NotFoundError);
  });

  it.each(['../escape', 'a/../../escape', '/etc/passwd', 'a\\b', 'a\0b', '', 'a//b', './a', '.incoming/x', 'a/b/'])(
    'refuses the key %j without touching the disk',
    async (key) => {
      await expect(store.put(key, Readable.from([Buffer.from('x')]), { maxBytes: 10 })).rejects.toMatchObject({ field: 'key' });
      await expect(store.get(key)).rejects.toBeInstanceOf(InputError);
      expect(allFiles(root)).toEqual([]);
    },
  );

  it('aborts past maxBytes with a 413 and leaves no file', async () => {
    const chunks = Array.from({ length: 10 }, () => Buffer.alloc(100, 7));
    await expect(store.put('big', Readable.from(chunks), { maxBytes: 550 })).rejects.toBeInstanceOf(PayloadTooLargeError);
    expect(allFiles(root)).toEqual([]);
  });

  it('refuses a sha256 mismatch naming sha256 and leaves no file', async () => {
    await expect(store.put('x', Readable.from([Buffer.from('abc')]), { maxBytes: 10, expectedSha256: 'f'.repeat(64) })).rejects.toMatchObject({
      field: 'sha256',
      status: 400,
    });
    expect(allFiles(root)).toEqual([]);
  });

  it('leaves nothing when the source stream breaks', async () => {
    const broken = new Readable({
      read() {
        this.push(Buffer.from('partial'));
        this.destroy(new Error('client went away'));
      },
    });
    await expect(store.put('broken', broken, { maxBytes: 100 })).rejects.toThrow('client went away');
    expect(allFiles(root)).toEqual([]);
  });
});
