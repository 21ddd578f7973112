import { Module } from '@nestjs/common';
import { RunEventBus } from './run-event-bus';
import { RunEventsRepository } from './run-events.repository';
import { RunEventsService } from './run-events.service';

@Module({
  providers: [RunEventsRepository, RunEventBus, RunEventsService],
  exports: [RunEventsService],
})
export class EventsModule {}
