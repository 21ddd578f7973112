import type { Readable } from 'node:stream';

/** DI token of the configured BlobStore (local disk or S3), chosen by ARTIFACT_STORE. */
export const BLOB_STORE = Symbol('BLOB_STORE');

export interface PutOptions {
  /** The stream is aborted with a 413 PayloadTooLargeError past this many bytes. */
  maxBytes: number;
  /** Lowercase hex; on mismatch put fails with InputError('sha256') and stores nothing. */
  expectedSha256?: string;
}

export interface StoredBlob {
  bytes: number;
  sha256: string;
}

/**
 * Content-addressed-ish storage of uploads and artifacts. `put` is all or nothing: a
 * failed put (limit, checksum, broken stream) leaves no object behind, and a key only
 * becomes visible once the whole content is verified.
 */
export interface BlobStore {
  put(key: string, content: Readable, options: PutOptions): Promise<StoredBlob>;
  get(key: string): Promise<Readable>;
  delete(key: string): Promise<void>;
  exists(key: string): Promise<boolean>;
}
