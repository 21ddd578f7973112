import { Module } from '@nestjs/common';
import { ArtifactsModule } from '../artifacts/artifacts.module';
import { ContractsModule } from '../contracts/contracts.module';
import { EventsApiModule } from '../events/events-api.module';
import { IngestionModule } from '../ingestion/ingestion.module';
import { MetricsModule } from '../metrics/metrics.module';
import { OutboxModule } from '../outbox/outbox.module';
import { QueueModule } from '../queue/queue.module';
import { ReconcilerModule } from '../reconciler/reconciler.module';
import { EventsModule } from '../events/events.module';
import { RunsResolver } from './graphql/runs.resolver';
import { RunsModule } from './runs.module';

/** Everything of the runs pipeline, as one import for AppModule. */
@Module({
  imports: [ContractsModule, QueueModule, OutboxModule, RunsModule, EventsModule, MetricsModule, ArtifactsModule, IngestionModule, ReconcilerModule, EventsApiModule],
  providers: [RunsResolver],
})
export class RunsPipelineModule {}
