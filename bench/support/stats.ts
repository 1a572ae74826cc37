/** Small helpers shared by the benchmarks: percentiles, a progress line, a results table. */

export function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return Number.NaN;
  const index = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[index]!;
}

export function summarize(samples: number[]) {
  const sorted = [...samples].sort((a, b) => a - b);
  return { count: sorted.length, p50: percentile(sorted, 50), p99: percentile(sorted, 99), max: sorted.at(-1) ?? Number.NaN };
}

/** Rewrites one line on a terminal; prints every 10 % otherwise (CI logs). */
export function progress(label: string, total: number) {
  const tty = process.stderr.isTTY;
  let lastDecile = -1;
  return (done: number) => {
    const decile = Math.floor((done / total) * 10);
    if (tty) process.stderr.write(`\r${label}: ${done}/${total}${done === total ? '\n' : ''}`);
    else if (decile !== lastDecile || done === total) {
      lastDecile = decile;
      process.stderr.write(`${label}: ${done}/${total}\n`);
    }
  };
}

/** Runs `task(i)` for i in [0, total) with at most `concurrency` in flight. */
export async function pool(total: number, concurrency: number, task: (i: number) => Promise<void>, onDone?: (done: number) => void) {
  let next = 0;
  let done = 0;
  await Promise.all(
    Array.from({ length: Math.min(concurrency, total) }, async () => {
      while (next < total) {
        const i = next++;
        await task(i);
        onDone?.(++done);
      }
    }),
  );
}

/**
 * Starts `task(i)` for i in [0, total) on a fixed schedule, `rate` per second, whatever the
 * latency (open loop: a slow system gets a queue, as it would from real users).
 */
export async function paced(total: number, rate: number, task: (i: number) => Promise<void>, onDone?: (done: number) => void) {
  const start = performance.now();
  let done = 0;
  const running: Promise<void>[] = [];
  for (let i = 0; i < total; i++) {
    const wait = start + (i * 1000) / rate - performance.now();
    if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait));
    running.push(task(i).then(() => onDone?.(++done)));
  }
  await Promise.all(running);
}

export const ms = (value: number) => `${value.toFixed(1)} ms`;

export function table(rows: string[][]) {
  const widths = rows[0]!.map((_, column) => Math.max(...rows.map((row) => row[column]!.length)));
  return rows.map((row) => row.map((cell, column) => cell.padEnd(widths[column]!)).join('  ')).join('\n');
}
