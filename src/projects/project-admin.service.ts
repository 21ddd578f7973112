import { Injectable } from '@nestjs/common';
import { AuditService } from '../audit/audit.service';
import { ApiKeysService } from '../auth/api-keys.service';
import type { Principal } from '../auth/principal';
import { CreatedProjectDto, ProjectDto } from './dto/project.dto';
import { ProjectsService } from './projects.service';

/** Project use cases behind REST and GraphQL. A key only ever sees its own project. */
@Injectable()
export class ProjectAdminService {
  constructor(private readonly projects: ProjectsService, private readonly apiKeys: ApiKeysService, private readonly audit: AuditService) {}

  async listOwn(principal: Principal): Promise<ProjectDto[]> {
    return [await this.projects.get(principal.projectId)];
  }

  current(principal: Principal): Promise<ProjectDto> {
    return this.projects.get(principal.projectId);
  }

  /** A new tenant with its first admin key: the only way to reach the new project. */
  async create(principal: Principal, name: string): Promise<CreatedProjectDto> {
    const project = await this.projects.create(name);
    const adminKey = await this.apiKeys.create(project.id, 'first admin key', 'admin');
    await this.audit.record(principal, 'project.create', 'project', project.id, { name });
    return { project, adminKey };
  }
}
