import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { ENQUEUE_RUN, OutboxRepository } from '../outbox/outbox.repository';
import type { RunEvent } from '../events/run-event';
import { RunEventsService } from '../events/run-events.service';
import type { RunRow } from './run-row';
import { RunsRepository, type RunChanges } from './runs.repository';
import type { RunStatus, TerminalReason } from './run-status';

export interface Transitioned {
  run: RunRow;
  event: RunEvent;
}

/**
 * Status changes with their side rows, inside the caller's transaction: the guarded
 * UPDATE, the status event, and (for a retry) the outbox row that re-enqueues the run.
 * Used by the user-facing runs service, the ingestion API and the reconciler alike.
 */
@Injectable()
export class RunTransitions {
  constructor(
    private readonly runs: RunsRepository,
    private readonly events: RunEventsService,
    private readonly outbox: OutboxRepository,
  ) {}

  async move(m: EntityManager, runId: string, to: RunStatus, changes: RunChanges = {}, token?: string): Promise<Transitioned | null> {
    const run = await this.runs.transition(m, runId, to, changes, token);
    if (!run) return null;
    const event = await this.events.append(m, run.id, 'status', {
      status: run.status,
      previousStatus: run.previousStatus ?? null,
      ...(run.reason ? { reason: run.reason } : {}),
      ...(run.message ? { message: run.message } : {}),
      ...(run.attemptCount > 0 ? { attemptNumber: run.attemptCount } : {}),
    });
    return { run, event };
  }

  /** Ends a run for good with a machine-readable reason and a human message. */
  finish(m: EntityManager, runId: string, to: 'succeeded' | 'failed' | 'cancelled', reason: TerminalReason, message: string, extra: RunChanges = {}, token?: string) {
    return this.move(m, runId, to, { reason, message: message.slice(0, 4000), ended_at: new Date(), current_attempt_id: null, ...extra }, token);
  }

  /** Back to queued with an outbox row, held back by the run's exponential retry backoff. */
  async requeue(m: EntityManager, runId: string, message: string, token?: string): Promise<Transitioned | null> {
    const moved = await this.move(m, runId, 'queued', { reason: null, message: message.slice(0, 4000), current_attempt_id: null, ended_at: null }, token);
    if (!moved) return null;
    const { run } = moved;
    const delay = run.attemptCount === 0 ? 0 : run.retryBackoffMs * 2 ** Math.min(run.attemptCount - run.attemptBudgetBase - 1, 10);
    await this.outbox.add(m, ENQUEUE_RUN, run.id, enqueuePayload(run), Math.max(0, delay));
    return moved;
  }
}

export function enqueuePayload(run: RunRow) {
  return { runId: run.id, projectId: run.projectId, kind: run.kind, spec: run.spec, attempts: run.maxAttempts, backoffMs: run.retryBackoffMs };
}
