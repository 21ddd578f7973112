import { Controller, Get, Param, Res } from '@nestjs/common';
import { ApiBearerAuth, ApiOkResponse, ApiProduces, ApiTags } from '@nestjs/swagger';
import type { Response } from 'express';
import { CurrentPrincipal, Roles } from '../auth/auth.decorators';
import type { Principal } from '../auth/principal';
import { ParseIdPipe } from '../common/parse-id.pipe';
import { sendContent } from '../storage/send-content';
import { ModelVersionDto } from './dto/model.dto';
import { ModelVersionsService } from './model-versions.service';

@ApiTags('models')
@ApiBearerAuth()
@Controller('api/v1/model-versions')
export class ModelVersionsController {
  constructor(private readonly versions: ModelVersionsService) {}

  @Get(':id')
  @ApiOkResponse({ type: ModelVersionDto })
  get(@CurrentPrincipal() principal: Principal, @Param('id', ParseIdPipe) id: string): Promise<ModelVersionDto> {
    return this.versions.get(principal.projectId, id);
  }

  /** Ancestors, nearest first. */
  @Get(':id/lineage')
  @ApiOkResponse({ type: [ModelVersionDto] })
  lineage(@CurrentPrincipal() principal: Principal, @Param('id', ParseIdPipe) id: string): Promise<ModelVersionDto[]> {
    return this.versions.lineage(principal.projectId, id);
  }

  /** The weights; workers load base models here with their own key. */
  @Roles('viewer', 'worker')
  @Get(':id/content')
  @ApiProduces('application/octet-stream')
  async content(@CurrentPrincipal() principal: Principal, @Param('id', ParseIdPipe) id: string, @Res() res: Response): Promise<void> {
    await sendContent(res, await this.versions.openContent(principal.projectId, id));
  }
}
