import { randomUUID } from 'node:crypto';
import { Readable } from 'node:stream';
import { Inject, Injectable } from '@nestjs/common';
import { InjectDataSource, InjectRepository } from '@nestjs/typeorm';
import { DataSource, Repository } from 'typeorm';
import { AuditService } from '../audit/audit.service';
import type { Principal } from '../auth/principal';
import { NotFoundError } from '../common/errors';
import { Page, PageArgs, paginate } from '../common/pagination';
import { insertVersionForBlob } from '../common/versioning';
import { BLOB_STORE, BlobStore, StoredBlob } from '../storage/blob-store';
import { DatasetEntity } from './dataset.entity';
import { DatasetFormat, DatasetVersionEntity } from './dataset-version.entity';
import { DatasetVersionDto, toDatasetVersionDto } from './dto/dataset.dto';

export interface DatasetUpload {
  content: Readable;
  format: DatasetFormat;
  maxBytes: number;
  expectedSha256?: string;
  stats?: Record<string, unknown>;
}

export interface VersionContent {
  stream: Readable;
  sha256: string;
  bytes: number;
  format: string;
}

/**
 * Dataset versions: immutable uploads. The bytes are stored first (all or nothing, see
 * BlobStore), then the row is inserted with the next version number; if the insert
 * fails the blob is removed, so a failed upload leaves neither row nor file.
 */
@Injectable()
export class DatasetVersionsService {
  constructor(
    @InjectRepository(DatasetVersionEntity) private readonly versions: Repository<DatasetVersionEntity>,
    @InjectRepository(DatasetEntity) private readonly datasets: Repository<DatasetEntity>,
    @InjectDataSource() private readonly dataSource: DataSource,
    @Inject(BLOB_STORE) private readonly blobs: BlobStore,
    private readonly audit: AuditService,
  ) {}

  async upload(principal: Principal, datasetId: string, upload: DatasetUpload): Promise<DatasetVersionDto> {
    await this.requireDataset(principal.projectId, datasetId);
    const id = randomUUID();
    const blobKey = `datasets/${datasetId}/${id}`;
    const stored = await this.blobs.put(blobKey, upload.content, { maxBytes: upload.maxBytes, expectedSha256: upload.expectedSha256 });
    const row = await this.insertVersion(principal.projectId, datasetId, id, blobKey, stored, upload);
    await this.audit.record(principal, 'dataset_version.create', 'dataset_version', row.id, { datasetId, version: row.version });
    return toDatasetVersionDto(row);
  }

  async list(projectId: string, datasetId: string, args: PageArgs): Promise<Page<DatasetVersionDto>> {
    await this.requireDataset(projectId, datasetId);
    const qb = this.versions
      .createQueryBuilder('version')
      .where('version.project_id = :projectId AND version.dataset_id = :datasetId', { projectId, datasetId });
    const page = await paginate(qb, args);
    return { items: page.items.map(toDatasetVersionDto), nextCursor: page.nextCursor };
  }

  async get(projectId: string, id: string): Promise<DatasetVersionDto> {
    return toDatasetVersionDto(await this.requireVersion(projectId, id));
  }

  async openContent(projectId: string, id: string): Promise<VersionContent> {
    const row = await this.requireVersion(projectId, id);
    return { stream: await this.blobs.get(row.blobKey), sha256: row.sha256, bytes: row.bytes, format: row.format };
  }

  /** The newest version of a dataset, or null when it has none. */
  async latest(projectId: string, datasetId: string): Promise<DatasetVersionDto | null> {
    const row = await this.versions.findOne({ where: { projectId, datasetId }, order: { version: 'DESC' } });
    return row ? toDatasetVersionDto(row) : null;
  }

  /**
   * Stores content as a new version unless the dataset already has a version with the
   * same sha256 (then returns that one): registering a built-in dataset twice is a no-op.
   */
  async registerIfNew(projectId: string, datasetId: string, upload: DatasetUpload): Promise<DatasetVersionDto> {
    const id = randomUUID();
    const blobKey = `datasets/${datasetId}/${id}`;
    const stored = await this.blobs.put(blobKey, upload.content, { maxBytes: upload.maxBytes, expectedSha256: upload.expectedSha256 });
    const existing = await this.versions.findOneBy({ projectId, datasetId, sha256: stored.sha256 });
    if (existing) {
      await this.blobs.delete(blobKey);
      return toDatasetVersionDto(existing);
    }
    return toDatasetVersionDto(await this.insertVersion(projectId, datasetId, id, blobKey, stored, upload));
  }

  private async insertVersion(
    projectId: string,
    datasetId: string,
    id: string,
    blobKey: string,
    stored: StoredBlob,
    upload: DatasetUpload,
  ): Promise<DatasetVersionEntity> {
    return insertVersionForBlob(
      this.dataSource,
      this.blobs,
      blobKey,
      { parentTable: 'datasets', versionTable: 'dataset_versions', parentColumn: 'dataset_id', parentId: datasetId },
      (manager, version) => {
        const repository = manager.getRepository(DatasetVersionEntity);
        return repository.save(
          repository.create({ id, projectId, datasetId, version, format: upload.format, blobKey, sha256: stored.sha256, bytes: stored.bytes, stats: upload.stats ?? {} }),
        );
      },
    );
  }

  private async requireDataset(projectId: string, datasetId: string): Promise<void> {
    if (!(await this.datasets.existsBy({ id: datasetId, projectId }))) throw new NotFoundError('dataset', datasetId);
  }

  private async requireVersion(projectId: string, id: string): Promise<DatasetVersionEntity> {
    const row = await this.versions.findOneBy({ id, projectId });
    if (!row) throw new NotFoundError('dataset version', id);
    return row;
  }
}
