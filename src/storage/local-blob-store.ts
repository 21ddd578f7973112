import { randomUUID } from 'node:crypto';
import { createReadStream, createWriteStream, mkdirSync } from 'node:fs';
import { access, mkdir, rename, rm, stat } from 'node:fs/promises';
import { dirname, join, resolve, sep } from 'node:path';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { InputError, NotFoundError } from '../common/errors';
import { validateBlobKey } from './blob-key';
import { BlobStore, PutOptions, StoredBlob } from './blob-store';
import { MeteredStream } from './metered-stream';

/** Where partial uploads live until verified; never a valid key (starts with a dot segment). */
const INCOMING_DIR = '.incoming';

/**
 * Blobs as files under one root folder. A put writes to `<root>/.incoming/<uuid>` and
 * renames into place only after size and checksum are verified (rename is atomic on one
 * file system), so readers never see a partial file.
 */
export class LocalBlobStore implements BlobStore {
  private readonly root: string;

  constructor(root: string) {
    this.root = resolve(root);
    mkdirSync(join(this.root, INCOMING_DIR), { recursive: true });
  }

  async put(key: string, content: Readable, options: PutOptions): Promise<StoredBlob> {
    const target = this.pathOf(key);
    const temp = join(this.root, INCOMING_DIR, randomUUID());
    const meter = new MeteredStream(options.maxBytes);
    try {
      await pipeline(content, meter, createWriteStream(temp, { flags: 'wx' }));
      const sha256 = meter.digest();
      if (options.expectedSha256 !== undefined && options.expectedSha256 !== sha256) {
        throw new InputError('sha256', `the sha256 of the uploaded content (${sha256}); got ${options.expectedSha256}`);
      }
      await mkdir(dirname(target), { recursive: true });
      await rename(temp, target);
      return { bytes: meter.bytes, sha256 };
    } catch (error) {
      await rm(temp, { force: true });
      throw error;
    }
  }

  async get(key: string): Promise<Readable> {
    const path = this.pathOf(key);
    try {
      await access(path);
    } catch {
      throw new NotFoundError('blob', key);
    }
    return createReadStream(path);
  }

  async delete(key: string): Promise<void> {
    await rm(this.pathOf(key), { force: true });
  }

  async exists(key: string): Promise<boolean> {
    try {
      return (await stat(this.pathOf(key))).isFile();
    } catch {
      return false;
    }
  }

  private pathOf(key: string): string {
    validateBlobKey(key);
    const path = resolve(this.root, key);
    // Belt and braces after validation: the resolved path must stay under the root.
    if (!path.startsWith(this.root + sep)) throw new InputError('key', 'a path inside the blob store');
    return path;
  }
}
