import { Column, Entity, PrimaryGeneratedColumn } from 'typeorm';

export type AttemptStatus = 'running' | 'succeeded' | 'failed' | 'cancelled' | 'lost' | 'superseded';

/** One try of a run by one worker; fencingToken orders attempts (the newest one owns the run). */
@Entity({ name: 'run_attempts' })
export class RunAttemptEntity {
  @PrimaryGeneratedColumn('uuid') id: string;
  @Column({ type: 'uuid' }) runId: string;
  @Column({ type: 'integer' }) attemptNumber: number;
  @Column({ type: 'bigint' }) fencingToken: string;
  @Column({ type: 'text' }) workerId: string;
  @Column({ type: 'text' }) hostname: string;
  @Column({ type: 'text' }) device: string;
  @Column({ type: 'text' }) status: AttemptStatus;
  @Column({ type: 'uuid', nullable: true }) resumedFromArtifactId: string | null;
  @Column({ type: 'bigint', nullable: true }) resumedFromStep: string | null;
  @Column({ type: 'text', nullable: true }) failureReason: string | null;
  @Column({ type: 'text', nullable: true }) failureMessage: string | null;
  @Column({ type: 'timestamptz' }) startedAt: Date;
  @Column({ type: 'timestamptz', nullable: true }) endedAt: Date | null;
}
