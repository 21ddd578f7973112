import { Repository } from 'typeorm';
import { AuditService } from '../audit/audit.service';
import type { Principal } from '../auth/principal';
import { ListFilter, Page, PageArgs } from './pagination';
import { RegistryItemDto, toRegistryItem } from './registry.dto';
import { RegistryEntityBase } from './registry-entity.base';
import { RegistryCreate, RegistryStore, RegistryUpdate } from './registry-store';

/**
 * The use cases shared by datasets, models and experiments: create (audited), get,
 * list with filters, update, and find-or-create by name. Each feature's service extends
 * this with its table and label, and adds what is specific to it.
 */
export abstract class RegistryService<T extends RegistryEntityBase> {
  protected readonly store: RegistryStore<T>;

  protected constructor(repository: Repository<T>, protected readonly audit: AuditService, private readonly label: string) {
    this.store = new RegistryStore(repository, label);
  }

  async create(principal: Principal, input: RegistryCreate): Promise<RegistryItemDto> {
    const row = await this.store.create(principal.projectId, input);
    await this.audit.record(principal, `${this.label}.create`, this.label, row.id, { name: row.name });
    return toRegistryItem(row);
  }

  async get(projectId: string, id: string): Promise<RegistryItemDto> {
    return toRegistryItem(await this.store.get(projectId, id));
  }

  async list(projectId: string, args: PageArgs & ListFilter): Promise<Page<RegistryItemDto>> {
    const page = await this.store.list(projectId, args);
    return { items: page.items.map(toRegistryItem), nextCursor: page.nextCursor };
  }

  async update(principal: Principal, id: string, input: RegistryUpdate): Promise<RegistryItemDto> {
    const row = await this.store.update(principal.projectId, id, input);
    await this.audit.record(principal, `${this.label}.update`, this.label, id, { ...input });
    return toRegistryItem(row);
  }

  /** The item of this name, created if missing (built-in datasets, worker registrations). */
  async ensure(projectId: string, input: RegistryCreate): Promise<RegistryItemDto> {
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
