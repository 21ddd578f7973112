import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';

/**
 * API key format: `gw_<prefix>_<secret>`. The prefix (12 hex chars) is stored in clear to
 * find the row; the whole key is stored only as its sha256. Keys are high-entropy random
 * strings, so a fast hash is enough (no password stretching needed).
 */
const KEY_PATTERN = /^gw_([0-9a-f]{12})_([A-Za-z0-9_-]{43})$/;

export interface NewApiKeySecret {
  key: string;
  prefix: string;
  hash: string;
}

export function generateApiKeySecret(): NewApiKeySecret {
  const prefix = randomBytes(6).toString('hex');
  const key = `gw_${prefix}_${randomBytes(32).toString('base64url')}`;
  return { key, prefix, hash: hashApiKey(key) };
}

export function hashApiKey(key: string): string {
  return createHash('sha256').update(key, 'utf8').digest('hex');
}

/** The lookup prefix of a well-formed key, or null for anything else. */
export function apiKeyPrefix(key: string): string | null {
  return KEY_PATTERN.exec(key)?.[1] ?? null;
}

export function apiKeyMatches(key: string, storedHash: string): boolean {
  const given = Buffer.from(hashApiKey(key), 'hex');
  const stored = Buffer.from(storedHash, 'hex');
  return given.length === stored.length && timingSafeEqual(given, stored);
}
