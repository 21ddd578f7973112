import { Module } from '@nestjs/common';
import { EventsModule } from '../events/events.module';
import { RunTransitions } from './run-transitions.service';
import { RunsController } from './runs.controller';
import { RunsRepository } from './runs.repository';
import { RunsService } from './runs.service';

@Module({
  imports: [EventsModule],
  controllers: [RunsController],
  providers: [RunsRepository, RunsService, RunTransitions],
  exports: [RunsRepository, RunsService, RunTransitions],
})
export class RunsModule {}
