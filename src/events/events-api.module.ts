import { Module } from '@nestjs/common';
import { RunsModule } from '../runs/runs.module';
import { EventsModule } from './events.module';
import { RunEventsController } from './run-events.controller';

/** The SSE endpoint (it checks the run through RunsService, which itself needs EventsModule). */
@Module({ imports: [RunsModule, EventsModule], controllers: [RunEventsController] })
export class EventsApiModule {}
