/**
 * One change at a time: a ticket's update handlers, its public-reply signal and its main loop
 * each run their change under one async-mutex Mutex, in arrival order.
 *
 * async-mutex is plain promises (no timers, no clock, no randomness), so it is deterministic in
 * the workflow sandbox, and its ES module bundles there (test/unit/workflow-bundle.test.ts).
 */
import { Mutex } from 'async-mutex';

const settled = () => undefined;

export class Exclusive {
  private readonly mutex = new Mutex();

  /** True while a change runs or waits for its turn: the state may then be a step behind the ticket row. */
  get busy(): boolean {
    return this.mutex.isLocked();
  }

  /**
   * Runs `change` once every change before it is done, and answers its result.
   *
   * Why not just `runExclusive(change)`: it would start the next change before the caller hears
   * the result, and so reorder their commands (the main loop's timer, an Update's completion, the
   * next change's first activity) against the histories of running tickets. Settling the mutex's
   * copy first and the caller's second gives the microtask order of the promise queue this
   * replaced, step for step (test/unit/ticket-exclusive.test.ts compares the two).
   */
  run<T>(change: () => Promise<T>): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      void this.mutex.runExclusive(() => {
        const running = change();
        const done = running.then(settled, settled);
        running.then(resolve, reject);
        return done;
      });
    });
  }
}
