import { Column, Entity, PrimaryGeneratedColumn } from 'typeorm';

/** A file a run produced, stored in the BLOB_STORE under `runs/<runId>/<name>`. */
@Entity({ name: 'artifacts' })
export class ArtifactEntity {
  @PrimaryGeneratedColumn('uuid') id: string;
  @Column({ type: 'uuid' }) projectId: string;
  @Column({ type: 'uuid' }) runId: string;
  @Column({ type: 'uuid', nullable: true }) attemptId: string | null;
  @Column({ type: 'text' }) name: string;
  @Column({ type: 'text' }) kind: string;
  @Column({ type: 'text' }) blobKey: string;
  @Column({ type: 'char', length: 64 }) sha256: string;
  @Column({ type: 'bigint' }) bytes: string;
  @Column({ type: 'bigint', nullable: true }) step: string | null;
  @Column({ type: 'timestamptz' }) createdAt: Date;
  @Column({ type: 'timestamptz' }) updatedAt: Date;
}
