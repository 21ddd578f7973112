import { Module } from '@nestjs/common';
import { EventsModule } from '../events/events.module';
import { RunsModule } from '../runs/runs.module';
import { QueueWatcher } from './queue-watcher.service';
import { Reconciler } from './reconciler.service';

@Module({ imports: [RunsModule, EventsModule], providers: [Reconciler, QueueWatcher], exports: [Reconciler, QueueWatcher] })
export class ReconcilerModule {}
