import { Module } from '@nestjs/common';
import { RunsModule } from '../runs/runs.module';
import { MetricsController } from './metrics.controller';
import { MetricsRepository } from './metrics.repository';
import { MetricsService } from './metrics.service';

@Module({
  imports: [RunsModule],
  controllers: [MetricsController],
  providers: [MetricsRepository, MetricsService],
  exports: [MetricsRepository, MetricsService],
})
export class MetricsModule {}
