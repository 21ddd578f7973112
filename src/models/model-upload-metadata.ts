import type { Request } from 'express';
import { InputError } from '../common/errors';
import { assertUuid } from '../common/parse-id.pipe';

/**
 * Lineage metadata of a streamed model upload, whose body is the weights: the parent in
 * `?parentVersionId=` (or `X-Graftwork-Parent-Version-Id`), derivation and architecture as
 * JSON objects in `X-Graftwork-Derivation` / `X-Graftwork-Architecture`.
 */
export function readModelUploadMetadata(req: Request): {
  parentVersionId?: string;
  derivation: Record<string, unknown>;
  architecture: Record<string, unknown>;
} {
  const parentRaw = header(req, 'x-graftwork-parent-version-id') ?? (typeof req.query.parentVersionId === 'string' ? req.query.parentVersionId : undefined);
  return {
    parentVersionId: parentRaw ? assertUuid(parentRaw, 'parentVersionId') : undefined,
    derivation: jsonObject(header(req, 'x-graftwork-derivation'), 'derivation'),
    architecture: jsonObject(header(req, 'x-graftwork-architecture'), 'architecture'),
  };
}

function header(req: Request, name: string): string | undefined {
  const value = req.headers[name];
  return typeof value === 'string' && value !== '' ? value : undefined;
}

function jsonObject(raw: string | undefined, field: string): Record<string, unknown> {
  if (raw === undefined) return {};
  let parsed: unknown;
  try {
    parsed = JSON.parse(raw);
  } catch {
    throw new InputError(field, 'a JSON object');
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) throw new InputError(field, 'a JSON object');
  return parsed as Record<string, unknown>;
}
