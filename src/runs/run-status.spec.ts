import { assertTransition, canTransition, isTerminal, statusesAllowing } from './run-status';

describe('run status machine', () => {
  it('allows the normal path', () => {
    expect(canTransition('queued', 'running')).toBe(true);
    expect(canTransition('running', 'succeeded')).toBe(true);
    expect(canTransition('running', 'cancelling')).toBe(true);
    expect(canTransition('cancelling', 'cancelled')).toBe(true);
  });

  it('rejects skipping or leaving a success', () => {
    expect(canTransition('queued', 'succeeded')).toBe(false);
    expect(canTransition('succeeded', 'queued')).toBe(false);
    expect(canTransition('running', 'cancelled')).toBe(false);
    expect(() => assertTransition('succeeded', 'running')).toThrow(/a succeeded run cannot become running/);
  });

  it('lists the sources of a transition for SQL guards', () => {
    expect(statusesAllowing('cancelled').sort()).toEqual(['cancelling', 'queued']);
    expect(statusesAllowing('queued').sort()).toEqual(['cancelled', 'failed', 'running']);
  });

  it('knows terminal states', () => {
    expect(['succeeded', 'failed', 'cancelled'].every((s) => isTerminal(s as never))).toBe(true);
    expect(isTerminal('cancelling')).toBe(false);
  });
});
