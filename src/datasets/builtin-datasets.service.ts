import { Readable } from 'node:stream';
import { Inject, Injectable } from '@nestjs/common';
import { AppConfig } from '../config/app-config';
import { APP_CONFIG } from '../config/config.module';
import { InputError } from '../common/errors';
import { DatasetFormat } from './dataset-version.entity';
import { DatasetVersionsService } from './dataset-versions.service';
import { DatasetsService } from './datasets.service';
import { DatasetDto, DatasetVersionDto } from './dto/dataset.dto';

/** A dataset the platform can materialise on demand (for example MNIST). */
export interface BuiltinDataset {
  name: string;
  description: string;
  tags: string[];
  format: DatasetFormat;
  /** Produces the content; called only when the project does not have it yet. */
  open(): Promise<Readable> | Readable;
  stats?: Record<string, unknown>;
}

/**
 * Registration hook for built-in datasets: modules `register()` a definition at start,
 * and `ensure(projectId, name)` creates the dataset and its version in a project the
 * first time it is needed (concurrent first calls are deduplicated by content checksum).
 */
@Injectable()
export class BuiltinDatasetsService {
  private readonly builtins = new Map<string, BuiltinDataset>();

  constructor(
    private readonly datasets: DatasetsService,
    private readonly versions: DatasetVersionsService,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  register(definition: BuiltinDataset): void {
    if (this.builtins.has(definition.name)) throw new Error(`built-in dataset ${definition.name} registered twice`);
    this.builtins.set(definition.name, definition);
  }

  names(): string[] {
    return [...this.builtins.keys()].sort();
  }

  async ensure(projectId: string, name: string): Promise<{ dataset: DatasetDto; version: DatasetVersionDto }> {
    const definition = this.builtins.get(name);
    if (!definition) throw new InputError('name', `a built-in dataset: ${this.names().join(', ') || 'none registered'}`);
    const dataset = await this.datasets.ensure(projectId, {
      name: definition.name,
      description: definition.description,
      tags: [...new Set([...definition.tags, 'builtin'])],
    });
    // Built-in content never changes, so any stored version is the one: skip producing it again.
    const existing = await this.versions.latest(projectId, dataset.id);
    if (existing) return { dataset, version: existing };
    const version = await this.versions.registerIfNew(projectId, dataset.id, {
      content: await definition.open(),
      format: definition.format,
      maxBytes: this.config.maxUploadBytes,
      stats: definition.stats,
    });
    return { dataset, version };
  }
}
