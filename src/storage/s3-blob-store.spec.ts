import { createHash } from 'node:crypto';
import { Readable } from 'node:stream';
import {
  CopyObjectCommand,
  DeleteObjectCommand,
  GetObjectCommand,
  HeadObjectCommand,
  PutObjectCommand,
  S3Client,
} from '@aws-sdk/client-s3';
import { NotFoundError, PayloadTooLargeError } from '../common/errors';
import { S3BlobStore } from './s3-blob-store';

const sha256 = (data: Buffer) => createHash('sha256').update(data).digest('hex');

async function toBuffer(body: unknown): Promise<Buffer> {
  if (Buffer.isBuffer(body)) return body;
  if (body instanceof Uint8Array) return Buffer.from(body);
  if (typeof body === 'string') return Buffer.from(body);
  const chunks: Buffer[] = [];
  for await (const chunk of body as AsyncIterable<Buffer>) chunks.push(Buffer.from(chunk));
  return Buffer.concat(chunks);
}

/**
 * A real S3Client (so lib-storage finds its config) whose `send` is replaced by an
 * in-memory bucket: no network, and every command the store sends is recorded.
 */
function fakeS3(): { client: S3Client; objects: Map<string, Buffer>; sent: string[] } {
  const objects = new Map<string, Buffer>();
  const sent: string[] = [];
  const client = new S3Client({
    region: 'us-east-1',
    endpoint: 'http://fake-s3.invalid:9000',
    forcePathStyle: true,
    credentials: { accessKeyId: 'test', secretAccessKey: 'test' },
  });
  const notFound = () => Object.assign(new Error('not found'), { name: 'NotFound', $metadata: { httpStatusCode: 404 } });
  const send = async (command: { input: Record<string, unknown> }): Promise<unknown> => {
    sent.push(command.constructor.name);
    const key = command.input.Key as string;
    if (command instanceof PutObjectCommand) {
      objects.set(key, await toBuffer(command.input.Body));
      return { ETag: '"etag"' };
    }
    if (command instanceof CopyObjectCommand) {
      const source = decodeURIComponent((command.input.CopySource as string).split('/').slice(1).join('/'));
      const data = objects.get(source);
      if (!data) throw notFound();
      objects.set(key, data);
      return {};
    }
    if (command instanceof DeleteObjectCommand) {
      objects.delete(key);
      return {};
    }
    if (command instanceof GetObjectCommand) {
      const data = objects.get(key);
      if (!data) throw Object.assign(new Error('no such key'), { name: 'NoSuchKey' });
      return { Body: Readable.from([data]) };
    }
    if (command instanceof HeadObjectCommand) {
      if (!objects.has(key)) throw notFound();
      return {};
    }
    return {};
  };
  (client as unknown as { send: typeof send }).send = send;
  return { client, objects, sent };
}

describe('S3BlobStore (fake S3 client)', () => {
  it('uploads to a temporary key, copies to the final key once verified, and reads back', async () => {
    const { client, objects, sent } = fakeS3();
    const store = new S3BlobStore(client, 'bucket');
    const data = Buffer.from('weights');
    const stored = await store.put('models/m/v1', Readable.from([data]), { maxBytes: 1000, expectedSha256: sha256(data) });
    expect(stored).toEqual({ bytes: data.length, sha256: sha256(data) });
    expect([...objects.keys()]).toEqual(['models/m/v1']);
    expect(sent).toEqual(expect.arrayContaining(['PutObjectCommand', 'CopyObjectCommand', 'DeleteObjectCommand']));
    expect(await store.exists('models/m/v1')).toBe(true);
    const chunks: Buffer[] = [];
    for await (const chunk of await store.get('models/m/v1')) chunks.push(chunk as Buffer);
    expect(Buffer.concat(chunks)).toEqual(data);
  });

  it('stores nothing on a checksum mismatch and names sha256', async () => {
    const { client, objects } = fakeS3();
    const store = new S3BlobStore(client, 'bucket');
    await expect(store.put('k', Readable.from([Buffer.from('abc')]), { maxBytes: 100, expectedSha256: '0'.repeat(64) })).rejects.toMatchObject({
      field: 'sha256',
    });
    expect(objects.size).toBe(0);
  });

  it('stores nothing past the size limit', async () => {
    const { client, objects } = fakeS3();
    const store = new S3BlobStore(client, 'bucket');
    const chunks = Array.from({ length: 8 }, () => Buffer.alloc(64, 1));
    await expect(store.put('k', Readable.from(chunks), { maxBytes: 100 })).rejects.toBeInstanceOf(PayloadTooLargeError);
    expect(objects.size).toBe(0);
  });

  it('maps missing objects to NotFoundError / false and refuses escaping keys', async () => {
    const { client } = fakeS3();
    const store = new S3BlobStore(client, 'bucket');
    await expect(store.get('nope')).rejects.toBeInstanceOf(NotFoundError);
    expect(await store.exists('nope')).toBe(false);
    await expect(store.get('../other-bucket/x')).rejects.toMatchObject({ field: 'key' });
  });
});
