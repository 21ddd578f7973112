import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';

export const ENQUEUE_RUN = 'run.enqueue';

export interface EnqueueRunPayload {
  runId: string;
  projectId: string;
  kind: string;
  spec: Record<string, unknown>;
  attempts: number;
  backoffMs: number;
}

export interface OutboxRow {
  id: string;
  topic: string;
  run_id: string | null;
  payload: EnqueueRunPayload;
  tries: number;
}

@Injectable()
export class OutboxRepository {
  /** Writes a message in the caller's transaction; `delayMs` holds it back (retry backoff). */
  async add(m: EntityManager, topic: string, runId: string, payload: EnqueueRunPayload, delayMs = 0): Promise<void> {
    await m.query(
      `INSERT INTO outbox_events (topic, run_id, payload, available_at) VALUES ($1, $2, $3, now() + make_interval(secs => $4::double precision / 1000))`,
      [topic, runId, JSON.stringify(payload), delayMs],
    );
  }

  /** Drops a run's unsent messages (a cancelled queued run must not be enqueued). */
  async discardForRun(m: EntityManager, runId: string, why: string): Promise<void> {
    await m.query(`UPDATE outbox_events SET sent_at = now(), last_error = $2 WHERE run_id = $1 AND sent_at IS NULL`, [runId, why]);
  }

  async hasPending(m: EntityManager, runId: string): Promise<boolean> {
    const rows = (await m.query(`SELECT 1 FROM outbox_events WHERE run_id = $1 AND sent_at IS NULL LIMIT 1`, [runId])) as unknown[];
    return rows.length > 0;
  }

  /** Due rows, locked; rows another replica holds are skipped, so replicas never send one twice. */
  async claim(m: EntityManager, limit: number): Promise<OutboxRow[]> {
    return (await m.query(
      `SELECT id, topic, run_id, payload, tries FROM outbox_events
       WHERE sent_at IS NULL AND available_at <= now() ORDER BY id LIMIT $1 FOR UPDATE SKIP LOCKED`,
      [limit],
    )) as OutboxRow[];
  }

  async markSent(m: EntityManager, ids: string[]): Promise<void> {
    if (ids.length > 0) await m.query(`UPDATE outbox_events SET sent_at = now(), tries = tries + 1 WHERE id = ANY($1::bigint[])`, [ids]);
  }

  async postpone(m: EntityManager, id: string, delayMs: number, error: string): Promise<void> {
    await m.query(
      `UPDATE outbox_events SET tries = tries + 1, last_error = $3,
         available_at = now() + make_interval(secs => $2::double precision / 1000) WHERE id = $1`,
      [id, delayMs, error.slice(0, 1000)],
    );
  }

  /** How long until the next unsent row is due (null: none), so the loop sleeps no longer than needed. */
  async nextDueInMs(m: EntityManager): Promise<number | null> {
    // No GREATEST in SQL: it skips NULLs, and "no pending row" must stay null (not "due now").
    const rows = (await m.query(
      `SELECT (EXTRACT(EPOCH FROM (min(available_at) - now())) * 1000)::float8 AS ms FROM outbox_events WHERE sent_at IS NULL`,
    )) as { ms: number | null }[];
    const ms = rows[0]?.ms ?? null;
    return ms === null ? null : Math.max(0, ms);
  }
}
