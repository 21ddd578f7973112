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
import { DATASET_FORMATS, DatasetFormat } from './dataset-version.entity';
import { DatasetVersionsService } from './dataset-versions.service';
import { DatasetsService } from './datasets.service';
import {
  CreateDatasetInput,
  DatasetDto,
  DatasetPageDto,
  DatasetVersionDto,
  DatasetVersionPageDto,
  UpdateDatasetInput,
} from './dto/dataset.dto';

@ApiTags('datasets')
@ApiBearerAuth()
@Controller('api/v1/datasets')
export class DatasetsController {
  constructor(
    private readonly datasets: DatasetsService,
    private readonly versions: DatasetVersionsService,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  @Roles('editor')
  @Post()
  @ApiCreatedResponse({ type: DatasetDto })
  create(@CurrentPrincipal() principal: Principal, @Body() input: CreateDatasetInput): Promise<DatasetDto> {
    return this.datasets.create(principal, input);
  }

  @Get()
  @ApiOkResponse({ type: DatasetPageDto })
  list(@CurrentPrincipal() principal: Principal, @Query() args: ListArgs): Promise<DatasetPageDto> {
    return this.datasets.list(principal.projectId, args);
  }

  @Get(':id')
  @ApiOkResponse({ type: DatasetDto })
  get(@CurrentPrincipal() principal: Principal, @Param('id', ParseIdPipe) id: string): Promise<DatasetDto> {
    return this.datasets.get(principal.projectId, id);
  }

  @Roles('editor')
  @Patch(':id')
  @ApiOkResponse({ type: DatasetDto })
  update(@CurrentPrincipal() principal: Principal, @Param('id', ParseIdPipe) id: string, @Body() input: UpdateDatasetInput): Promise<DatasetDto> {
    return this.datasets.update(principal, id, input);
  }

  /** Streams the request body into a new version; nothing is kept if it fails. */
  @Roles('editor')
  @Put(':id/versions')
  @ApiConsumes('application/octet-stream')
  @ApiQuery({ name: 'format', enum: DATASET_FORMATS, required: false, description: 'or header X-Graftwork-Format' })
  @ApiQuery({ name: 'sha256', required: false, description: 'expected checksum, or header X-Graftwork-Sha256' })
  @ApiQuery({ name: 'maxBytes', required: false, description: 'lower size limit, or header X-Graftwork-Max-Bytes' })
  @ApiHeader({ name: 'Content-Type', enum: ['application/octet-stream'] })
  @ApiOkResponse({ type: DatasetVersionDto })
  upload(@CurrentPrincipal() principal: Principal, @Param('id', ParseIdPipe) id: string, @Req() req: Request): Promise<DatasetVersionDto> {
    const upload = readUploadRequest(req, DATASET_FORMATS, this.config.maxUploadBytes);
    return this.versions.upload(principal, id, {
      content: upload.stream,
      format: upload.format as DatasetFormat,
      maxBytes: upload.maxBytes,
      expectedSha256: upload.expectedSha256,
    });
  }

  @Get(':id/versions')
  @ApiOkResponse({ type: DatasetVersionPageDto })
  listVersions(@CurrentPrincipal() principal: Principal, @Param('id', ParseIdPipe) id: string, @Query() args: PageArgsDto): Promise<DatasetVersionPageDto> {
    return this.versions.list(principal.projectId, id, args);
  }
}
