import { apiKeyMatches, apiKeyPrefix, generateApiKeySecret, hashApiKey } from './api-key-secret';
import { bearerToken } from './auth.guard';

describe('API key secrets', () => {
  it('generates distinct keys whose prefix and hash identify them', () => {
    const a = generateApiKeySecret();
    const b = generateApiKeySecret();
    expect(a.key).not.toBe(b.key);
    expect(apiKeyPrefix(a.key)).toBe(a.prefix);
    expect(a.hash).toBe(hashApiKey(a.key));
    expect(a.hash).not.toContain(a.key);
    expect(apiKeyMatches(a.key, a.hash)).toBe(true);
    expect(apiKeyMatches(b.key, a.hash)).toBe(false);
  });

  it('finds no prefix in malformed keys', () => {
    expect(apiKeyPrefix('gw_short_x')).toBeNull();
    expect(apiKeyPrefix('')).toBeNull();
    expect(apiKeyPrefix(`${generateApiKeySecret().key}extra`)).toBeNull();
  });

  it('reads only well-formed Bearer headers', () => {
    expect(bearerToken('Bearer abc')).toBe('abc');
    expect(bearerToken('bearer   abc ')).toBe('abc');
    expect(bearerToken('Basic abc')).toBeNull();
    expect(bearerToken(undefined)).toBeNull();
    expect(bearerToken(['Bearer first', 'Bearer second'])).toBe('first');
  });
});
