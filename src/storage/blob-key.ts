import { InputError } from '../common/errors';

/**
 * Keys are relative, slash-separated paths such as `datasets/<id>/<version>.bin`.
 * Anything that could escape the store's root or mean different things on different
 * backends is refused: `..` or `.` segments, absolute paths, backslashes, NUL and
 * other control characters, empty segments.
 */
// A leading dot is refused too: it would reach the stores' own `.incoming` folders.
const SEGMENT = /^[A-Za-z0-9_-][A-Za-z0-9._-]*$/;

export function validateBlobKey(key: string): string {
  const expected = 'a relative path of [A-Za-z0-9._-] segments separated by "/" (no "..", no leading "/")';
  if (typeof key !== 'string' || key.length === 0 || key.length > 512) throw new InputError('key', expected);
  if (key.startsWith('/') || key.includes('\\') || key.includes('\0')) throw new InputError('key', expected);
  for (const segment of key.split('/')) {
    if (segment === '' || segment === '.' || segment === '..' || !SEGMENT.test(segment)) throw new InputError('key', expected);
  }
  return key;
}

const SHA256_HEX = /^[0-9a-f]{64}$/;

export function validateSha256(value: string, field = 'sha256'): string {
  const normalized = value.toLowerCase();
  if (!SHA256_HEX.test(normalized)) throw new InputError(field, '64 hexadecimal characters (sha256)');
  return normalized;
}
