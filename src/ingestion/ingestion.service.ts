import { Injectable } from '@nestjs/common';
import type { Readable } from 'node:stream';
import type { EntityManager } from 'typeorm';
import type { Principal } from '../auth/principal';
import { ConflictError, InputError, NotFoundError } from '../common/errors';
import { ContractsService } from '../contracts/contracts.service';
import type { AttemptRequest } from '../contracts/generated/ingestion/attempt-request';
import type { AttemptResponse } from '../contracts/generated/ingestion/attempt-response';
import type { FailureRequest } from '../contracts/generated/ingestion/failure-request';
import type { MetricsRequest } from '../contracts/generated/ingestion/metrics-request';
import type { ProgressRequest } from '../contracts/generated/ingestion/progress-request';
import { ArtifactsService, validateArtifactKind, validateArtifactName } from '../artifacts/artifacts.service';
import type { RunEvent } from '../events/run-event';
import { RunEventsService } from '../events/run-events.service';
import { MetricsRepository } from '../metrics/metrics.repository';
import type { ModelVersionRequest } from '../contracts/generated/ingestion/model-version-request';
import { ModelVersionsService } from '../models/model-versions.service';
import { DispatchSignal } from '../outbox/dispatch-signal';
import { attemptsLeft, type RunRow } from '../runs/run-row';
import { isTerminal } from '../runs/run-status';
import { RunTransitions } from '../runs/run-transitions.service';
import { RunsRepository } from '../runs/runs.repository';

/**
 * The worker side of a run (contracts/README.md). Every write after `attempts` names the
 * attempt's fencing token and is checked against the run's current token in the same SQL
 * statement that writes, so a superseded attempt can never overwrite a newer one.
 */
@Injectable()
export class IngestionService {
  constructor(
    private readonly runs: RunsRepository,
    private readonly transitions: RunTransitions,
    private readonly events: RunEventsService,
    private readonly metrics: MetricsRepository,
    private readonly artifacts: ArtifactsService,
    private readonly contracts: ContractsService,
    private readonly signal: DispatchSignal,
    private readonly modelVersions: ModelVersionsService,
  ) {}

  private check(ref: string, body: unknown): void {
    const violation = this.contracts.check(ref, body, 'body')[0];
    if (violation) throw new InputError(violation.field, violation.expected);
  }

  /** Why a fenced write matched nothing: unknown run, newer attempt, or a finished run. */
  private async explainMiss(principal: Principal, runId: string, token: string): Promise<never> {
    const run = await this.runs.find(principal.projectId, runId);
    if (!run) throw new NotFoundError('run', runId);
    if (run.fencingToken !== token) throw new ConflictError('stale_attempt', `fencing token ${token} is not current (a newer attempt owns run ${runId})`);
    if (isTerminal(run.status)) throw new ConflictError('run_terminal', `run ${runId} is already ${run.status}`);
    throw new ConflictError('illegal_transition', `run ${runId} is ${run.status}`);
  }

  private async commit<T>(work: (m: EntityManager, events: RunEvent[]) => Promise<T>): Promise<T> {
    const events: RunEvent[] = [];
    const result = await this.runs.dataSource.transaction((m) => work(m, events));
    await this.events.publish(events);
    return result;
  }

  async startAttempt(principal: Principal, runId: string, body: AttemptRequest): Promise<AttemptResponse> {
    this.check('ingestion/attempt-request', body);
    return this.commit(async (m, events) => {
      const run = await this.runs.lock(m, principal.projectId, runId);
      if (!run) throw new NotFoundError('run', runId);
      if (run.status === 'cancelling') {
        const done = await this.transitions.finish(m, runId, 'cancelled', 'user_cancelled', 'cancelled while its worker was away');
        if (done) events.push(done.event);
      }
      if (run.status === 'cancelling' || isTerminal(run.status)) throw new ConflictError('run_terminal', `run ${runId} is already finished or cancelled`);
      if (attemptsLeft(run) <= 0) {
        const done = await this.transitions.finish(m, runId, 'failed', 'max_attempts', `all ${run.maxAttempts} attempts used`);
        if (done) events.push(done.event);
        throw new ConflictError('run_terminal', `run ${runId} has no attempts left`);
      }
      // A redelivered job while an attempt still looks alive: the newer attempt takes over.
      await m.query(`UPDATE run_attempts SET status = 'superseded', ended_at = now() WHERE run_id = $1 AND status = 'running'`, [runId]);
      const number = run.attemptCount + 1;
      const token = (BigInt(run.fencingToken) + 1n).toString();
      const rows = (await m.query(
        `INSERT INTO run_attempts (run_id, attempt_number, fencing_token, worker_id, hostname, device, resumed_from_artifact_id, resumed_from_step)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8) RETURNING id`,
        [runId, number, token, body.workerId, body.hostname, deviceLabel(body.device), run.checkpointArtifactId, run.checkpointStep],
      )) as { id: string }[];
      const attemptId = rows[0].id;
      const moved = await this.transitions.move(m, runId, 'running', {
        attempt_count: number,
        fencing_token: token,
        current_attempt_id: attemptId,
        last_heartbeat_at: new Date(),
        started_at: run.startedAt ?? new Date(),
        message: `attempt ${number} on ${body.workerId}`,
      });
      if (!moved) throw new ConflictError('illegal_transition', `run ${runId} cannot start an attempt now`);
      events.push(moved.event);
      return {
        attemptId,
        attemptNumber: number,
        fencingToken: Number(token),
        spec: run.spec,
        checkpoint: run.checkpointArtifactId ? { artifactId: run.checkpointArtifactId, step: Number(run.checkpointStep ?? 0) } : null,
      };
    });
  }

  async heartbeat(principal: Principal, runId: string, token: string, body: { progress?: { fraction: number; message: string } }): Promise<{ cancelRequested: boolean }> {
    this.check('ingestion/heartbeat-request', body);
    return this.commit(async (m, events) => {
      const rows = (await m.query(
        `UPDATE runs SET last_heartbeat_at = now(),
           progress_fraction = COALESCE($4, progress_fraction), progress_message = COALESCE($5, progress_message)
         WHERE id = $1 AND project_id = $2 AND fencing_token = $3 AND status IN ('running', 'cancelling')
         RETURNING status`,
        [runId, principal.projectId, token, body.progress?.fraction ?? null, body.progress?.message ?? null],
      )) as [{ status: string }[], number];
      const row = rows[0][0];
      if (!row) return this.explainMiss(principal, runId, token);
      if (body.progress) events.push(await this.events.append(m, runId, 'progress', body.progress));
      return { cancelRequested: row.status === 'cancelling' };
    });
  }

  async progress(principal: Principal, runId: string, token: string, body: ProgressRequest): Promise<void> {
    this.check('ingestion/progress-request', body);
    await this.commit(async (m, events) => {
      const rows = (await m.query(
        `UPDATE runs SET progress_fraction = $4, progress_message = $5, last_heartbeat_at = now()
         WHERE id = $1 AND project_id = $2 AND fencing_token = $3 AND status IN ('running', 'cancelling') RETURNING id`,
        [runId, principal.projectId, token, body.fraction, body.message],
      )) as [unknown[], number];
      if (rows[0].length === 0) return this.explainMiss(principal, runId, token);
      events.push(await this.events.append(m, runId, 'progress', body));
    });
  }

  async ingestMetrics(principal: Principal, runId: string, token: string, body: MetricsRequest): Promise<{ accepted: number; duplicates: number }> {
    this.check('ingestion/metrics-request', body);
    const run = await this.runs.find(principal.projectId, runId);
    if (!run) throw new NotFoundError('run', runId);
    return this.commit(async (m, events) => {
      const outcome = await this.metrics.insertBatch(m, runId, token, body.points);
      if (!outcome.fenced) return this.explainMiss(principal, runId, token);
      const duplicates = body.points.length - outcome.accepted;
      if (outcome.accepted > 0) {
        events.push(await this.events.append(m, runId, 'metrics', { accepted: outcome.accepted, duplicates, series: outcome.series }));
      }
      return { accepted: outcome.accepted, duplicates };
    });
  }

  async putArtifact(
    principal: Principal,
    runId: string,
    token: string,
    name: string,
    query: { kind?: string; step?: string; sha256?: string },
    content: Readable,
  ): Promise<{ id: string; name: string; sha256: string; bytes: number }> {
    validateArtifactName(name);
    const kind = validateArtifactKind(query.kind);
    const step = query.step === undefined || query.step === '' ? null : Number(query.step);
    if (step !== null && (!Number.isInteger(step) || step < 0)) throw new InputError('step', 'a non-negative integer');
    if (query.sha256 !== undefined && !/^[0-9a-f]{64}$/.test(query.sha256)) throw new InputError('sha256', '64 lowercase hex characters');
    const run = await this.runs.find(principal.projectId, runId);
    if (!run) throw new NotFoundError('run', runId);
    if (run.fencingToken !== token || !['running', 'cancelling'].includes(run.status)) {
      content.resume();
      return this.explainMiss(principal, runId, token);
    }
    const existing = await this.artifacts.findByName(runId, name);
    if (existing && query.sha256 && existing.sha256 === query.sha256) {
      content.resume(); // the same bytes again (a retried upload): answer the stored one
      return { id: existing.id, name, sha256: existing.sha256, bytes: Number(existing.bytes) };
    }
    const blob = await this.artifacts.storeBlob(runId, name, content, query.sha256);
    return this.commit(async (m, events) => {
      const fenced = (await m.query(`SELECT id FROM runs WHERE id = $1 AND fencing_token = $2 AND status IN ('running', 'cancelling') FOR SHARE`, [runId, token])) as unknown[];
      if (fenced.length === 0) return this.explainMiss(principal, runId, token);
      const artifact = await this.artifacts.upsert(m, { projectId: principal.projectId, runId, attemptId: run.currentAttemptId, name, kind, blob, step });
      if (kind === 'checkpoint') {
        await m.query(`UPDATE runs SET checkpoint_artifact_id = $2, checkpoint_step = $3 WHERE id = $1`, [runId, artifact.id, step ?? 0]);
      }
      events.push(
        await this.events.append(m, runId, 'artifact', {
          artifactId: artifact.id,
          name,
          kind,
          sha256: blob.sha256,
          bytes: blob.bytes,
          ...(step !== null ? { step } : {}),
        }),
      );
      return { id: artifact.id, name, sha256: blob.sha256, bytes: blob.bytes };
    });
  }

  /** The run succeeded; sending the same result again changes nothing. */
  async result(principal: Principal, runId: string, token: string, body: { result: Record<string, unknown> }): Promise<void> {
    this.check('ingestion/result-request', body);
    const run = await this.runs.find(principal.projectId, runId);
    if (!run) throw new NotFoundError('run', runId);
    if (this.contracts.hasSchema(`results/${run.kind}`)) {
      const violation = this.contracts.check(`results/${run.kind}`, body.result, 'result')[0];
      if (violation) throw new InputError(violation.field, violation.expected);
    }
    await this.commit(async (m, events) => {
      const done = await this.transitions.finish(m, runId, 'succeeded', 'completed', 'completed', { result: JSON.stringify(body.result) }, token);
      if (!done) {
        const now = await this.runs.find(principal.projectId, runId, m);
        if (now?.status === 'succeeded' && now.fencingToken === token) return; // idempotent repeat
        return this.explainMiss(principal, runId, token);
      }
      await m.query(`UPDATE run_attempts SET status = 'succeeded', ended_at = now() WHERE run_id = $1 AND fencing_token = $2`, [runId, token]);
      events.push(done.event);
    });
  }

  /** A failed attempt: another one when it may be retried and attempts are left, else the run fails. */
  async failure(principal: Principal, runId: string, token: string, body: FailureRequest): Promise<{ willRetry: boolean }> {
    this.check('ingestion/failure-request', body);
    const result = await this.commit(async (m, events) => {
      const run = await this.runs.lock(m, principal.projectId, runId);
      if (!run) throw new NotFoundError('run', runId);
      if (run.fencingToken !== token) return this.explainMiss(principal, runId, token);
      if (run.status === 'queued') return { willRetry: true }; // the same failure reported twice
      if (isTerminal(run.status)) return { willRetry: false };
      await m.query(
        `UPDATE run_attempts SET status = 'failed', ended_at = now(), failure_reason = $3, failure_message = $4 WHERE run_id = $1 AND fencing_token = $2`,
        [runId, token, body.reason, body.message.slice(0, 4000)],
      );
      const moved = await this.decideAfterFailure(m, run, body);
      events.push(moved.event);
      return { willRetry: moved.run.status === 'queued' };
    });
    if (result.willRetry) this.signal.wake();
    return result;
  }

  private async decideAfterFailure(m: EntityManager, run: RunRow, body: FailureRequest) {
    const token = run.fencingToken;
    if (run.status === 'cancelling') {
      return must(await this.transitions.finish(m, run.id, 'cancelled', 'user_cancelled', `cancelled; the attempt ended with: ${body.message}`, {}, token));
    }
    if (body.retryable && attemptsLeft(run) > 0) {
      return must(await this.transitions.requeue(m, run.id, `attempt ${run.attemptCount} failed (${body.reason}): ${body.message}`, token));
    }
    const reason = body.retryable ? 'max_attempts' : body.reason;
    const message = body.retryable ? `attempt ${run.attemptCount} of ${run.maxAttempts} failed (${body.reason}): ${body.message}` : body.message;
    return must(await this.transitions.finish(m, run.id, 'failed', reason, message, {}, token));
  }

  /** Registers one of this run's artifacts as a model version (lineage: parent + derivation). */
  async registerModelVersion(principal: Principal, runId: string, token: string, body: ModelVersionRequest): Promise<{ id: string }> {
    this.check('ingestion/model-version-request', body);
    const run = await this.runs.find(principal.projectId, runId);
    if (!run) throw new NotFoundError('run', runId);
    if (run.fencingToken !== token || !['running', 'cancelling'].includes(run.status)) return this.explainMiss(principal, runId, token);
    const artifact = await this.artifacts.findById(runId, body.artifactId);
    if (!artifact) throw new InputError('body.artifactId', 'the id of an artifact of this run');
    const version = await this.modelVersions.registerModelVersion({
      projectId: principal.projectId,
      modelName: body.modelName,
      blobKey: artifact.blobKey,
      artifactId: artifact.id,
      sha256: artifact.sha256,
      bytes: Number(artifact.bytes),
      format: modelFormat(artifact.name),
      parentVersionId: body.parentVersionId ?? null,
      derivation: body.derivation,
      architecture: body.architecture,
    });
    return { id: version.id };
  }

  /** The worker stopped after a requested cancel. */
  async cancelled(principal: Principal, runId: string, token: string, body: { message?: string }): Promise<void> {
    this.check('ingestion/cancelled-request', body);
    await this.commit(async (m, events) => {
      const done = await this.transitions.finish(m, runId, 'cancelled', 'user_cancelled', body.message || 'cancelled by a user', {}, token);
      if (!done) {
        const now = await this.runs.find(principal.projectId, runId, m);
        if (now?.status === 'cancelled' && now.fencingToken === token) return;
        return this.explainMiss(principal, runId, token);
      }
      await m.query(`UPDATE run_attempts SET status = 'cancelled', ended_at = now() WHERE run_id = $1 AND fencing_token = $2`, [runId, token]);
      events.push(done.event);
    });
  }
}

/** `cuda:0 (NVIDIA H100)` from a device description; a plain string is kept as it is. */
function deviceLabel(device: AttemptRequest['device']): string {
  if (typeof device === 'string') return device;
  const where = device.index === undefined ? device.type : `${device.type}:${device.index}`;
  return device.name ? `${where} (${device.name})` : where;
}

/** Format of a registered model version, from the artifact's file name. */
function modelFormat(name: string): string {
  if (name.endsWith('.safetensors')) return 'safetensors';
  if (name.endsWith('.onnx')) return 'onnx';
  return 'hf-tar';
}

function must<T>(value: T | null): T {
  if (value === null) throw new ConflictError('illegal_transition', 'the run changed status concurrently; retry the call');
  return value;
}
