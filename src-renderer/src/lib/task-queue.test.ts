import { describe, expect, it } from 'vitest';
import { TaskQueue } from './task-queue';

const tick = (): Promise<void> => new Promise((r) => setTimeout(r, 0));

describe('TaskQueue', () => {
  it('runs at most `limit` tasks at once and each key once', async () => {
    let running = 0;
    let peak = 0;
    const done: number[] = [];
    const q = new TaskQueue<number>(3, async (k) => {
      running++;
      peak = Math.max(peak, running);
      await tick();
      running--;
      done.push(k);
    });
    for (let i = 0; i < 10; i++) q.request(i);
    q.request(5);
    while (q.size > 0) await tick();
    expect(peak).toBe(3);
    expect(done.sort((a, b) => a - b)).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
  });

  it('drops queued keys that are no longer wanted', async () => {
    const done: number[] = [];
    const q = new TaskQueue<number>(1, async (k) => {
      await tick();
      done.push(k);
    });
    for (let i = 0; i < 5; i++) q.request(i);
    q.prune((k) => k % 2 === 0);
    while (q.size > 0) await tick();
    expect(done).toEqual([0, 2, 4]);
  });

  it('keeps going after a task fails', async () => {
    const done: number[] = [];
    const q = new TaskQueue<number>(1, async (k) => {
      if (k === 0) throw new Error('boom');
      done.push(k);
    });
    q.request(0);
    q.request(1);
    while (q.size > 0) await tick();
    expect(done).toEqual([1]);
  });
});
