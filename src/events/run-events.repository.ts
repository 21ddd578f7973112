import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { DataSource, EntityManager } from 'typeorm';
import { type RunEvent, type RunEventRow, type RunEventType, toRunEvent } from './run-event';

const REPLAY_PAGE = 500;

@Injectable()
export class RunEventsRepository {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  /** Writes an event in the caller's transaction, so it exists exactly when the change does. */
  async append(manager: EntityManager, runId: string, type: RunEventType, data: object): Promise<RunEvent> {
    const rows = (await manager.query(
      `INSERT INTO run_events (run_id, type, data) VALUES ($1, $2, $3) RETURNING id, run_id, type, data, at`,
      [runId, type, JSON.stringify(data)],
    )) as RunEventRow[];
    return toRunEvent(rows[0]);
  }

  /** Events of a run with id > afterId, oldest first, one page. */
  async after(runId: string, afterId: string, limit = REPLAY_PAGE): Promise<RunEvent[]> {
    const rows = (await this.dataSource.query(
      `SELECT id, run_id, type, data, at FROM run_events WHERE run_id = $1 AND id > $2 ORDER BY id LIMIT $3`,
      [runId, afterId, limit],
    )) as RunEventRow[];
    return rows.map(toRunEvent);
  }
}
