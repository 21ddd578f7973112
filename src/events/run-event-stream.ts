import type { RunEvent } from './run-event';

/**
 * An async queue of events with a cap: live events wait here while the replay from
 * PostgreSQL runs, and while a slow client catches up.
 */
export class RunEventStream implements AsyncIterableIterator<RunEvent> {
  private readonly buffer: RunEvent[] = [];
  private waiting: ((result: IteratorResult<RunEvent>) => void) | null = null;
  private closed = false;

  constructor(private readonly onClose: () => void) {}

  push(event: RunEvent): void {
    if (this.closed) return;
    if (this.waiting) {
      const resolve = this.waiting;
      this.waiting = null;
      resolve({ value: event, done: false });
    } else this.buffer.push(event);
  }

  next(): Promise<IteratorResult<RunEvent>> {
    const event = this.buffer.shift();
    if (event) return Promise.resolve({ value: event, done: false });
    if (this.closed) return Promise.resolve({ value: undefined, done: true });
    return new Promise((resolve) => (this.waiting = resolve));
  }

  return(): Promise<IteratorResult<RunEvent>> {
    this.close();
    return Promise.resolve({ value: undefined, done: true });
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    this.onClose();
    this.waiting?.({ value: undefined, done: true });
    this.waiting = null;
  }

  [Symbol.asyncIterator](): this {
    return this;
  }
}
