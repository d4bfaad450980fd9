// The batch writer: items written together, a failing batch retried item by item, and items with the
// same key never in two batches at once; idle once all are written.
import { describe, expect, it } from 'vitest';
import { WriteBatcher } from '../src/core/index.js';

const tick = () => new Promise((resolve) => setImmediate(resolve));

describe('WriteBatcher', () => {
  it('writes what arrives in one turn as one batch, within the weight limit', async () => {
    const batches: number[][] = [];
    const batcher = new WriteBatcher<number, number>(async (items) => (batches.push(items), items.map((i) => i * 2)), () => 1, { maxWeight: 3, concurrency: 1 });
    const results = await Promise.all([1, 2, 3, 4, 5].map((item) => batcher.submit(item)));
    expect(results).toEqual([2, 4, 6, 8, 10]);
    expect(batches).toEqual([[1, 2, 3], [4, 5]]);
  });

  it('retries a failed batch one item at a time, so one bad item fails alone', async () => {
    const batcher = new WriteBatcher<number, number>(async (items) => {
      if (items.includes(13)) throw new Error('bad item');
      return items;
    }, () => 1, { maxWeight: 10, concurrency: 1 });
    const results = await Promise.allSettled([1, 13, 3].map((item) => batcher.submit(item)));
    expect(results.map((r) => r.status)).toEqual(['fulfilled', 'rejected', 'fulfilled']);
  });

  it('never writes two items with the same key in concurrent batches, and keeps their order', async () => {
    const running = new Set<string>();
    const order: string[] = [];
    let overlaps = 0;
    const batcher = new WriteBatcher<{ key: string; step: number }, void>(
      async (items) => {
        for (const { key } of items) {
          if (running.has(key)) overlaps += 1;
          running.add(key);
        }
        await tick();
        await tick();
        for (const { key, step } of items) {
          running.delete(key);
          order.push(`${key}${step}`);
        }
        return items.map(() => undefined);
      },
      () => 1,
      { maxWeight: 1, concurrency: 4, keyOf: (item) => item.key },
    );
    await Promise.all([
      ['a', 1], ['b', 1], ['a', 2], ['c', 1], ['a', 3], ['b', 2],
    ].map(([key, step]) => batcher.submit({ key: key as string, step: step as number })));
    expect(overlaps).toBe(0);
    expect(order.filter((entry) => entry.startsWith('a'))).toEqual(['a1', 'a2', 'a3']);
    expect(order.filter((entry) => entry.startsWith('b'))).toEqual(['b1', 'b2']);
  });

  it('tells when every submitted item has been written, failed ones included', async () => {
    const written: number[] = [];
    const batcher = new WriteBatcher<number, number>(async (items) => {
      await tick();
      if (items.includes(13)) throw new Error('bad item');
      written.push(...items);
      return items;
    }, () => 1, { maxWeight: 2, concurrency: 1 });
    await batcher.whenIdle();
    const results = Promise.allSettled([1, 2, 13, 4, 5].map((item) => batcher.submit(item)));
    await batcher.whenIdle();
    expect(written.sort()).toEqual([1, 2, 4, 5]);
    expect((await results).map((r) => r.status)).toEqual(['fulfilled', 'fulfilled', 'rejected', 'fulfilled', 'fulfilled']);
  });
});
