import type { Request } from 'express';
import { AppError, InputError, PayloadTooLargeError } from '../common/errors';
import { validateSha256 } from './blob-key';

class UnsupportedMediaTypeError extends AppError {
  readonly status = 415;
  readonly code = 'unsupported_media_type';
}

export interface UploadRequest {
  /** The raw request body, not yet read: hand it to BlobStore.put. */
  stream: Request;
  format: string;
  expectedSha256?: string;
  maxBytes: number;
}

/**
 * Reads the parameters of a streamed upload (`Content-Type: application/octet-stream`)
 * from headers or query: format (`X-Graftwork-Format` / `?format=`), expected checksum
 * (`X-Graftwork-Sha256` / `?sha256=`) and an optional lower size limit
 * (`X-Graftwork-Max-Bytes` / `?maxBytes=`) under the server's MAX_UPLOAD_BYTES.
 * A declared Content-Length over the limit is refused before a byte is read.
 */
export function readUploadRequest(req: Request, allowedFormats: readonly string[] | null, serverMaxBytes: number): UploadRequest {
  const contentType = (req.headers['content-type'] ?? '').split(';')[0].trim().toLowerCase();
  if (contentType !== 'application/octet-stream') {
    throw new UnsupportedMediaTypeError('uploads must be sent as Content-Type: application/octet-stream');
  }
  const format = param(req, 'x-graftwork-format', 'format');
  if (!format) throw new InputError('format', allowedFormats ? `one of ${allowedFormats.join(', ')}` : 'a format name');
  if (allowedFormats && !allowedFormats.includes(format)) throw new InputError('format', `one of ${allowedFormats.join(', ')}`);
  if (!allowedFormats && !/^[a-z0-9][a-z0-9._-]{0,31}$/.test(format)) throw new InputError('format', 'a short lowercase format name such as hf-tar or safetensors');
  const sha256 = param(req, 'x-graftwork-sha256', 'sha256');
  const maxBytes = requestedLimit(param(req, 'x-graftwork-max-bytes', 'maxBytes'), serverMaxBytes);
  const declared = Number(req.headers['content-length']);
  if (Number.isFinite(declared) && declared > maxBytes) throw new PayloadTooLargeError(maxBytes, 'upload');
  return { stream: req, format, expectedSha256: sha256 ? validateSha256(sha256) : undefined, maxBytes };
}

function param(req: Request, header: string, query: string): string | undefined {
  const fromHeader = req.headers[header];
  if (typeof fromHeader === 'string' && fromHeader !== '') return fromHeader;
  const fromQuery = (req.query as Record<string, unknown>)[query];
  return typeof fromQuery === 'string' && fromQuery !== '' ? fromQuery : undefined;
}

function requestedLimit(raw: string | undefined, serverMaxBytes: number): number {
  if (raw === undefined) return serverMaxBytes;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < 1) throw new InputError('maxBytes', `a positive integer up to ${serverMaxBytes}`);
  return Math.min(value, serverMaxBytes);
}
