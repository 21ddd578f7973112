import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { Repository } from 'typeorm';
import { AuditService } from '../audit/audit.service';
import type { Principal } from '../auth/principal';
import { ListFilter, Page, PageArgs } from '../common/pagination';
import { toRegistryItem } from '../common/registry.dto';
import { RegistryCreate, RegistryStore, RegistryUpdate } from '../common/registry-store';
import { DatasetEntity } from './dataset.entity';
import { DatasetDto } from './dto/dataset.dto';

/** Datasets as named, tagged containers of versions (uploads live in DatasetVersionsService). */
@Injectable()
export class DatasetsService {
  private readonly store: RegistryStore<DatasetEntity>;

  constructor(@InjectRepository(DatasetEntity) repository: Repository<DatasetEntity>, private readonly audit: AuditService) {
    this.store = new RegistryStore(repository, 'dataset');
  }

  async create(principal: Principal, input: RegistryCreate): Promise<DatasetDto> {
    const row = await this.store.create(principal.projectId, input);
    await this.audit.record(principal, 'dataset.create', 'dataset', row.id, { name: row.name });
    return toRegistryItem(row);
  }

  async get(projectId: string, id: string): Promise<DatasetDto> {
    return toRegistryItem(await this.store.get(projectId, id));
  }

  async list(projectId: string, args: PageArgs & ListFilter): Promise<Page<DatasetDto>> {
    const page = await this.store.list(projectId, args);
    return { items: page.items.map(toRegistryItem), nextCursor: page.nextCursor };
  }

  async update(principal: Principal, id: string, input: RegistryUpdate): Promise<DatasetDto> {
    const row = await this.store.update(principal.projectId, id, input);
    await this.audit.record(principal, 'dataset.update', 'dataset', id, { ...input });
    return toRegistryItem(row);
  }

  /** The dataset of this name, created if missing (built-in datasets, workers). */
  async ensure(projectId: string, input: RegistryCreate): Promise<DatasetDto> {
    const existing = await this.store.findByName(projectId, input.name);
    if (existing) return toRegistryItem(existing);
    try {
      return toRegistryItem(await this.store.create(projectId, input));
    } catch (error) {
      // Lost a race with another creator: theirs is as good as ours.
      const raced = await this.store.findByName(projectId, input.name);
      if (raced) return toRegistryItem(raced);
      throw error;
    }
  }
}
