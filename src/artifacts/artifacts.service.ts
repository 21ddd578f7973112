import { Inject, Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { Readable } from 'node:stream';
import type { DataSource, EntityManager } from 'typeorm';
import type { Principal } from '../auth/principal';
import { InputError, NotFoundError } from '../common/errors';
import { AppConfig } from '../config/app-config';
import { APP_CONFIG } from '../config/config.module';
import { BLOB_STORE, type BlobStore, type StoredBlob } from '../storage/blob-store';
import { camelRow } from '../runs/run-row';
import { isUuid } from '../runs/runs.repository';
import type { ArtifactEntity } from './artifact.entity';

/** Path segments of letters, digits, `.`, `_`, `-`; no `..`, no leading `/`. */
const ARTIFACT_NAME = /^(?!.*\.\.)[A-Za-z0-9_][A-Za-z0-9._-]{0,127}(\/[A-Za-z0-9_][A-Za-z0-9._-]{0,127}){0,7}$/;
const ARTIFACT_KIND = /^[a-z][a-z0-9_-]{0,31}$/;

export interface ArtifactView {
  id: string;
  runId: string;
  name: string;
  kind: string;
  sha256: string;
  bytes: number;
  step: number | null;
  createdAt: string;
}

export function toArtifactView(a: ArtifactEntity): ArtifactView {
  return {
    id: a.id,
    runId: a.runId,
    name: a.name,
    kind: a.kind,
    sha256: a.sha256,
    bytes: Number(a.bytes),
    step: a.step === null ? null : Number(a.step),
    createdAt: new Date(a.createdAt).toISOString(),
  };
}

export function validateArtifactName(name: string): string {
  if (!ARTIFACT_NAME.test(name)) {
    throw new InputError('name', 'an artifact name of path segments made of letters, digits, ".", "_" or "-" (no "..")');
  }
  return name;
}

export function validateArtifactKind(kind: string | undefined): string {
  if (kind === undefined || kind === '') return 'file';
  if (!ARTIFACT_KIND.test(kind)) throw new InputError('kind', 'a lowercase word such as file, checkpoint or model');
  return kind;
}

@Injectable()
export class ArtifactsService {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    @Inject(BLOB_STORE) private readonly blobs: BlobStore,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  blobKey(runId: string, name: string): string {
    return `runs/${runId}/${name}`;
  }

  async findByName(runId: string, name: string): Promise<ArtifactEntity | null> {
    const rows = (await this.dataSource.query(`SELECT * FROM artifacts WHERE run_id = $1 AND name = $2`, [runId, name])) as Record<string, unknown>[];
    return rows[0] ? camelRow<ArtifactEntity>(rows[0]) : null;
  }

  async findById(runId: string, id: string): Promise<ArtifactEntity | null> {
    if (!isUuid(id)) return null;
    const rows = (await this.dataSource.query(`SELECT * FROM artifacts WHERE run_id = $1 AND id = $2`, [runId, id])) as Record<string, unknown>[];
    return rows[0] ? camelRow<ArtifactEntity>(rows[0]) : null;
  }

  /** Streams the upload into the blob store (size limit, checksum), all or nothing. */
  storeBlob(runId: string, name: string, content: Readable, expectedSha256?: string): Promise<StoredBlob> {
    return this.blobs.put(this.blobKey(runId, name), content, { maxBytes: this.config.maxUploadBytes, expectedSha256 });
  }

  /** Records (or replaces, for a name written again) the artifact row in the caller's transaction. */
  async upsert(
    m: EntityManager,
    row: { projectId: string; runId: string; attemptId: string | null; name: string; kind: string; blob: StoredBlob; step: number | null },
  ): Promise<ArtifactEntity> {
    const rows = (await m.query(
      `INSERT INTO artifacts (project_id, run_id, attempt_id, name, kind, blob_key, sha256, bytes, step)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)
       ON CONFLICT (run_id, name) DO UPDATE SET attempt_id = excluded.attempt_id, kind = excluded.kind, sha256 = excluded.sha256,
         bytes = excluded.bytes, step = excluded.step, updated_at = now()
       RETURNING *`,
      [row.projectId, row.runId, row.attemptId, row.name, row.kind, this.blobKey(row.runId, row.name), row.blob.sha256, row.blob.bytes, row.step],
    )) as Record<string, unknown>[];
    return camelRow<ArtifactEntity>(rows[0]);
  }

  async listForRun(principal: Principal, runId: string): Promise<ArtifactView[]> {
    if (!isUuid(runId)) throw new NotFoundError('run', runId);
    const rows = (await this.dataSource.query(
      `SELECT a.* FROM artifacts a JOIN runs r ON r.id = a.run_id WHERE a.run_id = $1 AND r.project_id = $2 ORDER BY a.created_at, a.name`,
      [runId, principal.projectId],
    )) as Record<string, unknown>[];
    return rows.map((r) => toArtifactView(camelRow<ArtifactEntity>(r)));
  }

  async get(principal: Principal, id: string): Promise<ArtifactEntity> {
    if (!isUuid(id)) throw new NotFoundError('artifact', id);
    const rows = (await this.dataSource.query(`SELECT * FROM artifacts WHERE id = $1 AND project_id = $2`, [id, principal.projectId])) as Record<string, unknown>[];
    if (!rows[0]) throw new NotFoundError('artifact', id);
    return camelRow<ArtifactEntity>(rows[0]);
  }

  async content(principal: Principal, id: string): Promise<{ artifact: ArtifactEntity; stream: Readable }> {
    const artifact = await this.get(principal, id);
    return { artifact, stream: await this.blobs.get(artifact.blobKey) };
  }
}
