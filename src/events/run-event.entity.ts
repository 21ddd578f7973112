import { Column, Entity, PrimaryGeneratedColumn } from 'typeorm';

/** The run event log: SSE and the subscription replay from here, then go live. */
@Entity({ name: 'run_events' })
export class RunEventEntity {
  @PrimaryGeneratedColumn({ type: 'bigint' }) id: string;
  @Column({ type: 'uuid' }) runId: string;
  @Column({ type: 'text' }) type: 'status' | 'progress' | 'metrics' | 'artifact';
  @Column({ type: 'jsonb' }) data: Record<string, unknown>;
  @Column({ type: 'timestamptz' }) at: Date;
}
