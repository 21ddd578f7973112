import { Column, CreateDateColumn, Entity, PrimaryColumn } from 'typeorm';

/**
 * One version of a model. Its weights are either an upload (blobKey) or a run artifact
 * (artifactId, with the artifact's blobKey copied in so content reads need no join).
 * parentVersionId + derivation record how it was made from another version (lineage).
 */
@Entity({ name: 'model_versions' })
export class ModelVersionEntity {
  @PrimaryColumn({ type: 'uuid' })
  id: string;

  @Column({ type: 'uuid' })
  projectId: string;

  @Column({ type: 'uuid' })
  modelId: string;

  @Column({ type: 'integer' })
  version: number;

  @Column({ type: 'text' })
  format: string;

  @Column({ type: 'text', nullable: true })
  blobKey: string | null;

  @Column({ type: 'uuid', nullable: true })
  artifactId: string | null;

  @Column({ type: 'char', length: 64, nullable: true })
  sha256: string | null;

  @Column({ type: 'bigint', nullable: true, transformer: { to: (v: number | null) => v, from: (v: string | null) => (v === null ? null : Number(v)) } })
  bytes: number | null;

  @Column({ type: 'uuid', nullable: true })
  parentVersionId: string | null;

  @Column({ type: 'jsonb', default: () => "'{}'" })
  derivation: Record<string, unknown>;

  @Column({ type: 'jsonb', default: () => "'{}'" })
  architecture: Record<string, unknown>;

  @Column({ type: 'text', array: true, default: () => "'{}'" })
  tags: string[];

  @Column({ type: 'text', default: 'ready' })
  status: string;

  @CreateDateColumn({ type: 'timestamptz' })
  createdAt: Date;
}
