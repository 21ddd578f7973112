import { Controller, Get, Param, Res } from '@nestjs/common';
import { ApiBearerAuth, ApiTags } from '@nestjs/swagger';
import type { Response } from 'express';
import { pipeline } from 'node:stream/promises';
import { CurrentPrincipal, Roles } from '../auth/auth.decorators';
import type { Principal } from '../auth/principal';
import { type ArtifactView, ArtifactsService } from './artifacts.service';

@ApiTags('artifacts')
@ApiBearerAuth()
@Controller('api/v1')
export class ArtifactsController {
  constructor(private readonly artifacts: ArtifactsService) {}

  @Roles('viewer')
  @Get('runs/:id/artifacts')
  async list(@CurrentPrincipal() principal: Principal, @Param('id') id: string): Promise<{ items: ArtifactView[] }> {
    return { items: await this.artifacts.listForRun(principal, id) };
  }

  /** The bytes, streamed; workers may read their own project's artifacts (checkpoints). */
  @Roles('viewer', 'worker')
  @Get('artifacts/:id/content')
  async content(@CurrentPrincipal() principal: Principal, @Param('id') id: string, @Res() res: Response): Promise<void> {
    const { artifact, stream } = await this.artifacts.content(principal, id);
    res.setHeader('Content-Type', 'application/octet-stream');
    res.setHeader('Content-Length', String(artifact.bytes));
    res.setHeader('X-Graftwork-Sha256', artifact.sha256);
    res.setHeader('Content-Disposition', `attachment; filename="${artifact.name.split('/').pop() ?? 'artifact'}"`);
    await pipeline(stream, res);
  }
}
