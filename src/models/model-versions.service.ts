import { randomUUID } from 'node:crypto';
import { Readable } from 'node:stream';
import { Inject, Injectable, Optional } from '@nestjs/common';
import { InjectDataSource, InjectRepository } from '@nestjs/typeorm';
import { DataSource, EntityManager, Repository } from 'typeorm';
import { AuditService } from '../audit/audit.service';
import type { Principal } from '../auth/principal';
import { InputError, NotFoundError } from '../common/errors';
import { Page, PageArgs, paginate } from '../common/pagination';
import { insertVersionForBlob, withNextVersion } from '../common/versioning';
import { validateBlobKey, validateSha256 } from '../storage/blob-key';
import { BLOB_STORE, BlobStore } from '../storage/blob-store';
import { ARTIFACT_BLOB_RESOLVER, ArtifactBlobResolver } from './artifact-blob-resolver';
import { ModelVersionDto, toModelVersionDto } from './dto/model.dto';
import { ModelVersionEntity } from './model-version.entity';
import { ModelEntity } from './model.entity';
import { ModelsService } from './models.service';

export interface ModelUpload {
  content: Readable;
  format: string;
  maxBytes: number;
  expectedSha256?: string;
  parentVersionId?: string;
  derivation?: Record<string, unknown>;
  architecture?: Record<string, unknown>;
}

/** What the ingestion API passes when a run produced a model. */
export interface RegisterModelVersion {
  projectId: string;
  modelName: string;
  /** Either a stored blob, or a run artifact (resolved to its blob if blobKey is absent). */
  blobKey?: string;
  artifactId?: string;
  sha256?: string;
  bytes?: number;
  format?: string;
  parentVersionId?: string | null;
  derivation: Record<string, unknown>;
  architecture: Record<string, unknown>;
}

type NewVersionFields = Omit<ModelVersionEntity, 'id' | 'version' | 'createdAt' | 'tags' | 'status'>;

/** Longest lineage walked; far beyond any real chain of derivations. */
const MAX_LINEAGE = 1000;

/** Model versions: weights (uploaded or from a run artifact) plus lineage. */
@Injectable()
export class ModelVersionsService {
  constructor(
    @InjectRepository(ModelVersionEntity) private readonly versions: Repository<ModelVersionEntity>,
    @InjectRepository(ModelEntity) private readonly models: Repository<ModelEntity>,
    @InjectDataSource() private readonly dataSource: DataSource,
    @Inject(BLOB_STORE) private readonly blobs: BlobStore,
    private readonly modelService: ModelsService,
    private readonly audit: AuditService,
    @Optional() @Inject(ARTIFACT_BLOB_RESOLVER) private readonly artifacts?: ArtifactBlobResolver,
  ) {}

  async upload(principal: Principal, modelId: string, upload: ModelUpload): Promise<ModelVersionDto> {
    const projectId = principal.projectId;
    if (!(await this.models.existsBy({ id: modelId, projectId }))) throw new NotFoundError('model', modelId);
    await this.requireParent(projectId, upload.parentVersionId ?? null);
    const id = randomUUID();
    const blobKey = `models/${modelId}/${id}`;
    const stored = await this.blobs.put(blobKey, upload.content, { maxBytes: upload.maxBytes, expectedSha256: upload.expectedSha256 });
    const row = await insertVersionForBlob(this.dataSource, this.blobs, blobKey, this.versionTarget(modelId), (manager, version) =>
      this.insert(manager, id, version, {
        projectId,
        modelId,
        format: upload.format,
        blobKey,
        artifactId: null,
        sha256: stored.sha256,
        bytes: stored.bytes,
        parentVersionId: upload.parentVersionId ?? null,
        derivation: upload.derivation ?? {},
        architecture: upload.architecture ?? {},
      }),
    );
    await this.audit.record(principal, 'model_version.create', 'model_version', row.id, { modelId, version: row.version });
    return toModelVersionDto(row);
  }

  /** Registers a version whose weights are already stored (by a run): the ingestion API's entry. */
  async registerModelVersion(input: RegisterModelVersion): Promise<ModelVersionDto> {
    const weights = await this.resolveWeights(input);
    await this.requireParent(input.projectId, input.parentVersionId ?? null);
    const model = await this.modelService.ensure(input.projectId, { name: input.modelName });
    const row = await withNextVersion(this.dataSource, this.versionTarget(model.id), (manager, version) =>
      this.insert(manager, randomUUID(), version, {
        projectId: input.projectId,
        modelId: model.id,
        format: input.format ?? 'hf-tar',
        ...weights,
        artifactId: input.artifactId ?? null,
        parentVersionId: input.parentVersionId ?? null,
        derivation: input.derivation,
        architecture: input.architecture,
      }),
    );
    return toModelVersionDto(row);
  }

  async list(projectId: string, modelId: string, args: PageArgs): Promise<Page<ModelVersionDto>> {
    if (!(await this.models.existsBy({ id: modelId, projectId }))) throw new NotFoundError('model', modelId);
    const qb = this.versions.createQueryBuilder('version').where('version.project_id = :projectId AND version.model_id = :modelId', { projectId, modelId });
    const page = await paginate(qb, args);
    return { items: page.items.map(toModelVersionDto), nextCursor: page.nextCursor };
  }

  async get(projectId: string, id: string): Promise<ModelVersionDto> {
    return toModelVersionDto(await this.requireVersion(projectId, id));
  }

  /** Ancestors of a version, nearest first (its parent, then the parent's parent...). */
  async lineage(projectId: string, id: string): Promise<ModelVersionDto[]> {
    await this.requireVersion(projectId, id);
    const ids: Array<{ id: string }> = await this.dataSource.query(
      `WITH RECURSIVE chain(id, parent_version_id, depth) AS (
         SELECT id, parent_version_id, 0 FROM model_versions WHERE id = $1 AND project_id = $2
         UNION ALL
         SELECT mv.id, mv.parent_version_id, chain.depth + 1
         FROM model_versions mv JOIN chain ON mv.id = chain.parent_version_id
         WHERE mv.project_id = $2 AND chain.depth < $3
       )
       SELECT id FROM chain WHERE depth > 0 ORDER BY depth`,
      [id, projectId, MAX_LINEAGE],
    );
    if (ids.length === 0) return [];
    const rows = await this.versions.createQueryBuilder('v').where('v.id IN (:...ids)', { ids: ids.map((r) => r.id) }).getMany();
    const byId = new Map(rows.map((row) => [row.id, row]));
    return ids.map((r) => toModelVersionDto(byId.get(r.id) as ModelVersionEntity));
  }

  async openContent(projectId: string, id: string): Promise<{ stream: Readable; sha256: string | null; bytes: number | null; format: string }> {
    const row = await this.requireVersion(projectId, id);
    if (!row.blobKey) throw new NotFoundError('model version content', id);
    return { stream: await this.blobs.get(row.blobKey), sha256: row.sha256?.trim() ?? null, bytes: row.bytes, format: row.format };
  }

  private async resolveWeights(input: RegisterModelVersion): Promise<{ blobKey: string; sha256: string | null; bytes: number | null }> {
    if (input.blobKey) {
      validateBlobKey(input.blobKey);
      if (!(await this.blobs.exists(input.blobKey))) throw new InputError('blobKey', 'the key of a stored blob');
      return { blobKey: input.blobKey, sha256: input.sha256 ? validateSha256(input.sha256) : null, bytes: input.bytes ?? null };
    }
    if (!input.artifactId) throw new InputError('artifactId', 'an artifact id or a blobKey holding the weights');
    const ref = this.artifacts ? await this.artifacts.resolve(input.projectId, input.artifactId) : null;
    if (!ref) throw new InputError('artifactId', 'an artifact of this project');
    return ref;
  }

  private async requireParent(projectId: string, parentVersionId: string | null): Promise<void> {
    if (parentVersionId === null) return;
    if (!(await this.versions.existsBy({ id: parentVersionId, projectId }))) {
      throw new InputError('parentVersionId', 'the id of a model version in this project');
    }
  }

  private async requireVersion(projectId: string, id: string): Promise<ModelVersionEntity> {
    const row = await this.versions.findOneBy({ id, projectId });
    if (!row) throw new NotFoundError('model version', id);
    return row;
  }

  private versionTarget(modelId: string) {
    return { parentTable: 'models', versionTable: 'model_versions', parentColumn: 'model_id', parentId: modelId };
  }

  private insert(manager: EntityManager, id: string, version: number, fields: NewVersionFields): Promise<ModelVersionEntity> {
    const repository = manager.getRepository(ModelVersionEntity);
    return repository.save(repository.create({ id, version, ...fields }));
  }
}
