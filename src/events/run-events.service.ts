import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import type { RunEvent, RunEventData, RunEventType } from './run-event';
import { RunEventBus } from './run-event-bus';
import { RunEventsRepository } from './run-events.repository';
import { RunEventStream } from './run-event-stream';

@Injectable()
export class RunEventsService {
  constructor(
    private readonly repository: RunEventsRepository,
    private readonly bus: RunEventBus,
  ) {}

  /** Records an event inside the caller's transaction; publish() it after the commit. */
  append<T extends RunEventType>(manager: EntityManager, runId: string, type: T, data: RunEventData<T>): Promise<RunEvent> {
    return this.repository.append(manager, runId, type, data);
  }

  publish(events: RunEvent[]): Promise<void> {
    return this.bus.publish(events);
  }

  /**
   * Every event of the run after `afterId`, then live ones, with no gap and no duplicate:
   * listen first, replay from PostgreSQL, then pass on only live events newer than the
   * last one replayed.
   */
  follow(runId: string, afterId: string): RunEventStream {
    let lastId = BigInt(afterId);
    let replaying = true;
    const held: RunEvent[] = [];
    const stop = this.bus.listen(runId, (event) => {
      if (replaying) held.push(event);
      else forward(event);
    });
    const stream = new RunEventStream(stop);
    const forward = (event: RunEvent): void => {
      const id = BigInt(event.id);
      if (id <= lastId) return;
      lastId = id;
      stream.push(event);
    };
    void (async () => {
      try {
        for (;;) {
          const page = await this.repository.after(runId, lastId.toString());
          page.forEach(forward);
          if (page.length === 0) break;
        }
      } finally {
        replaying = false;
        held.sort((a, b) => (BigInt(a.id) < BigInt(b.id) ? -1 : 1)).forEach(forward);
      }
    })().catch(() => stream.close());
    return stream;
  }
}
