/** The baseline for bench:timers: a workflow that only sleeps to two deadlines and reports how late each timer fired. */
import { sleep } from '@temporalio/workflow';

export async function timerBaseline(input: { warnAt: number; dueAt: number }): Promise<number[]> {
  const late: number[] = [];
  for (const at of [input.warnAt, input.dueAt]) {
    const wait = at - Date.now();
    if (wait > 0) await sleep(wait);
    late.push(Date.now() - at);
  }
  return late;
}
