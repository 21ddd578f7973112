import type { RunEntity } from './run.entity';

/** snake_case row from raw SQL → the entity's camelCase shape. */
export function camelRow<T>(row: Record<string, unknown>): T {
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(row)) out[key.replace(/_([a-z])/g, (_, c: string) => c.toUpperCase())] = value;
  return out as T;
}

export type RunRow = RunEntity & { previousStatus?: RunEntity['status'] };

/** Attempts still allowed since the last user retry. */
export function attemptsLeft(run: Pick<RunEntity, 'maxAttempts' | 'attemptCount' | 'attemptBudgetBase'>): number {
  return run.maxAttempts - (run.attemptCount - run.attemptBudgetBase);
}
