import type { Role } from './principal';

/**
 * Human roles are ordered viewer < editor < admin and a requirement names the minimum.
 * `worker` is outside the order: a worker key passes only where `worker` is listed
 * explicitly, so it can never reach a route just because it is "low enough".
 */
const RANK: Record<Exclude<Role, 'worker'>, number> = { viewer: 1, editor: 2, admin: 3 };

export function roleSatisfies(role: Role, required: readonly Role[]): boolean {
  if (role === 'worker') return required.includes('worker');
  const humanMinimums = required.filter((r): r is Exclude<Role, 'worker'> => r !== 'worker');
  if (humanMinimums.length === 0) return false;
  const minimum = Math.min(...humanMinimums.map((r) => RANK[r]));
  return RANK[role] >= minimum;
}
