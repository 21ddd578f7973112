import type { RunAttemptEntity } from './run-attempt.entity';
import type { RunEntity } from './run.entity';
import type { RunStatus } from './run-status';

/** What clients see of a run: mapped field by field, so internal columns never leak. */
export interface RunView {
  id: string;
  projectId: string;
  experimentId: string | null;
  name: string;
  kind: string;
  spec: Record<string, unknown>;
  tags: string[];
  status: RunStatus;
  reason: string | null;
  message: string | null;
  maxAttempts: number;
  attemptCount: number;
  progress: { fraction: number; message: string } | null;
  checkpoint: { artifactId: string; step: number } | null;
  result: Record<string, unknown> | null;
  createdAt: string;
  updatedAt: string;
  startedAt: string | null;
  endedAt: string | null;
}

export interface AttemptView {
  id: string;
  attemptNumber: number;
  status: string;
  workerId: string;
  hostname: string;
  device: string;
  fencingToken: number;
  resumedFrom: { artifactId: string; step: number } | null;
  failureReason: string | null;
  failureMessage: string | null;
  startedAt: string;
  endedAt: string | null;
}

const iso = (d: Date | string | null): string | null => (d === null ? null : new Date(d).toISOString());

export function toRunView(run: RunEntity): RunView {
  return {
    id: run.id,
    projectId: run.projectId,
    experimentId: run.experimentId,
    name: run.name,
    kind: run.kind,
    spec: run.spec,
    tags: run.tags,
    status: run.status,
    reason: run.reason,
    message: run.message,
    maxAttempts: run.maxAttempts,
    attemptCount: run.attemptCount,
    progress: run.progressFraction === null ? null : { fraction: run.progressFraction, message: run.progressMessage ?? '' },
    checkpoint: run.checkpointArtifactId ? { artifactId: run.checkpointArtifactId, step: Number(run.checkpointStep ?? 0) } : null,
    result: run.result,
    createdAt: iso(run.createdAt) as string,
    updatedAt: iso(run.updatedAt) as string,
    startedAt: iso(run.startedAt),
    endedAt: iso(run.endedAt),
  };
}

export function toAttemptView(a: RunAttemptEntity): AttemptView {
  return {
    id: a.id,
    attemptNumber: a.attemptNumber,
    status: a.status,
    workerId: a.workerId,
    hostname: a.hostname,
    device: a.device,
    fencingToken: Number(a.fencingToken),
    resumedFrom: a.resumedFromArtifactId ? { artifactId: a.resumedFromArtifactId, step: Number(a.resumedFromStep ?? 0) } : null,
    failureReason: a.failureReason,
    failureMessage: a.failureMessage,
    startedAt: iso(a.startedAt) as string,
    endedAt: iso(a.endedAt),
  };
}
