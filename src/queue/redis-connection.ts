import Redis, { type RedisOptions } from 'ioredis';

/**
 * A Redis client for commands that must fail fast while Redis is down (enqueue, cancel
 * keys, publish): no offline queue, so a call errors at once instead of waiting, and the
 * caller (the outbox dispatcher) retries with backoff. The client keeps reconnecting.
 */
export function createFailFastRedis(url: string, extra: RedisOptions = {}): Redis {
  const client = new Redis(url, {
    enableOfflineQueue: false,
    maxRetriesPerRequest: 1,
    connectTimeout: 2000,
    commandTimeout: 5000,
    retryStrategy: (times) => Math.min(100 * 2 ** Math.min(times, 5), 2000),
    ...extra,
  });
  client.on('error', () => undefined); // reconnects on its own; callers see errors on their commands
  return client;
}

/** A client for blocking/subscribe use (BullMQ QueueEvents, pub/sub): waits for Redis to come back. */
export function createPatientRedis(url: string): Redis {
  const client = new Redis(url, {
    maxRetriesPerRequest: null,
    retryStrategy: (times) => Math.min(100 * 2 ** Math.min(times, 5), 2000),
  });
  client.on('error', () => undefined);
  return client;
}
