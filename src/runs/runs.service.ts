import { Inject, Injectable, Logger } from '@nestjs/common';
import type { Principal } from '../auth/principal';
import { ConflictError, InputError, NotFoundError } from '../common/errors';
import type { Page, PageArgs } from '../common/pagination';
import { AppConfig } from '../config/app-config';
import { APP_CONFIG } from '../config/config.module';
import { ContractsService } from '../contracts/contracts.service';
import type { RunEvent } from '../events/run-event';
import { RunEventsService } from '../events/run-events.service';
import { DispatchSignal } from '../outbox/dispatch-signal';
import { ENQUEUE_RUN, OutboxRepository } from '../outbox/outbox.repository';
import { JobQueueService } from '../queue/job-queue.service';
import type { CreateRunInput } from './run-input';
import { specReferences } from './run-input';
import { isTerminal } from './run-status';
import { enqueuePayload, RunTransitions } from './run-transitions.service';
import { type AttemptView, type RunView, toAttemptView, toRunView } from './run-view';
import { type RunListFilter, RunsRepository } from './runs.repository';

/** How long the cancel key lives: longer than any worker's step, shorter than forever. */
const CANCEL_KEY_TTL_S = 7 * 24 * 3600;

@Injectable()
export class RunsService {
  private readonly logger = new Logger('RunsService');

  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly runs: RunsRepository,
    private readonly contracts: ContractsService,
    private readonly transitions: RunTransitions,
    private readonly events: RunEventsService,
    private readonly outbox: OutboxRepository,
    private readonly signal: DispatchSignal,
    private readonly queue: JobQueueService,
  ) {}

  /** Validates everything first, then writes the run, its outbox row and its first event in one transaction. */
  async create(principal: Principal, input: CreateRunInput): Promise<RunView> {
    const violation = this.contracts.checkSpec(input.kind, input.spec)[0];
    if (violation) throw new InputError(violation.field, violation.expected);
    if (input.experimentId !== null && !(await this.runs.existsInProject('experiments', principal.projectId, input.experimentId))) {
      throw new InputError('experimentId', 'the id of an experiment of this project');
    }
    for (const ref of specReferences(input.spec)) {
      if (!(await this.runs.existsInProject(ref.table, principal.projectId, String(ref.id)))) {
        throw new InputError(ref.field, `the id of a ${ref.table === 'dataset_versions' ? 'dataset version' : 'model version'} of this project`);
      }
    }
    const { run, event } = await this.runs.dataSource.transaction(async (m) => {
      const inserted = await this.runs.insert(m, { ...input, projectId: principal.projectId, createdByKeyId: principal.apiKeyId });
      await this.outbox.add(m, ENQUEUE_RUN, inserted.id, enqueuePayload(inserted));
      const created = await this.events.append(m, inserted.id, 'status', { status: 'queued', previousStatus: null });
      return { run: inserted, event: created };
    });
    this.signal.wake();
    await this.events.publish([event]);
    return toRunView(run);
  }

  async get(principal: Principal, id: string): Promise<RunView> {
    const run = await this.runs.find(principal.projectId, id);
    if (!run) throw new NotFoundError('run', id);
    return toRunView(run);
  }

  async list(principal: Principal, filter: RunListFilter, page: PageArgs): Promise<Page<RunView>> {
    const result = await this.runs.list(principal.projectId, filter, page);
    return { items: result.items.map(toRunView), nextCursor: result.nextCursor };
  }

  async attempts(principal: Principal, id: string): Promise<AttemptView[]> {
    await this.get(principal, id);
    return (await this.runs.attempts(id)).map(toAttemptView);
  }

  /**
   * A queued run is cancelled at once (its pending job removed); a running one becomes
   * `cancelling` and its worker is told through the heartbeat answer and the Redis key.
   */
  async cancel(principal: Principal, id: string): Promise<RunView> {
    const events: RunEvent[] = [];
    const run = await this.runs.dataSource.transaction(async (m) => {
      const current = await this.runs.lock(m, principal.projectId, id);
      if (!current) throw new NotFoundError('run', id);
      if (current.status === 'cancelling') return current;
      if (isTerminal(current.status)) throw new ConflictError('run_terminal', `run ${id} is already ${current.status}`);
      const moved =
        current.status === 'queued'
          ? await this.transitions.finish(m, id, 'cancelled', 'user_cancelled', 'cancelled before it started')
          : await this.transitions.move(m, id, 'cancelling', { cancel_requested_at: new Date(), message: 'cancel requested' });
      if (!moved) throw new ConflictError('illegal_transition', `run ${id} cannot be cancelled now`);
      if (moved.run.status === 'cancelled') await this.outbox.discardForRun(m, id, 'run cancelled');
      events.push(moved.event);
      return moved.run;
    });
    await this.events.publish(events);
    await this.relayCancel(run.kind, run.id, run.status === 'cancelled');
    return toRunView(run);
  }

  /** A failed or cancelled run gets a fresh attempt budget and goes back to the queue. */
  async retry(principal: Principal, id: string): Promise<RunView> {
    const { run, event } = await this.runs.dataSource.transaction(async (m) => {
      const current = await this.runs.lock(m, principal.projectId, id);
      if (!current) throw new NotFoundError('run', id);
      if (current.status !== 'failed' && current.status !== 'cancelled') {
        throw new ConflictError('illegal_transition', `only a failed or cancelled run can be retried (this one is ${current.status})`);
      }
      await m.query(`UPDATE runs SET attempt_budget_base = attempt_count, cancel_requested_at = NULL WHERE id = $1`, [id]);
      const moved = await this.transitions.requeue(m, id, 'retried by a user');
      if (!moved) throw new ConflictError('illegal_transition', `run ${id} cannot be retried now`);
      return moved;
    });
    this.signal.wake();
    await this.events.publish([event]);
    return toRunView(run);
  }

  /** Best effort: the heartbeat answer carries the cancel even while Redis is down. */
  private async relayCancel(kind: string, runId: string, queued: boolean): Promise<void> {
    try {
      if (queued) await this.queue.removePending(kind, runId);
      else await this.queue.redis().set(`${this.config.queuePrefix}:cancel:${runId}`, '1', 'EX', CANCEL_KEY_TTL_S);
    } catch (err) {
      this.logger.warn(`could not relay cancel of run ${runId} through Redis: ${(err as Error).message}`);
    }
  }
}
