import { eventMatches } from './webhooks.service';

describe('eventMatches', () => {
  it('matches exact names and prefix.* patterns only', () => {
    expect(eventMatches('run.succeeded', 'run.succeeded')).toBe(true);
    expect(eventMatches('run.*', 'run.failed')).toBe(true);
    expect(eventMatches('run.*', 'runner.failed')).toBe(false);
    expect(eventMatches('run.succeeded', 'run.failed')).toBe(false);
    expect(eventMatches('run.*', 'run')).toBe(false);
  });
});
