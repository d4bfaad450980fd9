// The per-channel group change limits on a hand-moved clock: a sliding window (no double burst at a
// boundary), creations counted in both limits, channels apart, and 0 as no limit.
import { describe, expect, it } from 'vitest';
import { GroupRateLimit, PickyError } from '../src/core/index.js';
import { ManualClock } from './support/test-gateway.js';

const refusal = (take: () => void) => {
  try {
    take();
    return undefined;
  } catch (error) {
    return error instanceof PickyError ? `${error.code} ${error.detail}` : String(error);
  }
};

describe('GroupRateLimit', () => {
  it('lets a change through again only once the oldest left the hour', () => {
    const clock = new ManualClock();
    const limit = new GroupRateLimit(clock, { actionsPerHour: 2, createsPerDay: 0 });
    limit.take(1, false);
    clock.advance(30 * 60_000);
    limit.take(1, false);
    expect(refusal(() => limit.take(1, false))).toBe('429 the limit of 2 group changes an hour on channel 1 reached; retry in 1800 s (WhatsApp bans numbers that change groups too quickly)');
    // Another channel has its own count.
    expect(refusal(() => limit.take(2, false))).toBeUndefined();
    clock.advance(30 * 60_000 - 1);
    expect(refusal(() => limit.take(1, false))).toMatch(/retry in 1 s/);
    clock.advance(1);
    expect(refusal(() => limit.take(1, false))).toBeUndefined();
    // The refused attempts were not counted: one more is refused only by the two that went through.
    expect(refusal(() => limit.take(1, false))).toMatch(/^429 the limit of 2 group changes/);
  });

  it('counts creations per day, and in the hourly changes too; 0 turns a limit off', () => {
    const clock = new ManualClock();
    const limit = new GroupRateLimit(clock, { actionsPerHour: 0, createsPerDay: 1 });
    limit.take(1, true);
    for (let i = 0; i < 100; i += 1) limit.take(1, false);
    expect(refusal(() => limit.take(1, true))).toMatch(/^429 the limit of 1 groups created a day on channel 1 reached; retry in 86400 s/);
    clock.advance(86_400_000);
    expect(refusal(() => limit.take(1, true))).toBeUndefined();

    const both = new GroupRateLimit(clock, { actionsPerHour: 1, createsPerDay: 5 });
    both.take(3, true);
    expect(refusal(() => both.take(3, true))).toMatch(/group changes an hour/);
  });
});
