import { Injectable, Logger, OnApplicationBootstrap } from '@nestjs/common';
import { ContractsService } from '../contracts/contracts.service';
import type { RunEvent } from '../events/run-event';
import { RunEventsService } from '../events/run-events.service';
import { OutboxRepository } from '../outbox/outbox.repository';
import { JobQueueService, type QueueJobEvent } from '../queue/job-queue.service';
import { camelRow, type RunRow } from '../runs/run-row';
import { RunTransitions } from '../runs/run-transitions.service';
import { RunsRepository } from '../runs/runs.repository';
import { Reconciler } from './reconciler.service';

/**
 * BullMQ's failed/stalled events are hints, never the record (the stream is trimmed and
 * may be missed while this replica is down): on each one we re-read the job's state from
 * Redis and the run from PostgreSQL, and act only when both agree something is stuck.
 */
@Injectable()
export class QueueWatcher implements OnApplicationBootstrap {
  private readonly logger = new Logger('QueueWatcher');

  constructor(
    private readonly queue: JobQueueService,
    private readonly contracts: ContractsService,
    private readonly runs: RunsRepository,
    private readonly transitions: RunTransitions,
    private readonly outbox: OutboxRepository,
    private readonly events: RunEventsService,
    private readonly reconciler: Reconciler,
  ) {}

  onApplicationBootstrap(): void {
    if (process.env.GRAFTWORK_QUEUE_EVENTS === 'off') return;
    this.queue.watch(this.contracts.jobKinds(), (event) => {
      this.onJobEvent(event).catch((err: Error) => this.logger.warn(`queue event of run ${event.runId}: ${err.message}`));
    });
  }

  async onJobEvent(event: QueueJobEvent): Promise<void> {
    if (event.event === 'stalled') {
      // A worker lost its job lock; whether the run is really lost is the heartbeat's call.
      await this.reconciler.reconcileOnce();
      return;
    }
    if ((await this.queue.jobState(event.kind, event.runId)) !== 'failed') return; // retried or re-added since
    const published: RunEvent[] = [];
    await this.runs.dataSource.transaction(async (m) => {
      const rows = (await m.query(`SELECT * FROM runs WHERE id = $1 FOR UPDATE`, [event.runId])) as Record<string, unknown>[];
      const run = rows[0] ? camelRow<RunRow>(rows[0]) : null;
      // Only a queued run with nothing left to send is stuck: the queue gave up before any attempt took it.
      if (!run || run.status !== 'queued' || (await this.outbox.hasPending(m, run.id))) return;
      const done = await this.transitions.finish(m, run.id, 'failed', 'dispatch_error', 'the queue gave up on the job before an attempt started');
      if (done) published.push(done.event);
    });
    await this.events.publish(published);
  }
}
