import { Column, CreateDateColumn, PrimaryGeneratedColumn } from 'typeorm';

export const REGISTRY_STATUSES = ['active', 'archived'] as const;
export type RegistryStatus = (typeof REGISTRY_STATUSES)[number];

/** Columns shared by datasets, models and experiments (see the core migration). */
export abstract class RegistryEntityBase {
  @PrimaryGeneratedColumn('uuid')
  id: string;

  @Column({ type: 'uuid' })
  projectId: string;

  @Column({ type: 'text' })
  name: string;

  @Column({ type: 'text', default: '' })
  description: string;

  @Column({ type: 'text', array: true, default: () => "'{}'" })
  tags: string[];

  @Column({ type: 'text', default: 'active' })
  status: RegistryStatus;

  @CreateDateColumn({ type: 'timestamptz' })
  createdAt: Date;
}
