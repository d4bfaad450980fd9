// SerialTask: one run at a time, one more run when asked during a run, and whenIdle for a closing owner.
import { describe, expect, it } from 'vitest';
import { SerialTask } from '../src/dispatch/serial-task.js';

const tick = () => new Promise((resolve) => setTimeout(resolve, 5));

describe('SerialTask', () => {
  it('runs once more when asked during a run, never two runs side by side', async () => {
    let runs = 0;
    let inFlight = 0;
    let most = 0;
    const task: SerialTask = new SerialTask(async () => {
      runs += 1;
      inFlight += 1;
      most = Math.max(most, inFlight);
      // Asked again before the first await, as a dispatcher's own round may wake itself.
      if (runs === 1) void task.run();
      await tick();
      inFlight -= 1;
    }, () => false);
    const first = task.run();
    void task.run();
    await first;
    await task.whenIdle();
    expect(runs).toBe(2);
    expect(most).toBe(1);
  });

  it('whenIdle waits for the work under way, even when it fails', async () => {
    let isDone = false;
    const task = new SerialTask(async () => {
      await tick();
      isDone = true;
      throw new Error('round failed');
    }, () => false);
    const running = task.run().catch(() => undefined);
    await task.whenIdle();
    expect(isDone).toBe(true);
    await running;
    await task.whenIdle();
  });
});
