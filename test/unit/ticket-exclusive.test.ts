/**
 * The ticket workflow's one-change-at-a-time lock (workflows/ticket/exclusive.ts, async-mutex)
 * against the promise queue it replaced, microtask by microtask. A workflow's commands are
 * issued by whichever code runs first, so the same order of continuations means the same
 * commands for running tickets, including in races that no recorded history happens to show.
 */
import { describe, expect, it } from 'vitest';
import { Exclusive } from '../../workflows/ticket/exclusive';

type Lock = { run<T>(fn: () => Promise<T>): Promise<T>; busy(): boolean };

/** The hand-rolled queue the ticket workflow used before async-mutex, verbatim. */
function promiseQueue(): Lock {
  let queue: Promise<unknown> = Promise.resolve();
  let changesInFlight = 0;
  return {
    run<T>(fn: () => Promise<T>): Promise<T> {
      changesInFlight += 1;
      const run = queue.then(fn);
      queue = run.catch(() => undefined);
      void queue.then(() => void (changesInFlight -= 1));
      return run;
    },
    busy: () => changesInFlight > 0,
  };
}

function asyncMutex(): Lock {
  const lock = new Exclusive();
  return { run: (fn) => lock.run(fn), busy: () => lock.busy };
}

/** A promise settled from outside, like an activity's result. */
function gate<T = void>() {
  let open!: (value: T) => void;
  let fail!: (error: Error) => void;
  const promise = new Promise<T>((resolve, reject) => {
    open = resolve;
    fail = reject;
  });
  return { promise, open, fail };
}

const flush = async () => {
  for (let i = 0; i < 50; i++) await null;
};

/**
 * Runs a scenario against a lock with a ticker beside it that logs every microtask turn, so the
 * log shows on which turn, and in which order within it, each step ran.
 */
async function trace(makeLock: () => Lock, scenario: (lock: Lock, log: (entry: string) => void) => Promise<void>): Promise<string[]> {
  const entries: string[] = [];
  const log = (entry: string) => entries.push(entry);
  const lock = makeLock();
  let running = true;
  const ticker = (async () => {
    for (let tick = 0; running && tick < 200; tick++) {
      log(`tick ${tick}`);
      await null;
    }
  })();
  await scenario(lock, log);
  await flush();
  running = false;
  await ticker;
  return entries;
}

/** A change that logs when it starts, waits on a gate (an activity), then logs again. */
const change =
  (log: (entry: string) => void, name: string, wait: Promise<unknown>, result: unknown = name) =>
  async () => {
    log(`${name} starts`);
    await wait;
    log(`${name} ends`);
    return result;
  };

const scenarios: Record<string, (lock: Lock, log: (entry: string) => void) => Promise<void>> = {
  'a change on an idle lock starts on the next turn': async (lock, log) => {
    log(`got ${await lock.run(change(log, 'A', Promise.resolve()))}`);
  },

  'the caller hears a result before the next change starts, and its next steps come after that start': async (lock, log) => {
    const a = gate();
    const first = lock.run(change(log, 'A', a.promise)).then(async (value) => {
      log(`caller of A hears ${value}`);
      await null;
      log('caller of A, one turn later');
      await null;
      log('caller of A, two turns later');
    });
    const second = lock.run(change(log, 'B', Promise.resolve())).then((value) => log(`caller of B hears ${value}`));
    log(`busy while queued: ${lock.busy()}`);
    await flush();
    a.open();
    await Promise.all([first, second]);
  },

  'a change that fails passes the lock on the same way': async (lock, log) => {
    const a = gate();
    const first = lock.run(change(log, 'A', a.promise)).catch((error: Error) => log(`caller of A hears ${error.message}`));
    const second = lock.run(change(log, 'B', Promise.resolve())).then((value) => log(`caller of B hears ${value}`));
    await flush();
    a.fail(new Error('refused'));
    await Promise.all([first, second]);
  },

  'a caller that queues again at once (the main loop) waits behind the change already queued': async (lock, log) => {
    const a = gate();
    const loop = (async () => {
      await lock.run(change(log, 'wake', a.promise));
      log('loop continues');
      await lock.run(change(log, 'adopt', Promise.resolve()));
      log('loop done');
    })();
    await null;
    const update = lock.run(change(log, 'update', Promise.resolve())).then((value) => log(`update answers ${value}`));
    await flush();
    a.open();
    await Promise.all([loop, update]);
  },

  'three queued changes run in arrival order, each after the one before': async (lock, log) => {
    const gates = [gate(), gate(), gate()];
    const runs = gates.map((g, i) => lock.run(change(log, `C${i}`, g.promise)).then((value) => log(`caller hears ${value}`)));
    for (const g of gates) {
      await flush();
      log(`busy: ${lock.busy()}`);
      g.open();
    }
    await Promise.all(runs);
    await flush();
    log(`busy at the end: ${lock.busy()}`);
  },
};

describe('the ticket workflow lock (async-mutex) keeps the promise queue’s order, turn by turn', () => {
  it.each(Object.entries(scenarios))('%s', async (_name, scenario) => {
    const before = await trace(promiseQueue, scenario);
    const after = await trace(asyncMutex, scenario);
    expect(after).toEqual(before);
    expect(before.filter((e) => !e.startsWith('tick')).length).toBeGreaterThan(1);
  });

  it('runs changes one at a time: the next starts only after the one before has ended', async () => {
    const entries = await trace(asyncMutex, scenarios['three queued changes run in arrival order, each after the one before']!);
    const steps = entries.filter((e) => / (starts|ends)$/.test(e));
    expect(steps).toEqual(['C0 starts', 'C0 ends', 'C1 starts', 'C1 ends', 'C2 starts', 'C2 ends']);
    expect(entries.filter((e) => e.startsWith('busy'))).toEqual(['busy: true', 'busy: true', 'busy: true', 'busy at the end: false']);
  });
});
