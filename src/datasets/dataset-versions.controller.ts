import { Controller, Get, Param, Res } from '@nestjs/common';
import { ApiBearerAuth, ApiOkResponse, ApiProduces, ApiTags } from '@nestjs/swagger';
import type { Response } from 'express';
import { CurrentPrincipal, Roles } from '../auth/auth.decorators';
import type { Principal } from '../auth/principal';
import { ParseIdPipe } from '../common/parse-id.pipe';
import { sendContent } from '../storage/send-content';
import { DatasetVersionsService } from './dataset-versions.service';
import { DatasetVersionDto } from './dto/dataset.dto';

@ApiTags('datasets')
@ApiBearerAuth()
@Controller('api/v1/dataset-versions')
export class DatasetVersionsController {
  constructor(private readonly versions: DatasetVersionsService) {}

  @Get(':id')
  @ApiOkResponse({ type: DatasetVersionDto })
  get(@CurrentPrincipal() principal: Principal, @Param('id', ParseIdPipe) id: string): Promise<DatasetVersionDto> {
    return this.versions.get(principal.projectId, id);
  }

  /** The stored bytes; workers read training data here with their own key. */
  @Roles('viewer', 'worker')
  @Get(':id/content')
  @ApiProduces('application/octet-stream')
  async content(@CurrentPrincipal() principal: Principal, @Param('id', ParseIdPipe) id: string, @Res() res: Response): Promise<void> {
    await sendContent(res, await this.versions.openContent(principal.projectId, id));
  }
}
