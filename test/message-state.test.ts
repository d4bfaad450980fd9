// The message state machine on real storage: legal and illegal moves, the timeline, the refund policy,
// transition listeners, and the queue order the dispatcher reads.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { IllegalTransitionError, MESSAGE_STATES, canMove, eventStatus, reportStatus, type MessageState, type MessageTransition } from '../src/core/index.js';
import { ManualClock, startTestGateway, type TestGateway } from './support/test-gateway.js';

let t: TestGateway;
let clock: ManualClock;
beforeEach(async () => {
  clock = new ManualClock();
  t = await startTestGateway({ clock });
});
afterEach(() => t.close());

async function queue(count = 1, priority = 0): Promise<number[]> {
  const data = Array.from({ length: count }, (_, i) => ({ number: String(15550000000 + i) }));
  const answer = await t.post('push', { token: t.apiToken, application: 1, priority, globalmessage: 'x', data });
  expect(answer.status).toBe(100);
  return answer.data.map((entry: { msg_id: string }) => Number(entry.msg_id));
}
const move = (id: number, to: MessageState, error = '') => t.gateway.services.messages.move(id, to, error);
const balance = () => t.gateway.services.wallet.balance(1);

describe('the state table', () => {
  it('allows exactly the documented moves', () => {
    const legal = MESSAGE_STATES.flatMap((from) => MESSAGE_STATES.filter((to) => canMove(from, to)).map((to) => `${from}>${to}`));
    expect(legal.sort()).toEqual(
      [
        'queued>sending', 'queued>cancelled', 'queued>failed',
        'sending>submitted', 'sending>failed', 'sending>queued', 'sending>cancelled',
        'submitted>delivered', 'submitted>read', 'submitted>failed',
        'delivered>read', 'failed>refunded', 'cancelled>refunded',
      ].sort(),
    );
  });

  it('maps states to the report and event statuses of the contract', () => {
    expect(MESSAGE_STATES.map(reportStatus)).toEqual([0, 0, 0, 1, 3, 2, 2, 2]);
    expect(MESSAGE_STATES.map(eventStatus)).toEqual([undefined, undefined, 4, 1, 3, 2, 2, 5]);
  });
});

describe('moving messages', () => {
  it('walks queued → sending → submitted → delivered → read, storing each move with its time', async () => {
    const [id] = (await queue()) as [number];
    for (const state of ['sending', 'submitted', 'delivered', 'read'] as const) {
      clock.advance(1000);
      await move(id, state);
    }
    const timeline = await t.gateway.services.messages.timeline(id);
    const start = Date.UTC(2026, 0, 15, 10, 0, 0);
    expect(timeline.map((event) => [event.state, event.at - start])).toEqual([
      ['queued', 0],
      ['sending', 1000],
      ['submitted', 2000],
      ['delivered', 3000],
      ['read', 4000],
    ]);
    expect(await t.gateway.services.messages.get(id)).toMatchObject({ state: 'read', attempts: 1 });
  });

  it('refuses illegal moves and leaves the message as it was', async () => {
    const [id] = (await queue()) as [number];
    await expect(move(id, 'delivered')).rejects.toBeInstanceOf(IllegalTransitionError);
    await expect(move(id, 'refunded')).rejects.toThrow('cannot move from queued to refunded');
    await move(id, 'sending');
    await move(id, 'submitted');
    await move(id, 'delivered');
    await expect(move(id, 'failed')).rejects.toBeInstanceOf(IllegalTransitionError);
    expect((await t.gateway.services.messages.timeline(id)).map((e) => e.state)).toEqual(['queued', 'sending', 'submitted', 'delivered']);
  });

  it('refunds a message that fails before the channel accepted it', async () => {
    const [id] = (await queue()) as [number];
    const afterPush = await balance();
    await move(id, 'sending');
    const transitions = await move(id, 'failed', 'device rejected the number');
    expect(transitions.map((tr) => tr.to)).toEqual(['failed', 'refunded']);
    expect(await balance()).toBe(afterPush + 5000);
    expect(await t.gateway.services.messages.get(id)).toMatchObject({ state: 'refunded', lastError: 'device rejected the number' });
    const [entry] = await t.gateway.services.wallet.entries(1, 1);
    expect(entry).toMatchObject({ kind: 'refund', amount: 5000, reference: `message:${id}` });
  });

  it('refunds a cancelled message, but not one that failed after the channel accepted it', async () => {
    const [cancelled, lateFailure] = (await queue(2)) as [number, number];
    const afterPush = await balance();
    await move(cancelled, 'cancelled');
    await move(lateFailure, 'sending');
    await move(lateFailure, 'submitted');
    await move(lateFailure, 'failed', 'undeliverable');
    expect(await balance()).toBe(afterPush + 5000);
    expect(await t.gateway.services.messages.get(lateFailure)).toMatchObject({ state: 'failed' });
  });

  it('puts a message back in the queue after a retryable failure, counting attempts', async () => {
    const [id] = (await queue()) as [number];
    await move(id, 'sending');
    await move(id, 'queued', 'device went away');
    await move(id, 'sending');
    expect(await t.gateway.services.messages.get(id)).toMatchObject({ state: 'sending', attempts: 2, lastError: 'device went away' });
  });

  it('hands every transition to listeners inside the same transaction', async () => {
    const seen: MessageTransition[] = [];
    t.gateway.services.messages.onTransition(async (transitions) => {
      seen.push(...transitions);
    });
    const [id] = (await queue()) as [number];
    await move(id, 'cancelled');
    expect(seen.map((tr) => [tr.message.id, tr.from, tr.to])).toEqual([
      [id, 'queued', 'cancelled'],
      [id, 'cancelled', 'refunded'],
    ]);
  });

  it('rolls a move back when a listener fails', async () => {
    t.gateway.services.messages.onTransition(async () => {
      throw new Error('outbox unavailable');
    });
    const [id] = (await queue()) as [number];
    await expect(move(id, 'sending')).rejects.toThrow('outbox unavailable');
    expect(await t.gateway.services.messages.get(id)).toMatchObject({ state: 'queued', attempts: 0 });
  });
});

describe('the queue', () => {
  it('hands out high priority first, then oldest first, and counts what is queued', async () => {
    const low = await queue(2, 0);
    const high = await queue(2, 1);
    const channelId = (await t.gateway.services.messages.get(low[0]!))!.channelId;
    const next = await t.gateway.storage.stores.messages.nextQueued(channelId, 3);
    expect(next.map((m) => m.id)).toEqual([high[0], high[1], low[0]]);
    expect(await t.gateway.storage.stores.messages.countQueued(channelId)).toBe(4);
    await move(high[0]!, 'sending');
    expect(await t.gateway.storage.stores.messages.countQueued(channelId)).toBe(3);
  });
});
