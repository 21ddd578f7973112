import { Inject, Injectable, Logger, OnApplicationShutdown } from '@nestjs/common';
import { Queue, QueueEvents } from 'bullmq';
import type Redis from 'ioredis';
import { AppConfig } from '../config/app-config';
import { APP_CONFIG } from '../config/config.module';
import type { JobEnvelope } from '../contracts/generated/queue/job-envelope';
import { createFailFastRedis, createPatientRedis } from './redis-connection';

const SHUTDOWN_CLOSE_GRACE_MS = 3000;

export interface EnqueueOptions {
  attempts: number;
  backoffMs: number;
}

/** What happened to an enqueue: `added`, already there and pending (`exists`), or not possible yet (`busy`: still active). */
export type EnqueueOutcome = 'added' | 'exists' | 'busy';

export interface QueueJobEvent {
  kind: string;
  runId: string;
  event: 'failed' | 'stalled';
}

/**
 * The only code that talks to BullMQ (STYLE.md). One queue per job kind, job id = run id,
 * job name = kind. Producer connections fail fast, so a Redis outage surfaces as an error
 * the outbox dispatcher retries, never as a request hanging.
 */
@Injectable()
export class JobQueueService implements OnApplicationShutdown {
  private readonly logger = new Logger('JobQueue');
  private readonly connection: Redis;
  private readonly queues = new Map<string, Queue>();
  private readonly events: QueueEvents[] = [];
  private readonly eventConnections: Redis[] = [];

  constructor(@Inject(APP_CONFIG) private readonly config: AppConfig) {
    this.connection = createFailFastRedis(config.redisUrl);
  }

  /** The shared fail-fast client, for small commands beside the queues (cancel keys). */
  redis(): Redis {
    return this.connection;
  }

  private queue(kind: string): Queue {
    let queue = this.queues.get(kind);
    if (!queue) {
      queue = new Queue(kind, { connection: this.connection, prefix: this.config.queuePrefix });
      queue.on('error', (err) => this.logger.debug(`queue ${kind}: ${err.message}`));
      this.queues.set(kind, queue);
    }
    return queue;
  }

  /**
   * Adds the run's job unless one is already pending. A finished job with the same id is
   * removed first (BullMQ would otherwise ignore the add); an active one means the last
   * attempt's worker has not let go yet, so the caller tries again later.
   */
  async enqueue(envelope: JobEnvelope, options: EnqueueOptions): Promise<EnqueueOutcome> {
    const queue = this.queue(envelope.kind);
    const existing = await queue.getJob(envelope.runId);
    if (existing) {
      const state = await existing.getState();
      if (state === 'active') return 'busy';
      if (state !== 'completed' && state !== 'failed' && state !== 'unknown') return 'exists';
      await existing.remove();
    }
    await queue.add(envelope.kind, envelope, {
      jobId: envelope.runId,
      attempts: options.attempts,
      backoff: { type: 'exponential', delay: options.backoffMs },
      removeOnComplete: true,
      removeOnFail: { count: 1000 },
    });
    return 'added';
  }

  /** Removes a pending job (a cancelled queued run). A job a worker holds is left alone: its worker gets run_terminal. */
  async removePending(kind: string, runId: string): Promise<boolean> {
    const job = await this.queue(kind).getJob(runId);
    if (!job) return false;
    const state = await job.getState();
    if (state === 'active') return false;
    await job.remove();
    return true;
  }

  /** The job's state in Redis now (the record to trust, unlike the trimmed events stream). */
  async jobState(kind: string, runId: string): Promise<string | null> {
    const job = await this.queue(kind).getJob(runId);
    return job ? job.getState() : null;
  }

  /** Calls `listener` for failed and stalled jobs of these kinds, as hints to re-check the run. */
  watch(kinds: readonly string[], listener: (event: QueueJobEvent) => void): void {
    for (const kind of kinds) {
      // BullMQ leaves a connection it was handed open on close(), so we keep it to disconnect it ourselves.
      const connection = createPatientRedis(this.config.redisUrl);
      this.eventConnections.push(connection);
      const events = new QueueEvents(kind, { connection, prefix: this.config.queuePrefix });
      events.on('error', (err) => this.logger.debug(`queue events ${kind}: ${err.message}`));
      events.on('failed', ({ jobId }) => listener({ kind, runId: jobId, event: 'failed' }));
      events.on('stalled', ({ jobId }) => listener({ kind, runId: jobId, event: 'stalled' }));
      this.events.push(events);
    }
  }

  async onApplicationShutdown(): Promise<void> {
    // close() waits for Redis to answer; with Redis gone it would hold shutdown forever, so it
    // gets a bounded grace and the connections are then dropped regardless.
    const closing = Promise.allSettled([...this.events.map((e) => e.close()), ...[...this.queues.values()].map((q) => q.close())]);
    await Promise.race([closing, new Promise((resolve) => setTimeout(resolve, SHUTDOWN_CLOSE_GRACE_MS).unref())]);
    this.connection.disconnect();
    for (const connection of this.eventConnections) connection.disconnect();
  }
}
