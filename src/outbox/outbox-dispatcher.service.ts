import { Inject, Injectable, Logger, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { DataSource } from 'typeorm';
import { AppConfig } from '../config/app-config';
import { APP_CONFIG } from '../config/config.module';
import { JobQueueService } from '../queue/job-queue.service';
import { DispatchSignal } from './dispatch-signal';
import { ENQUEUE_RUN, OutboxRepository, type OutboxRow } from './outbox.repository';

const BATCH = 200;
const MAX_BACKOFF_MS = 30_000;
/** A job still held by a worker that has not let go: look again soon. */
const BUSY_RETRY_MS = 2_000;
/** BullMQ waits for a connection rather than failing; past this, treat Redis as down and back off. */
const ENQUEUE_TIMEOUT_MS = 2_000;

function withTimeout<T>(work: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`queue did not answer within ${ms} ms`)), ms);
  });
  return Promise.race([work, timeout]).finally(() => clearTimeout(timer));
}

/** Outbox → BullMQ. Safe with several replicas (rows are claimed with SKIP LOCKED). */
@Injectable()
export class OutboxDispatcher implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger('OutboxDispatcher');
  private running = false;
  private loop: Promise<void> | null = null;

  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly outbox: OutboxRepository,
    private readonly queue: JobQueueService,
    private readonly signal: DispatchSignal,
  ) {}

  onApplicationBootstrap(): void {
    if (process.env.GRAFTWORK_DISPATCHER === 'off') return;
    this.running = true;
    this.loop = this.run();
  }

  async onApplicationShutdown(): Promise<void> {
    this.running = false;
    this.signal.wake(true);
    await this.loop;
  }

  private async run(): Promise<void> {
    while (this.running) {
      let sleepMs = this.config.dispatchIntervalMs;
      try {
        const sent = await this.dispatchOnce();
        if (sent === BATCH) continue;
        const due = await this.outbox.nextDueInMs(this.dataSource.manager);
        if (due !== null) sleepMs = Math.min(sleepMs, Math.max(5, due));
      } catch (err) {
        this.logger.warn(`dispatch pass failed: ${(err as Error).message}`);
      }
      if (this.running) await this.signal.wait(sleepMs);
    }
  }

  /** One pass: claim due rows, enqueue them, mark each sent or postpone it with backoff. Returns rows handled. */
  async dispatchOnce(): Promise<number> {
    return this.dataSource.transaction(async (m) => {
      const rows = await this.outbox.claim(m, BATCH);
      const outcomes = await Promise.all(rows.map((row) => this.send(row)));
      const sent: string[] = [];
      for (const [i, outcome] of outcomes.entries()) {
        const row = rows[i];
        if (outcome === null) sent.push(row.id);
        else await this.outbox.postpone(m, row.id, outcome.retryInMs, outcome.error);
      }
      await this.outbox.markSent(m, sent);
      return rows.length;
    });
  }

  private async send(row: OutboxRow): Promise<{ retryInMs: number; error: string } | null> {
    if (row.topic !== ENQUEUE_RUN) return null; // unknown topics are dropped rather than retried forever
    const p = row.payload;
    try {
      // A late add after a timeout is harmless: the job id is the run id, so a retry finds it and sends nothing twice.
      const outcome = await withTimeout(
        this.queue.enqueue(
          { runId: p.runId, projectId: p.projectId, kind: p.kind, spec: p.spec, enqueuedAt: new Date().toISOString() },
          { attempts: p.attempts, backoffMs: p.backoffMs },
        ),
        ENQUEUE_TIMEOUT_MS,
      );
      return outcome === 'busy' ? { retryInMs: BUSY_RETRY_MS, error: 'job still active in the queue' } : null;
    } catch (err) {
      return { retryInMs: Math.min(MAX_BACKOFF_MS, 250 * 2 ** Math.min(row.tries, 8)), error: (err as Error).message };
    }
  }
}
