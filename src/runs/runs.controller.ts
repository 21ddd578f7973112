import { Body, Controller, Get, HttpCode, Param, Post, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiTags } from '@nestjs/swagger';
import { CurrentPrincipal, Roles } from '../auth/auth.decorators';
import type { Principal } from '../auth/principal';
import { InputError } from '../common/errors';
import type { Page } from '../common/pagination';
import { parseCreateRun, parseStatus } from './run-input';
import type { AttemptView, RunView } from './run-view';
import { RunsService } from './runs.service';

function parseFirst(value: string | undefined): number | undefined {
  if (value === undefined || value === '') return undefined;
  const n = Number(value);
  if (!Number.isInteger(n)) throw new InputError('first', 'an integer between 1 and 100');
  return n;
}

@ApiTags('runs')
@ApiBearerAuth()
@Controller('api/v1/runs')
export class RunsController {
  constructor(private readonly runs: RunsService) {}

  @Roles('editor')
  @Post()
  create(@CurrentPrincipal() principal: Principal, @Body() body: unknown): Promise<RunView> {
    return this.runs.create(principal, parseCreateRun(body));
  }

  /** Newest first; filters: status, tags (comma-separated, all must match), experimentId. */
  @Roles('viewer')
  @Get()
  list(
    @CurrentPrincipal() principal: Principal,
    @Query('status') status?: string,
    @Query('tags') tags?: string,
    @Query('experimentId') experimentId?: string,
    @Query('first') first?: string,
    @Query('after') after?: string,
  ): Promise<Page<RunView>> {
    return this.runs.list(
      principal,
      { status: parseStatus(status), tags: tags ? tags.split(',').filter(Boolean) : undefined, experimentId: experimentId || undefined },
      { first: parseFirst(first), after },
    );
  }

  @Roles('viewer')
  @Get(':id')
  get(@CurrentPrincipal() principal: Principal, @Param('id') id: string): Promise<RunView> {
    return this.runs.get(principal, id);
  }

  @Roles('viewer')
  @Get(':id/attempts')
  attempts(@CurrentPrincipal() principal: Principal, @Param('id') id: string): Promise<AttemptView[]> {
    return this.runs.attempts(principal, id);
  }

  @Roles('editor')
  @Post(':id/cancel')
  @HttpCode(200)
  cancel(@CurrentPrincipal() principal: Principal, @Param('id') id: string): Promise<RunView> {
    return this.runs.cancel(principal, id);
  }

  @Roles('editor')
  @Post(':id/retry')
  @HttpCode(200)
  retry(@CurrentPrincipal() principal: Principal, @Param('id') id: string): Promise<RunView> {
    return this.runs.retry(principal, id);
  }
}
