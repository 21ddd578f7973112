import { ConflictError } from '../common/errors';

/** queued → running → succeeded | failed | cancelled, with cancelling between running and cancelled. */
export const RUN_STATUSES = ['queued', 'running', 'cancelling', 'succeeded', 'failed', 'cancelled'] as const;
export type RunStatus = (typeof RUN_STATUSES)[number];

export const TERMINAL_STATUSES: readonly RunStatus[] = ['succeeded', 'failed', 'cancelled'];
export const LIVE_STATUSES: readonly RunStatus[] = ['running', 'cancelling'];

/** Terminal reasons (contracts/README.md); `completed` is the reason of a success. */
export const TERMINAL_REASONS = [
  'completed',
  'user_cancelled',
  'config_error',
  'out_of_memory',
  'worker_lost',
  'max_attempts',
  'internal_error',
  'non_finite_loss',
  'dispatch_error',
] as const;
export type TerminalReason = (typeof TERMINAL_REASONS)[number];

/**
 * Every legal transition, in one place. `running → queued` is a retry after a lost or
 * failed attempt; `failed|cancelled → queued` is a user's retry.
 */
const TRANSITIONS: Record<RunStatus, readonly RunStatus[]> = {
  queued: ['running', 'cancelled', 'failed'],
  running: ['succeeded', 'failed', 'cancelling', 'queued', 'running'],
  cancelling: ['cancelled', 'succeeded', 'failed'],
  succeeded: [],
  failed: ['queued'],
  cancelled: ['queued'],
};

export function isTerminal(status: RunStatus): boolean {
  return TERMINAL_STATUSES.includes(status);
}

export function canTransition(from: RunStatus, to: RunStatus): boolean {
  return TRANSITIONS[from].includes(to);
}

/** The statuses a run may be in for a move to `to` (used in `UPDATE ... WHERE status = ANY(...)`). */
export function statusesAllowing(to: RunStatus): RunStatus[] {
  return RUN_STATUSES.filter((from) => canTransition(from, to));
}

export function assertTransition(from: RunStatus, to: RunStatus): void {
  if (!canTransition(from, to)) {
    throw new ConflictError('illegal_transition', `a ${from} run cannot become ${to}`);
  }
}
