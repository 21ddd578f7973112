import { roleSatisfies } from './role-policy';

describe('roleSatisfies', () => {
  it('orders human roles viewer < editor < admin', () => {
    expect(roleSatisfies('viewer', ['viewer'])).toBe(true);
    expect(roleSatisfies('viewer', ['editor'])).toBe(false);
    expect(roleSatisfies('editor', ['viewer'])).toBe(true);
    expect(roleSatisfies('editor', ['admin'])).toBe(false);
    expect(roleSatisfies('admin', ['editor'])).toBe(true);
  });

  it('lets a worker through only where worker is listed', () => {
    expect(roleSatisfies('worker', ['viewer'])).toBe(false);
    expect(roleSatisfies('worker', ['admin'])).toBe(false);
    expect(roleSatisfies('worker', ['viewer', 'worker'])).toBe(true);
    expect(roleSatisfies('worker', ['worker'])).toBe(true);
  });

  it('keeps humans out of worker-only routes', () => {
    expect(roleSatisfies('admin', ['worker'])).toBe(false);
    expect(roleSatisfies('viewer', ['viewer', 'worker'])).toBe(true);
  });
});
