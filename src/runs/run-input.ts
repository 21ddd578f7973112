import { InputError } from '../common/errors';
import { RUN_STATUSES, type RunStatus } from './run-status';

export interface CreateRunInput {
  kind: string;
  spec: Record<string, unknown>;
  experimentId: string | null;
  name: string;
  tags: string[];
  maxAttempts: number;
  retryBackoffMs: number;
}

const TAG = /^[A-Za-z0-9][A-Za-z0-9_.:-]{0,63}$/;

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function optionalInt(body: Record<string, unknown>, field: string, fallback: number, min: number, max: number): number {
  const value = body[field];
  if (value === undefined || value === null) return fallback;
  if (!Number.isInteger(value) || (value as number) < min || (value as number) > max) {
    throw new InputError(field, `an integer between ${min} and ${max}`);
  }
  return value as number;
}

export function parseTags(value: unknown, field = 'tags'): string[] {
  if (value === undefined || value === null) return [];
  if (!Array.isArray(value) || value.length > 32 || !value.every((t) => typeof t === 'string' && TAG.test(t))) {
    throw new InputError(field, 'an array of at most 32 tags (letters, digits, _ . : -; up to 64 characters)');
  }
  return [...new Set(value as string[])];
}

/** The create body (REST and GraphQL alike), checked field by field; the spec itself is checked against its contract later. */
export function parseCreateRun(body: unknown): CreateRunInput {
  if (!isObject(body)) throw new InputError('body', 'a JSON object');
  if (typeof body.kind !== 'string' || body.kind === '') throw new InputError('kind', 'a job kind (a file name in contracts/jobs)');
  const spec = body.spec === undefined ? {} : body.spec;
  if (!isObject(spec)) throw new InputError('spec', 'an object');
  const experimentId = body.experimentId ?? null;
  if (experimentId !== null && typeof experimentId !== 'string') throw new InputError('experimentId', 'an experiment id');
  const name = body.name ?? '';
  if (typeof name !== 'string' || name.length > 200) throw new InputError('name', 'a string of at most 200 characters');
  return {
    kind: body.kind,
    spec,
    experimentId,
    name,
    tags: parseTags(body.tags),
    maxAttempts: optionalInt(body, 'maxAttempts', 3, 1, 100),
    retryBackoffMs: optionalInt(body, 'retryBackoffMs', 5000, 0, 3_600_000),
  };
}

export function parseStatus(value: unknown): RunStatus | undefined {
  if (value === undefined || value === null || value === '') return undefined;
  if (typeof value !== 'string' || !(RUN_STATUSES as readonly string[]).includes(value)) {
    throw new InputError('status', `one of ${RUN_STATUSES.join(', ')}`);
  }
  return value as RunStatus;
}

/** Spec fields that name registry rows of the caller's project, found at any depth. */
const REFERENCES: Array<{ suffix: string; table: 'dataset_versions' | 'model_versions' }> = [
  { suffix: 'datasetversionid', table: 'dataset_versions' },
  { suffix: 'modelversionid', table: 'model_versions' },
];

export function specReferences(spec: unknown, path = 'spec'): Array<{ field: string; id: unknown; table: 'dataset_versions' | 'model_versions' }> {
  const found: Array<{ field: string; id: unknown; table: 'dataset_versions' | 'model_versions' }> = [];
  if (Array.isArray(spec)) spec.forEach((item, i) => found.push(...specReferences(item, `${path}[${i}]`)));
  else if (isObject(spec)) {
    for (const [key, value] of Object.entries(spec)) {
      const ref = REFERENCES.find((r) => key.toLowerCase().endsWith(r.suffix));
      if (ref && value !== null && value !== undefined) found.push({ field: `${path}.${key}`, id: value, table: ref.table });
      else found.push(...specReferences(value, `${path}.${key}`));
    }
  }
  return found;
}
