import { Column, Entity, PrimaryColumn } from 'typeorm';

/** last / min / max / count of one series (run, key, context), kept by the batch insert. */
@Entity({ name: 'run_metric_summaries' })
export class RunMetricSummaryEntity {
  @PrimaryColumn({ type: 'uuid' }) runId: string;
  @PrimaryColumn({ type: 'text' }) key: string;
  @PrimaryColumn({ type: 'text' }) contextHash: string;
  @Column({ type: 'jsonb' }) context: Record<string, unknown>;
  @Column({ type: 'bigint' }) count: string;
  @Column({ type: 'double precision' }) min: number;
  @Column({ type: 'double precision' }) max: number;
  @Column({ type: 'bigint' }) firstStep: string;
  @Column({ type: 'bigint' }) lastStep: string;
  @Column({ type: 'double precision' }) lastValue: number;
  @Column({ type: 'timestamptz' }) updatedAt: Date;
}
