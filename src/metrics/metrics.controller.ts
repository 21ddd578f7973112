import { Controller, Get, Param, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiTags } from '@nestjs/swagger';
import { CurrentPrincipal, Roles } from '../auth/auth.decorators';
import type { Principal } from '../auth/principal';
import type { Series, SummaryRow } from './metrics.repository';
import { type MetricsQuery, MetricsService } from './metrics.service';

@ApiTags('runs')
@ApiBearerAuth()
@Controller('api/v1/runs/:id')
export class MetricsController {
  constructor(private readonly metrics: MetricsService) {}

  /** Series per key and context, downsampled in SQL to at most maxPoints each (min and max kept per bucket). */
  @Roles('viewer')
  @Get('metrics')
  async series(@CurrentPrincipal() principal: Principal, @Param('id') id: string, @Query() query: MetricsQuery): Promise<{ series: Series[] }> {
    return { series: await this.metrics.series(principal, id, query) };
  }

  @Roles('viewer')
  @Get('metrics/summary')
  async summary(@CurrentPrincipal() principal: Principal, @Param('id') id: string): Promise<{ summary: SummaryRow[] }> {
    return { summary: await this.metrics.summary(principal, id) };
  }
}
