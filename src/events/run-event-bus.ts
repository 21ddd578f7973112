import { Inject, Injectable, Logger, OnApplicationShutdown, OnModuleInit } from '@nestjs/common';
import type Redis from 'ioredis';
import { AppConfig } from '../config/app-config';
import { APP_CONFIG } from '../config/config.module';
import { createFailFastRedis, createPatientRedis } from '../queue/redis-connection';
import type { RunEvent } from './run-event';

type Listener = (event: RunEvent) => void;

/**
 * Fans run events out to every service replica: each event is published once on a Redis
 * channel, and each replica's single subscription hands it to its local listeners. While
 * Redis is down, events still reach this replica's listeners; others catch up from
 * PostgreSQL when their clients reconnect with Last-Event-ID.
 */
@Injectable()
export class RunEventBus implements OnModuleInit, OnApplicationShutdown {
  private readonly logger = new Logger('RunEventBus');
  private readonly listeners = new Map<string, Set<Listener>>();
  private readonly channel: string;
  private publisher: Redis;
  private subscriber: Redis;

  constructor(@Inject(APP_CONFIG) private readonly config: AppConfig) {
    this.channel = `${config.queuePrefix}:run-events`;
  }

  onModuleInit(): void {
    this.publisher = createFailFastRedis(this.config.redisUrl);
    this.subscriber = createPatientRedis(this.config.redisUrl);
    this.subscriber.subscribe(this.channel).catch((err: Error) => this.logger.warn(`subscribe failed: ${err.message}`));
    this.subscriber.on('message', (_channel: string, message: string) => {
      try {
        this.deliver(JSON.parse(message) as RunEvent);
      } catch (err) {
        this.logger.warn(`dropped a malformed run event: ${(err as Error).message}`);
      }
    });
  }

  async publish(events: RunEvent[]): Promise<void> {
    for (const event of events) {
      try {
        await this.publisher.publish(this.channel, JSON.stringify(event));
      } catch {
        this.deliver(event); // Redis down: at least this replica's clients hear it now
      }
    }
  }

  /** Listens to one run's events; returns the function that stops listening. */
  listen(runId: string, listener: Listener): () => void {
    let set = this.listeners.get(runId);
    if (!set) this.listeners.set(runId, (set = new Set()));
    set.add(listener);
    return () => {
      set.delete(listener);
      if (set.size === 0) this.listeners.delete(runId);
    };
  }

  private deliver(event: RunEvent): void {
    for (const listener of this.listeners.get(event.runId) ?? []) listener(event);
  }

  onApplicationShutdown(): void {
    this.publisher?.disconnect();
    this.subscriber?.disconnect();
  }
}
