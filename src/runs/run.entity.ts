import { Column, Entity, PrimaryGeneratedColumn } from 'typeorm';
import type { RunStatus } from './run-status';

/** A run of a job kind. bigint columns come back from pg as strings. */
@Entity({ name: 'runs' })
export class RunEntity {
  @PrimaryGeneratedColumn('uuid') id: string;
  @Column({ type: 'uuid' }) projectId: string;
  @Column({ type: 'uuid', nullable: true }) experimentId: string | null;
  @Column({ type: 'text' }) name: string;
  @Column({ type: 'text' }) kind: string;
  @Column({ type: 'jsonb' }) spec: Record<string, unknown>;
  @Column({ type: 'text', array: true }) tags: string[];
  @Column({ type: 'text' }) status: RunStatus;
  @Column({ type: 'text', nullable: true }) reason: string | null;
  @Column({ type: 'text', nullable: true }) message: string | null;
  @Column({ type: 'integer' }) maxAttempts: number;
  @Column({ type: 'integer' }) retryBackoffMs: number;
  @Column({ type: 'integer' }) attemptCount: number;
  @Column({ type: 'integer' }) attemptBudgetBase: number;
  @Column({ type: 'bigint' }) fencingToken: string;
  @Column({ type: 'uuid', nullable: true }) currentAttemptId: string | null;
  @Column({ type: 'timestamptz', nullable: true }) lastHeartbeatAt: Date | null;
  @Column({ type: 'double precision', nullable: true }) progressFraction: number | null;
  @Column({ type: 'text', nullable: true }) progressMessage: string | null;
  @Column({ type: 'uuid', nullable: true }) checkpointArtifactId: string | null;
  @Column({ type: 'bigint', nullable: true }) checkpointStep: string | null;
  @Column({ type: 'jsonb', nullable: true }) result: Record<string, unknown> | null;
  @Column({ type: 'timestamptz', nullable: true }) cancelRequestedAt: Date | null;
  @Column({ type: 'uuid', nullable: true }) createdByKeyId: string | null;
  @Column({ type: 'timestamptz' }) createdAt: Date;
  @Column({ type: 'timestamptz' }) updatedAt: Date;
  @Column({ type: 'timestamptz', nullable: true }) startedAt: Date | null;
  @Column({ type: 'timestamptz', nullable: true }) endedAt: Date | null;
}
