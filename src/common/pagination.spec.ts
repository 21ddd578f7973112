import { decodeCursor, encodeCursor, MAX_PAGE_SIZE, pageSize } from './pagination';

describe('pagination helpers', () => {
  it('round-trips a cursor, keeping microseconds', () => {
    const cursor = { createdAt: '2026-11-27 03:51:12.123456+00', id: '3f1c2b9e-8d4a-4c1e-9b7a-2e5f6a7b8c9d' };
    expect(decodeCursor(encodeCursor(cursor))).toEqual(cursor);
  });

  it.each(['', 'garbage', Buffer.from('["2026-01-01", "not-a-uuid"]').toString('base64url'), Buffer.from('{"a":1}').toString('base64url')])(
    'refuses the cursor %j naming `after`',
    (raw) => {
      expect(() => decodeCursor(raw)).toThrow(expect.objectContaining({ field: 'after' }));
    },
  );

  it('defaults and bounds the page size', () => {
    expect(pageSize(undefined)).toBe(20);
    expect(pageSize(MAX_PAGE_SIZE)).toBe(MAX_PAGE_SIZE);
    expect(() => pageSize(0)).toThrow(expect.objectContaining({ field: 'first' }));
    expect(() => pageSize(MAX_PAGE_SIZE + 1)).toThrow(expect.objectContaining({ field: 'first' }));
    expect(() => pageSize(1.5)).toThrow(expect.objectContaining({ field: 'first' }));
  });
});
