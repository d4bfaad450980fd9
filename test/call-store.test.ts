// The call store on the real database: a conference is claimed by one device only, calls move only
// from the status they were read in, and a conference ends when its last open call does.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startTestGateway, type TestGateway } from './support/test-gateway.js';

let t: TestGateway;
beforeEach(async () => {
  t = await startTestGateway();
});
afterEach(() => t.close());

async function newConference() {
  const { stores } = t.gateway.storage;
  const channel = (await stores.channels.listByProject(t.projectId)).find((candidate) => candidate.kind === 4)!;
  const account = (await stores.accounts.find())!;
  return t.gateway.storage.transaction((inTransaction) =>
    inTransaction.calls.create({ accountId: account.id, projectId: t.projectId, channelId: channel.id, priority: 0, isGatewayMuted: false, isRecorded: true, numbers: ['15550001111', '15550002222'], totalCredit: 40_000, createdAt: 1000 }),
  );
}

describe('the call store', () => {
  it('writes the conference as a push with its member calls, and lets one claim win', async () => {
    const { conference, calls } = await newConference();
    const { stores } = t.gateway.storage;
    expect(await stores.pushes.findById(conference.id)).toMatchObject({ application: 4, messageCount: 2, totalCredit: 40_000 });
    expect(calls.map((call) => [call.number, call.status])).toEqual([['15550001111', 1], ['15550002222', 1]]);
    const [first, second] = await Promise.all([stores.calls.claim(conference.id, 7, 2000), stores.calls.claim(conference.id, 8, 2000)]);
    expect([first, second].filter(Boolean)).toHaveLength(1);
    const claimed = (await stores.calls.findConference(conference.id))!;
    expect(claimed).toMatchObject({ state: 'dialing', attempts: 1, dispatchedAt: 2000 });
    expect((await stores.calls.listCalls(conference.id)).map((call) => call.status)).toEqual([2, 2]);
    expect(await stores.calls.countPending(t.projectId)).toBe(1);
  });

  it('moves a call only from the status it was read in, and ends the conference with its last call', async () => {
    const { conference } = await newConference();
    const { stores } = t.gateway.storage;
    await stores.calls.claim(conference.id, 7, 2000);
    const [a, b] = await stores.calls.listCalls(conference.id);
    expect(await stores.calls.moveCall(a!, { status: 4, duration: 9, reason: '' }, 3000)).toMatchObject({ status: 4, duration: 9 });
    // Read before that move: refused.
    expect(await stores.calls.moveCall(a!, { status: 5, duration: 0, reason: 'late' }, 3001)).toBeUndefined();
    expect(await stores.calls.finishIfDone(conference.id, 3002)).toBeUndefined();
    await stores.calls.moveCall(b!, { status: 5, duration: 0, reason: 'busy' }, 3003);
    expect(await stores.calls.finishIfDone(conference.id, 3004)).toMatchObject({ state: 'done' });
    expect(await stores.calls.countPending(t.projectId)).toBe(0);
  });
});

describe('reports finishing the last calls side by side', () => {
  it('end the conference: each waits for the other on its row, then sees its call closed', async () => {
    // On PostgreSQL (READ COMMITTED) two transactions each closing one of the last two calls would each
    // still see the other's call open, and neither would end the conference, without the row lock.
    for (let round = 0; round < 5; round += 1) {
      const { conference } = await newConference();
      await t.gateway.storage.stores.calls.claim(conference.id, 7, 2000);
      const device = 7;
      const calls = await t.gateway.storage.stores.calls.listCalls(conference.id);
      const outcomes = await Promise.all(
        calls.map((call) => t.gateway.services.calls.applyReport(device, { conferenceId: conference.id, callId: call.id, status: 5, duration: 0, reason: 'busy' })),
      );
      expect(outcomes).toEqual(['applied', 'applied']);
      expect(await t.gateway.storage.stores.calls.findConference(conference.id)).toMatchObject({ state: 'done' });
    }
  });
});
