import { Inject, Injectable, Logger, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import { AppConfig } from '../config/app-config';
import { APP_CONFIG } from '../config/config.module';
import type { RunEvent } from '../events/run-event';
import { RunEventsService } from '../events/run-events.service';
import { DispatchSignal } from '../outbox/dispatch-signal';
import { attemptsLeft, camelRow, type RunRow } from '../runs/run-row';
import { RunTransitions } from '../runs/run-transitions.service';
import { RunsRepository } from '../runs/runs.repository';

/**
 * Finds runs whose worker went silent. The heartbeat is the signal (a slow step still
 * heartbeats from the worker's event loop; BullMQ's view is not trusted): a `running` run
 * silent for heartbeatTimeoutMs gets a new attempt (or fails with worker_lost /
 * max_attempts), and a `cancelling` one is simply cancelled.
 */
@Injectable()
export class Reconciler implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger('Reconciler');
  private timer: NodeJS.Timeout | null = null;
  private pass: Promise<unknown> = Promise.resolve();

  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly runs: RunsRepository,
    private readonly transitions: RunTransitions,
    private readonly events: RunEventsService,
    private readonly signal: DispatchSignal,
  ) {}

  onApplicationBootstrap(): void {
    this.timer = setInterval(() => {
      this.pass = this.reconcileOnce().catch((err: Error) => this.logger.warn(`reconcile pass failed: ${err.message}`));
    }, this.config.reconcileIntervalMs);
    this.timer.unref();
  }

  async onApplicationShutdown(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    await this.pass;
  }

  /** One pass; returns how many runs it changed. Rows are claimed with SKIP LOCKED, so replicas share the work. */
  async reconcileOnce(): Promise<number> {
    const events: RunEvent[] = [];
    let requeued = false;
    const changed = await this.runs.dataSource.transaction(async (m) => {
      const rows = (await m.query(
        `SELECT * FROM runs WHERE status IN ('running', 'cancelling')
           AND last_heartbeat_at < now() - make_interval(secs => $1::double precision / 1000)
         ORDER BY last_heartbeat_at LIMIT 100 FOR UPDATE SKIP LOCKED`,
        [this.config.heartbeatTimeoutMs],
      )) as Record<string, unknown>[];
      for (const run of rows.map((r) => camelRow<RunRow>(r))) {
        const silence = `no heartbeat for over ${Math.round(this.config.heartbeatTimeoutMs / 1000)} s`;
        await m.query(`UPDATE run_attempts SET status = 'lost', ended_at = now(), failure_reason = 'worker_lost', failure_message = $2 WHERE run_id = $1 AND status = 'running'`, [run.id, silence]);
        let moved;
        if (run.status === 'cancelling') {
          moved = await this.transitions.finish(m, run.id, 'cancelled', 'user_cancelled', `cancelled; the worker went silent (${silence})`);
        } else if (attemptsLeft(run) > 0) {
          moved = await this.transitions.requeue(m, run.id, `attempt ${run.attemptCount} lost: ${silence}; retrying`);
          requeued = true;
        } else {
          const reason = run.maxAttempts > 1 ? 'max_attempts' : 'worker_lost';
          moved = await this.transitions.finish(m, run.id, 'failed', reason, `attempt ${run.attemptCount} of ${run.maxAttempts} lost: ${silence}`);
        }
        if (moved) events.push(moved.event);
      }
      return rows.length;
    });
    await this.events.publish(events);
    if (requeued) this.signal.wake();
    return changed;
  }
}
