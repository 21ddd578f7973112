import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { Repository } from 'typeorm';
import { ConflictError, InputError, NotFoundError } from '../common/errors';
import { ProjectEntity } from './project.entity';

export interface ProjectView {
  id: string;
  name: string;
  createdAt: Date;
}

const PROJECT_NAME = /^[a-z0-9][a-z0-9._-]{0,62}$/;

export function validateProjectName(name: unknown): string {
  if (typeof name !== 'string' || !PROJECT_NAME.test(name)) {
    throw new InputError('name', 'a project name of 1-63 lowercase letters, digits, ".", "_" or "-"');
  }
  return name;
}

/**
 * Projects are tenants. A key sees only its own project, so "list own" is one row; an
 * admin creates further projects and receives their first admin key elsewhere (CLI).
 */
@Injectable()
export class ProjectsService {
  constructor(@InjectRepository(ProjectEntity) private readonly projects: Repository<ProjectEntity>) {}

  async get(id: string): Promise<ProjectView> {
    const row = await this.projects.findOneBy({ id });
    if (!row) throw new NotFoundError('project', id);
    return toProjectView(row);
  }

  /** A new project; its name is unique across the installation. */
  async create(name: string): Promise<ProjectView> {
    validateProjectName(name);
    const result = await this.projects.createQueryBuilder().insert().values({ name }).orIgnore().returning('*').execute();
    const row = (result.raw as ProjectEntity[] | undefined)?.[0];
    if (!row) throw new ConflictError('project_exists', `a project named ${name} already exists`);
    return this.get(row.id);
  }

  /** Idempotent on the name: concurrent callers end with the same row. */
  async findOrCreate(name: string): Promise<{ project: ProjectView; created: boolean }> {
    validateProjectName(name);
    const inserted = await this.projects
      .createQueryBuilder()
      .insert()
      .values({ name })
      .orIgnore()
      .returning('*')
      .execute();
    const row = await this.projects.findOneByOrFail({ name });
    return { project: toProjectView(row), created: inserted.identifiers.length > 0 && inserted.raw.length > 0 };
  }
}

export function toProjectView(row: ProjectEntity): ProjectView {
  return { id: row.id, name: row.name, createdAt: row.createdAt };
}
