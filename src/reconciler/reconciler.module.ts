import { Module } from '@nestjs/common';
import { EventsModule } from '../events/events.module';
import { RunsModule } from '../runs/runs.module';
import { Reconciler } from './reconciler.service';

@Module({ imports: [RunsModule, EventsModule], providers: [Reconciler], exports: [Reconciler] })
export class ReconcilerModule {}
