import { Column, Entity, PrimaryColumn } from 'typeorm';

/**
 * One metric value. Written only by the batch insert in metrics.repository.ts (raw SQL:
 * one multi-row statement); the entity documents the table for TypeORM.
 */
@Entity({ name: 'metric_points' })
export class MetricPointEntity {
  @PrimaryColumn({ type: 'uuid' }) runId: string;
  @PrimaryColumn({ type: 'text' }) key: string;
  @PrimaryColumn({ type: 'bigint' }) step: string;
  @PrimaryColumn({ type: 'text', insert: false, update: false }) contextHash: string;
  @Column({ type: 'jsonb' }) context: Record<string, unknown>;
  @Column({ type: 'double precision' }) value: number;
  @Column({ type: 'timestamptz' }) time: Date;
}
