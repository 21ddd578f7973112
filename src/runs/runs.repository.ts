import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { DataSource, EntityManager } from 'typeorm';
import { applyListFilter, type Page, type PageArgs, paginate } from '../common/pagination';
import { RunAttemptEntity } from './run-attempt.entity';
import { RunEntity } from './run.entity';
import { camelRow, type RunRow } from './run-row';
import { type RunStatus, statusesAllowing } from './run-status';

export interface NewRun {
  projectId: string;
  experimentId: string | null;
  name: string;
  kind: string;
  spec: Record<string, unknown>;
  tags: string[];
  maxAttempts: number;
  retryBackoffMs: number;
  createdByKeyId: string | null;
}

export interface RunListFilter {
  status?: RunStatus;
  tags?: string[];
  experimentId?: string;
}

/** Columns a status change may set besides status (snake_case → value). */
export type RunChanges = Record<string, unknown>;

/** SQL of the runs table. Every status change goes through transition(), guarded by the status machine. */
@Injectable()
export class RunsRepository {
  constructor(@InjectDataSource() readonly dataSource: DataSource) {}

  async insert(m: EntityManager, run: NewRun): Promise<RunRow> {
    const rows = (await m.query(
      `INSERT INTO runs (project_id, experiment_id, name, kind, spec, tags, max_attempts, retry_backoff_ms, created_by_key_id)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) RETURNING *`,
      [run.projectId, run.experimentId, run.name, run.kind, JSON.stringify(run.spec), run.tags, run.maxAttempts, run.retryBackoffMs, run.createdByKeyId],
    )) as Record<string, unknown>[];
    return camelRow<RunRow>(rows[0]);
  }

  async find(projectId: string, id: string, m: EntityManager = this.dataSource.manager): Promise<RunRow | null> {
    if (!isUuid(id)) return null;
    const rows = (await m.query(`SELECT * FROM runs WHERE id = $1 AND project_id = $2`, [id, projectId])) as Record<string, unknown>[];
    return rows[0] ? camelRow<RunRow>(rows[0]) : null;
  }

  /** The run row locked for the rest of the transaction. */
  async lock(m: EntityManager, projectId: string, id: string): Promise<RunRow | null> {
    if (!isUuid(id)) return null;
    const rows = (await m.query(`SELECT * FROM runs WHERE id = $1 AND project_id = $2 FOR UPDATE`, [id, projectId])) as Record<string, unknown>[];
    return rows[0] ? camelRow<RunRow>(rows[0]) : null;
  }

  /**
   * Moves a run to `to` only from a status the machine allows (and, when given, only while
   * the run's fencing token is `token`): the check and the write are one UPDATE, so two
   * racing callers cannot both win. Returns null when nothing matched.
   */
  async transition(m: EntityManager, id: string, to: RunStatus, changes: RunChanges = {}, token?: string): Promise<RunRow | null> {
    const params: unknown[] = [id, to, statusesAllowing(to)];
    const sets = ['status = $2', 'updated_at = now()'];
    for (const [column, value] of Object.entries(changes)) {
      params.push(value);
      sets.push(`${column} = $${params.length}`);
    }
    let fence = '';
    if (token !== undefined) {
      params.push(token);
      fence = ` AND r.fencing_token = $${params.length}`;
    }
    const rows = (await m.query(
      `WITH before AS (SELECT status FROM runs WHERE id = $1 FOR UPDATE)
       UPDATE runs r SET ${sets.join(', ')} FROM before
       WHERE r.id = $1 AND before.status = ANY($3::text[])${fence}
       RETURNING r.*, before.status AS previous_status`,
      params,
    )) as [Record<string, unknown>[], number] | Record<string, unknown>[];
    const list = (Array.isArray(rows[0]) ? rows[0] : rows) as Record<string, unknown>[];
    return list[0] ? camelRow<RunRow>(list[0]) : null;
  }

  async list(projectId: string, filter: RunListFilter, page: PageArgs): Promise<Page<RunEntity>> {
    const qb = this.dataSource.getRepository(RunEntity).createQueryBuilder('r').where('r.project_id = :projectId', { projectId });
    applyListFilter(qb, { status: filter.status, tags: filter.tags });
    if (filter.experimentId) qb.andWhere('r.experiment_id = :experimentId', { experimentId: filter.experimentId });
    return paginate(qb, page);
  }

  async attempts(runId: string): Promise<RunAttemptEntity[]> {
    return this.dataSource.getRepository(RunAttemptEntity).find({ where: { runId }, order: { attemptNumber: 'ASC' } });
  }

  /** Whether `id` is a row of `table` in the project (referenced ids in a spec). */
  async existsInProject(table: 'experiments' | 'dataset_versions' | 'model_versions', projectId: string, id: string): Promise<boolean> {
    if (!isUuid(id)) return false;
    const rows = (await this.dataSource.query(`SELECT 1 FROM ${table} WHERE id = $1 AND project_id = $2`, [id, projectId])) as unknown[];
    return rows.length > 0;
  }
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
export function isUuid(value: unknown): value is string {
  return typeof value === 'string' && UUID.test(value);
}
