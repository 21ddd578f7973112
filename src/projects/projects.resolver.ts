import { Args, Mutation, Query, Resolver } from '@nestjs/graphql';
import { CurrentPrincipal, Roles } from '../auth/auth.decorators';
import type { Principal } from '../auth/principal';
import { CreatedProjectDto, CreateProjectInput, ProjectDto } from './dto/project.dto';
import { ProjectAdminService } from './project-admin.service';

@Resolver(() => ProjectDto)
export class ProjectsResolver {
  constructor(private readonly admin: ProjectAdminService) {}

  @Roles('viewer')
  @Query(() => ProjectDto, { description: "the caller's project" })
  project(@CurrentPrincipal() principal: Principal): Promise<ProjectDto> {
    return this.admin.current(principal);
  }

  @Roles('admin')
  @Query(() => [ProjectDto])
  projects(@CurrentPrincipal() principal: Principal): Promise<ProjectDto[]> {
    return this.admin.listOwn(principal);
  }

  @Roles('admin')
  @Mutation(() => CreatedProjectDto)
  createProject(@CurrentPrincipal() principal: Principal, @Args('input') input: CreateProjectInput): Promise<CreatedProjectDto> {
    return this.admin.create(principal, input.name);
  }
}
