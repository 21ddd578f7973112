import { Module } from '@nestjs/common';
import { ArtifactsModule } from '../artifacts/artifacts.module';
import { EventsModule } from '../events/events.module';
import { MetricsModule } from '../metrics/metrics.module';
import { ModelsModule } from '../models/models.module';
import { RunsModule } from '../runs/runs.module';
import { IngestionController } from './ingestion.controller';
import { IngestionService } from './ingestion.service';

@Module({
  imports: [RunsModule, EventsModule, MetricsModule, ArtifactsModule, ModelsModule],
  controllers: [IngestionController],
  providers: [IngestionService],
})
export class IngestionModule {}
