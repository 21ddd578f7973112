import { randomUUID } from 'node:crypto';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import {
  CopyObjectCommand,
  DeleteObjectCommand,
  GetObjectCommand,
  HeadObjectCommand,
  S3Client,
} from '@aws-sdk/client-s3';
import { Upload } from '@aws-sdk/lib-storage';
import { InputError, NotFoundError } from '../common/errors';
import { validateBlobKey } from './blob-key';
import { BlobStore, PutOptions, StoredBlob } from './blob-store';
import { MeteredStream } from './metered-stream';

const INCOMING_PREFIX = '.incoming/';

/**
 * Blobs in an S3-compatible bucket (AWS, MinIO). Uploads stream through lib-storage's
 * multipart Upload to a temporary key; only a verified upload is copied to its final
 * key, so a failed checksum or size limit never leaves a visible object.
 */
export class S3BlobStore implements BlobStore {
  constructor(private readonly client: S3Client, private readonly bucket: string, private readonly keyPrefix = '') {}

  async put(key: string, content: Readable, options: PutOptions): Promise<StoredBlob> {
    const finalKey = this.objectKey(key);
    const tempKey = `${this.keyPrefix}${INCOMING_PREFIX}${randomUUID()}`;
    const meter = new MeteredStream(options.maxBytes);
    const upload = new Upload({
      client: this.client,
      params: { Bucket: this.bucket, Key: tempKey, Body: meter },
      leavePartsOnError: false,
    });
    try {
      // Both sides must finish: the pipeline fails on the size limit, the upload on S3 errors.
      await Promise.all([pipeline(content, meter), upload.done()]);
    } catch (error) {
      await upload.abort().catch(() => undefined);
      await this.deleteQuietly(tempKey);
      throw error;
    }
    const sha256 = meter.digest();
    try {
      if (options.expectedSha256 !== undefined && options.expectedSha256 !== sha256) {
        throw new InputError('sha256', `the sha256 of the uploaded content (${sha256}); got ${options.expectedSha256}`);
      }
      await this.client.send(
        new CopyObjectCommand({ Bucket: this.bucket, Key: finalKey, CopySource: `${this.bucket}/${encodeKey(tempKey)}` }),
      );
    } finally {
      await this.deleteQuietly(tempKey);
    }
    return { bytes: meter.bytes, sha256 };
  }

  async get(key: string): Promise<Readable> {
    try {
      const result = await this.client.send(new GetObjectCommand({ Bucket: this.bucket, Key: this.objectKey(key) }));
      if (!(result.Body instanceof Readable)) throw new Error('S3 GetObject returned a body that is not a Node stream');
      return result.Body;
    } catch (error) {
      if (isNotFound(error)) throw new NotFoundError('blob', key);
      throw error;
    }
  }

  async delete(key: string): Promise<void> {
    await this.client.send(new DeleteObjectCommand({ Bucket: this.bucket, Key: this.objectKey(key) }));
  }

  async exists(key: string): Promise<boolean> {
    try {
      await this.client.send(new HeadObjectCommand({ Bucket: this.bucket, Key: this.objectKey(key) }));
      return true;
    } catch (error) {
      if (isNotFound(error)) return false;
      throw error;
    }
  }

  private objectKey(key: string): string {
    return `${this.keyPrefix}${validateBlobKey(key)}`;
  }

  private async deleteQuietly(objectKey: string): Promise<void> {
    await this.client.send(new DeleteObjectCommand({ Bucket: this.bucket, Key: objectKey })).catch(() => undefined);
  }
}

function encodeKey(key: string): string {
  return key.split('/').map(encodeURIComponent).join('/');
}

function isNotFound(error: unknown): boolean {
  const e = error as { name?: string; $metadata?: { httpStatusCode?: number } } | null;
  return e?.name === 'NoSuchKey' || e?.name === 'NotFound' || e?.$metadata?.httpStatusCode === 404;
}
