import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { Response } from 'express';

/**
 * Streams stored content to the client with its size and checksum, so a worker can
 * verify what it downloaded (`X-Graftwork-Sha256`) without a second request.
 */
export async function sendContent(res: Response, content: { stream: Readable; sha256: string | null; bytes: number | null; format: string }): Promise<void> {
  res.status(200);
  res.setHeader('Content-Type', 'application/octet-stream');
  res.setHeader('X-Graftwork-Format', content.format);
  if (content.bytes !== null) res.setHeader('Content-Length', String(content.bytes));
  if (content.sha256) {
    res.setHeader('X-Graftwork-Sha256', content.sha256);
    res.setHeader('ETag', `"${content.sha256}"`);
  }
  await pipeline(content.stream, res);
}
