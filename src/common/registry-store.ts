import { Repository } from 'typeorm';
import { ConflictError, NotFoundError } from './errors';
import { ListFilter, Page, PageArgs, applyListFilter, paginate } from './pagination';
import { RegistryEntityBase, RegistryStatus } from './registry-entity.base';

export interface RegistryCreate {
  name: string;
  description?: string;
  tags?: string[];
}

export interface RegistryUpdate {
  description?: string;
  tags?: string[];
  status?: RegistryStatus;
}

const UNIQUE_VIOLATION = '23505';

/**
 * Create / get / list / update of one registry table (datasets, models, experiments),
 * always scoped by project: another project's id reads as not found.
 */
export class RegistryStore<T extends RegistryEntityBase> {
  constructor(private readonly repository: Repository<T>, private readonly label: string) {}

  async create(projectId: string, input: RegistryCreate): Promise<T> {
    try {
      return await this.repository.save(
        this.repository.create({ projectId, name: input.name, description: input.description ?? '', tags: input.tags ?? [] } as T),
      );
    } catch (error) {
      if ((error as { code?: string }).code === UNIQUE_VIOLATION) {
        throw new ConflictError(`${this.label}_exists`, `a ${this.label} named ${input.name} already exists in this project`);
      }
      throw error;
    }
  }

  async get(projectId: string, id: string): Promise<T> {
    const row = await this.repository.findOneBy({ id, projectId } as never);
    if (!row) throw new NotFoundError(this.label, id);
    return row;
  }

  async findByName(projectId: string, name: string): Promise<T | null> {
    return this.repository.findOneBy({ projectId, name } as never);
  }

  list(projectId: string, args: PageArgs & ListFilter): Promise<Page<T>> {
    const qb = this.repository.createQueryBuilder('item').where('item.project_id = :projectId', { projectId });
    return paginate(applyListFilter(qb, args), args);
  }

  async update(projectId: string, id: string, input: RegistryUpdate): Promise<T> {
    const row = await this.get(projectId, id);
    if (input.description !== undefined) row.description = input.description;
    if (input.tags !== undefined) row.tags = input.tags;
    if (input.status !== undefined) row.status = input.status;
    return this.repository.save(row);
  }
}
