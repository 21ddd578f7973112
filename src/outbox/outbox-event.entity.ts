import { Column, Entity, PrimaryGeneratedColumn } from 'typeorm';

/** A message written in the same transaction as the change it announces; the dispatcher sends it. */
@Entity({ name: 'outbox_events' })
export class OutboxEventEntity {
  @PrimaryGeneratedColumn({ type: 'bigint' }) id: string;
  @Column({ type: 'text' }) topic: string;
  @Column({ type: 'uuid', nullable: true }) runId: string | null;
  @Column({ type: 'jsonb' }) payload: Record<string, unknown>;
  @Column({ type: 'timestamptz' }) availableAt: Date;
  @Column({ type: 'integer' }) tries: number;
  @Column({ type: 'text', nullable: true }) lastError: string | null;
  @Column({ type: 'timestamptz' }) createdAt: Date;
  @Column({ type: 'timestamptz', nullable: true }) sentAt: Date | null;
}
