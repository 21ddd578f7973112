import { JsonLogger } from './json-logger';

describe('JsonLogger', () => {
  const capture = (level: 'debug' | 'info' | 'warn' | 'error') => {
    const lines: string[] = [];
    return { lines, logger: new JsonLogger(level, (line) => lines.push(line)) };
  };

  it('writes one JSON object per line with time, level, context, msg and fields', () => {
    const { lines, logger } = capture('info');
    logger.log('request', { status: 200 }, 'http');
    expect(lines).toHaveLength(1);
    const entry = JSON.parse(lines[0]);
    expect(entry).toMatchObject({ level: 'info', context: 'http', msg: 'request', fields: { status: 200 } });
    expect(Number.isNaN(Date.parse(entry.time))).toBe(false);
  });

  it('drops messages below the configured level', () => {
    const { lines, logger } = capture('warn');
    logger.log('hidden');
    logger.debug('hidden too');
    logger.warn('shown', 'ctx');
    expect(lines.map((l) => JSON.parse(l).msg)).toEqual(['shown']);
  });

  it("keeps the stack Nest passes with errors", () => {
    const { lines, logger } = capture('info');
    logger.error('boom', 'Error: boom\n    at x', 'ExceptionsHandler');
    expect(JSON.parse(lines[0])).toMatchObject({ level: 'error', msg: 'boom', stack: 'Error: boom\n    at x', context: 'ExceptionsHandler' });
  });
});
