import { Injectable } from '@nestjs/common';

/**
 * In-process wake-up for the dispatcher: a create calls wake() after its commit so the
 * job is enqueued within milliseconds instead of at the next poll.
 */
@Injectable()
export class DispatchSignal {
  private waiter: (() => void) | null = null;
  private pending = false;
  /** GRAFTWORK_DISPATCH_WAKE=off: polling only (the dispatch benchmark's baseline). */
  private readonly enabled = process.env.GRAFTWORK_DISPATCH_WAKE !== 'off';

  wake(force = false): void {
    if (!this.enabled && !force) return;
    if (this.waiter) {
      const resolve = this.waiter;
      this.waiter = null;
      resolve();
    } else this.pending = true;
  }

  /** Resolves on the next wake() (or at once if one came since the last wait), or after `ms`. */
  wait(ms: number): Promise<void> {
    if (this.pending) {
      this.pending = false;
      return Promise.resolve();
    }
    return new Promise((resolve) => {
      const timer = setTimeout(() => {
        this.waiter = null;
        resolve();
      }, ms);
      this.waiter = () => {
        clearTimeout(timer);
        resolve();
      };
    });
  }
}
