import { Column, CreateDateColumn, Entity, PrimaryColumn } from 'typeorm';

export const DATASET_FORMATS = ['csv', 'jsonl', 'text', 'npz', 'tar'] as const;
export type DatasetFormat = (typeof DATASET_FORMATS)[number];

/** One immutable upload of a dataset: its bytes live in the blob store under blobKey. */
@Entity({ name: 'dataset_versions' })
export class DatasetVersionEntity {
  // Chosen before the upload so the blob key can carry it.
  @PrimaryColumn({ type: 'uuid' })
  id: string;

  @Column({ type: 'uuid' })
  projectId: string;

  @Column({ type: 'uuid' })
  datasetId: string;

  @Column({ type: 'integer' })
  version: number;

  @Column({ type: 'text' })
  format: DatasetFormat;

  @Column({ type: 'text' })
  blobKey: string;

  @Column({ type: 'char', length: 64 })
  sha256: string;

  // bigint comes back from pg as a string; uploads stay far below 2^53.
  @Column({ type: 'bigint', transformer: { to: (v: number) => v, from: (v: string) => Number(v) } })
  bytes: number;

  @Column({ type: 'jsonb', default: () => "'{}'" })
  stats: Record<string, unknown>;

  @Column({ type: 'text', array: true, default: () => "'{}'" })
  tags: string[];

  @Column({ type: 'text', default: 'ready' })
  status: string;

  @CreateDateColumn({ type: 'timestamptz' })
  createdAt: Date;
}
