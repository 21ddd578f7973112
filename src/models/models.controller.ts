import { Body, Controller, Get, Inject, Param, Patch, Post, Put, Query, Req } from '@nestjs/common';
import { ApiBearerAuth, ApiConsumes, ApiCreatedResponse, ApiHeader, ApiOkResponse, ApiQuery, ApiTags } from '@nestjs/swagger';
import type { Request } from 'express';
import { CurrentPrincipal, Roles } from '../auth/auth.decorators';
import type { Principal } from '../auth/principal';
import { ListArgs, PageArgsDto } from '../common/list.dto';
import { ParseIdPipe } from '../common/parse-id.pipe';
import { AppConfig } from '../config/app-config';
import { APP_CONFIG } from '../config/config.module';
import { readUploadRequest } from '../storage/upload-request';
import { CreateModelInput, ModelDto, ModelPageDto, ModelVersionDto, ModelVersionPageDto, UpdateModelInput } from './dto/model.dto';
import { ModelVersionsService } from './model-versions.service';
import { readModelUploadMetadata } from './model-upload-metadata';
import { ModelsService } from './models.service';

@ApiTags('models')
@ApiBearerAuth()
@Controller('api/v1/models')
export class ModelsController {
  constructor(
    private readonly models: ModelsService,
    private readonly versions: ModelVersionsService,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  @Roles('editor')
  @Post()
  @ApiCreatedResponse({ type: ModelDto })
  create(@CurrentPrincipal() principal: Principal, @Body() input: CreateModelInput): Promise<ModelDto> {
    return this.models.create(principal, input);
  }

  @Get()
  @ApiOkResponse({ type: ModelPageDto })
  list(@CurrentPrincipal() principal: Principal, @Query() args: ListArgs): Promise<ModelPageDto> {
    return this.models.list(principal.projectId, args);
  }

  @Get(':id')
  @ApiOkResponse({ type: ModelDto })
  get(@CurrentPrincipal() principal: Principal, @Param('id', ParseIdPipe) id: string): Promise<ModelDto> {
    return this.models.get(principal.projectId, id);
  }

  @Roles('editor')
  @Patch(':id')
  @ApiOkResponse({ type: ModelDto })
  update(@CurrentPrincipal() principal: Principal, @Param('id', ParseIdPipe) id: string, @Body() input: UpdateModelInput): Promise<ModelDto> {
    return this.models.update(principal, id, input);
  }

  /** Streams weights (e.g. `hf-tar`: a tar of config.json + *.safetensors) into a new version. */
  @Roles('editor')
  @Put(':id/versions')
  @ApiConsumes('application/octet-stream')
  @ApiQuery({ name: 'format', required: false, description: 'e.g. hf-tar or safetensors; or header X-Graftwork-Format' })
  @ApiQuery({ name: 'sha256', required: false, description: 'expected checksum, or header X-Graftwork-Sha256' })
  @ApiQuery({ name: 'parentVersionId', required: false, description: 'lineage parent, or header X-Graftwork-Parent-Version-Id' })
  @ApiHeader({ name: 'X-Graftwork-Derivation', required: false, description: 'JSON object: how this version was derived' })
  @ApiHeader({ name: 'X-Graftwork-Architecture', required: false, description: 'JSON object: the architecture' })
  @ApiOkResponse({ type: ModelVersionDto })
  upload(@CurrentPrincipal() principal: Principal, @Param('id', ParseIdPipe) id: string, @Req() req: Request): Promise<ModelVersionDto> {
    const upload = readUploadRequest(req, null, this.config.maxUploadBytes);
    const metadata = readModelUploadMetadata(req);
    return this.versions.upload(principal, id, {
      content: upload.stream,
      format: upload.format,
      maxBytes: upload.maxBytes,
      expectedSha256: upload.expectedSha256,
      ...metadata,
    });
  }

  @Get(':id/versions')
  @ApiOkResponse({ type: ModelVersionPageDto })
  listVersions(@CurrentPrincipal() principal: Principal, @Param('id', ParseIdPipe) id: string, @Query() args: PageArgsDto): Promise<ModelVersionPageDto> {
    return this.versions.list(principal.projectId, id, args);
  }
}
