import { Body, Controller, Get, Post } from '@nestjs/common';
import { ApiBearerAuth, ApiCreatedResponse, ApiOkResponse, ApiTags } from '@nestjs/swagger';
import { CurrentPrincipal, Roles } from '../auth/auth.decorators';
import type { Principal } from '../auth/principal';
import { CreatedProjectDto, CreateProjectInput, ProjectDto } from './dto/project.dto';
import { ProjectAdminService } from './project-admin.service';

@ApiTags('projects')
@ApiBearerAuth()
@Controller('api/v1/projects')
export class ProjectsController {
  constructor(private readonly projects: ProjectAdminService) {}

  /** The caller's own project (a key belongs to exactly one). */
  @Roles('admin')
  @Get()
  @ApiOkResponse({ type: [ProjectDto] })
  list(@CurrentPrincipal() principal: Principal): Promise<ProjectDto[]> {
    return this.projects.listOwn(principal);
  }

  @Roles('viewer')
  @Get('current')
  @ApiOkResponse({ type: ProjectDto })
  current(@CurrentPrincipal() principal: Principal): Promise<ProjectDto> {
    return this.projects.current(principal);
  }

  @Roles('admin')
  @Post()
  @ApiCreatedResponse({ type: CreatedProjectDto })
  create(@CurrentPrincipal() principal: Principal, @Body() input: CreateProjectInput): Promise<CreatedProjectDto> {
    return this.projects.create(principal, input.name);
  }
}
