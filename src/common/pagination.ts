import { ObjectLiteral, SelectQueryBuilder } from 'typeorm';
import { InputError } from './errors';

/**
 * Keyset pagination shared by every list: newest first, ordered by (created_at, id).
 * The cursor is opaque base64 of the last row's created_at (as PostgreSQL text, so the
 * microseconds a JS Date would drop survive) and id.
 * The query builder must select one entity per row (no to-many joins).
 */
export interface PageArgs {
  first?: number;
  after?: string;
}

export interface Page<T> {
  items: T[];
  nextCursor: string | null;
}

export const DEFAULT_PAGE_SIZE = 20;
export const MAX_PAGE_SIZE = 100;

interface Cursor {
  createdAt: string;
  id: string;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export function encodeCursor(cursor: Cursor): string {
  return Buffer.from(JSON.stringify([cursor.createdAt, cursor.id])).toString('base64url');
}

export function decodeCursor(raw: string): Cursor {
  try {
    const parsed: unknown = JSON.parse(Buffer.from(raw, 'base64url').toString('utf8'));
    if (Array.isArray(parsed) && parsed.length === 2) {
      const [createdAt, id] = parsed as unknown[];
      if (typeof createdAt === 'string' && !Number.isNaN(Date.parse(createdAt)) && typeof id === 'string' && UUID.test(id)) {
        return { createdAt, id };
      }
    }
  } catch {
    // fall through to the error below: any undecodable cursor is the caller's mistake
  }
  throw new InputError('after', 'a cursor returned as nextCursor by a previous page');
}

export function pageSize(first: number | undefined): number {
  if (first === undefined || first === null) return DEFAULT_PAGE_SIZE;
  if (!Number.isInteger(first) || first < 1 || first > MAX_PAGE_SIZE) {
    throw new InputError('first', `an integer between 1 and ${MAX_PAGE_SIZE}`);
  }
  return first;
}

export async function paginate<T extends ObjectLiteral>(qb: SelectQueryBuilder<T>, args: PageArgs): Promise<Page<T>> {
  const limit = pageSize(args.first);
  const alias = qb.alias;
  if (args.after !== undefined && args.after !== null && args.after !== '') {
    const cursor = decodeCursor(args.after);
    qb.andWhere(`(${alias}.created_at, ${alias}.id) < (CAST(:cursorAt AS timestamptz), CAST(:cursorId AS uuid))`, {
      cursorAt: cursor.createdAt,
      cursorId: cursor.id,
    });
  }
  qb.addSelect(`${alias}.created_at::text`, 'page_cursor_at')
    .addSelect(`${alias}.id::text`, 'page_cursor_id')
    .orderBy(`${alias}.created_at`, 'DESC')
    .addOrderBy(`${alias}.id`, 'DESC')
    .limit(limit + 1);
  const { entities, raw } = await qb.getRawAndEntities();
  const items = entities.slice(0, limit);
  let nextCursor: string | null = null;
  if (entities.length > limit) {
    const last = raw[limit - 1] as Record<string, string>;
    nextCursor = encodeCursor({ createdAt: last.page_cursor_at, id: last.page_cursor_id });
  }
  return { items, nextCursor };
}

/** Optional list filters: exact `status`, and `tags` meaning "has all of these". */
export interface ListFilter {
  status?: string;
  tags?: string[];
}

export function applyListFilter<T extends ObjectLiteral>(qb: SelectQueryBuilder<T>, filter: ListFilter): SelectQueryBuilder<T> {
  const alias = qb.alias;
  if (filter.status) qb.andWhere(`${alias}.status = :filterStatus`, { filterStatus: filter.status });
  if (filter.tags && filter.tags.length > 0) {
    // `@>` on text[] is served by the GIN index on tags.
    qb.andWhere(`${alias}.tags @> CAST(:filterTags AS text[])`, { filterTags: filter.tags });
  }
  return qb;
}
