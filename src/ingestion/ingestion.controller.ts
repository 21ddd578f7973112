import { Body, Controller, Headers, HttpCode, Param, Post, Put, Query, Req } from '@nestjs/common';
import { ApiBearerAuth, ApiTags } from '@nestjs/swagger';
import type { Request } from 'express';
import { CurrentPrincipal, Roles } from '../auth/auth.decorators';
import type { Principal } from '../auth/principal';
import { InputError } from '../common/errors';
import type { AttemptRequest } from '../contracts/generated/ingestion/attempt-request';
import type { AttemptResponse } from '../contracts/generated/ingestion/attempt-response';
import type { FailureRequest } from '../contracts/generated/ingestion/failure-request';
import type { ModelVersionRequest } from '../contracts/generated/ingestion/model-version-request';
import type { MetricsRequest } from '../contracts/generated/ingestion/metrics-request';
import type { ProgressRequest } from '../contracts/generated/ingestion/progress-request';
import { IngestionService } from './ingestion.service';

export const FENCING_HEADER = 'x-graftwork-fencing-token';

function fencingToken(raw: string | undefined): string {
  if (raw === undefined || !/^[1-9][0-9]{0,18}$/.test(raw)) {
    throw new InputError('X-Graftwork-Fencing-Token', 'the fencingToken returned by POST /attempts (a positive integer)');
  }
  return raw;
}

/** The worker → service API (contracts/README.md). Only `worker` keys reach it. */
@ApiTags('ingestion')
@ApiBearerAuth()
@Roles('worker')
@Controller('api/v1/ingest/runs/:runId')
export class IngestionController {
  constructor(private readonly ingestion: IngestionService) {}

  @Post('attempts')
  attempts(@CurrentPrincipal() p: Principal, @Param('runId') runId: string, @Body() body: AttemptRequest): Promise<AttemptResponse> {
    return this.ingestion.startAttempt(p, runId, body ?? {});
  }

  @Post('heartbeat')
  @HttpCode(200)
  heartbeat(@CurrentPrincipal() p: Principal, @Param('runId') runId: string, @Headers(FENCING_HEADER) token: string, @Body() body: object) {
    return this.ingestion.heartbeat(p, runId, fencingToken(token), body ?? {});
  }

  @Post('progress')
  @HttpCode(202)
  async progress(@CurrentPrincipal() p: Principal, @Param('runId') runId: string, @Headers(FENCING_HEADER) token: string, @Body() body: ProgressRequest) {
    await this.ingestion.progress(p, runId, fencingToken(token), body);
    return { accepted: true };
  }

  @Post('metrics')
  @HttpCode(200)
  metrics(@CurrentPrincipal() p: Principal, @Param('runId') runId: string, @Headers(FENCING_HEADER) token: string, @Body() body: MetricsRequest) {
    return this.ingestion.ingestMetrics(p, runId, fencingToken(token), body);
  }

  /** Raw bytes streamed to the blob store; names may contain `/` (e.g. `checkpoints/step-50.pt`). */
  @Put('artifacts/*name')
  @HttpCode(201)
  artifact(
    @CurrentPrincipal() p: Principal,
    @Param('runId') runId: string,
    @Param('name') name: string | string[],
    @Headers(FENCING_HEADER) token: string,
    @Query() query: { kind?: string; step?: string; sha256?: string },
    @Req() req: Request,
  ) {
    const joined = Array.isArray(name) ? name.join('/') : name;
    return this.ingestion.putArtifact(p, runId, fencingToken(token), joined, query, req);
  }

  @Post('result')
  @HttpCode(200)
  async result(@CurrentPrincipal() p: Principal, @Param('runId') runId: string, @Headers(FENCING_HEADER) token: string, @Body() body: { result: Record<string, unknown> }) {
    await this.ingestion.result(p, runId, fencingToken(token), body);
    return { ok: true };
  }

  @Post('failure')
  @HttpCode(200)
  failure(@CurrentPrincipal() p: Principal, @Param('runId') runId: string, @Headers(FENCING_HEADER) token: string, @Body() body: FailureRequest) {
    return this.ingestion.failure(p, runId, fencingToken(token), body);
  }

  @Post('model-versions')
  modelVersions(@CurrentPrincipal() p: Principal, @Param('runId') runId: string, @Headers(FENCING_HEADER) token: string, @Body() body: ModelVersionRequest) {
    return this.ingestion.registerModelVersion(p, runId, fencingToken(token), body);
  }

  @Post('cancelled')
  @HttpCode(200)
  async cancelled(@CurrentPrincipal() p: Principal, @Param('runId') runId: string, @Headers(FENCING_HEADER) token: string, @Body() body: { message?: string }) {
    await this.ingestion.cancelled(p, runId, fencingToken(token), body ?? {});
    return { ok: true };
  }
}
