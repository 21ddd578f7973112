import { Injectable } from '@nestjs/common';
import type { Principal } from '../auth/principal';
import { InputError } from '../common/errors';
import { RunsService } from '../runs/runs.service';
import { MetricsRepository, type Series, type SummaryRow } from './metrics.repository';

export const MAX_POINTS_LIMIT = 10_000;

export interface MetricsQuery {
  keys?: string;
  maxPoints?: string;
  context?: string;
}

@Injectable()
export class MetricsService {
  constructor(
    private readonly metrics: MetricsRepository,
    private readonly runs: RunsService,
  ) {}

  async series(principal: Principal, runId: string, query: MetricsQuery): Promise<Series[]> {
    await this.runs.get(principal, runId);
    const keys = query.keys ? query.keys.split(',').filter(Boolean) : null;
    const maxPoints = query.maxPoints === undefined || query.maxPoints === '' ? 1000 : Number(query.maxPoints);
    if (!Number.isInteger(maxPoints) || maxPoints < 1 || maxPoints > MAX_POINTS_LIMIT) {
      throw new InputError('maxPoints', `an integer between 1 and ${MAX_POINTS_LIMIT}`);
    }
    let context: Record<string, unknown> | null = null;
    if (query.context) {
      try {
        context = JSON.parse(query.context) as Record<string, unknown>;
      } catch {
        context = null;
      }
      if (typeof context !== 'object' || context === null || Array.isArray(context)) {
        throw new InputError('context', 'a JSON object such as {"client":7}');
      }
    }
    return this.metrics.downsample(runId, keys, context, maxPoints);
  }

  async summary(principal: Principal, runId: string): Promise<SummaryRow[]> {
    await this.runs.get(principal, runId);
    return this.metrics.summaries(runId);
  }
}
