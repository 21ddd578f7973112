import { createHash, Hash } from 'node:crypto';
import { Transform, TransformCallback } from 'node:stream';
import { PayloadTooLargeError } from '../common/errors';

/**
 * Pass-through that counts and hashes what flows through it and fails the pipeline as
 * soon as the byte limit is passed, so an oversized upload is never fully written.
 */
export class MeteredStream extends Transform {
  private readonly hash: Hash = createHash('sha256');
  private count = 0;

  constructor(private readonly maxBytes: number) {
    super();
  }

  override _transform(chunk: Buffer, _encoding: BufferEncoding, callback: TransformCallback): void {
    this.count += chunk.length;
    if (this.count > this.maxBytes) {
      callback(new PayloadTooLargeError(this.maxBytes, 'upload'));
      return;
    }
    this.hash.update(chunk);
    callback(null, chunk);
  }

  get bytes(): number {
    return this.count;
  }

  /** Only valid once the stream has ended. */
  digest(): string {
    return this.hash.digest('hex');
  }
}
