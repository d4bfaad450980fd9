// Webhook lanes: a project whose receiver never answers holds only its own lane's slots (a project's
// calls to one origin), so another project's calls go on at once rather than after the 30 s time limit.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startListeningGateway, type ListeningGateway } from './support/listening-gateway.js';
import { startHangingReceiver, type HangingReceiver } from './support/hanging-receiver.js';
import { startWebhookReceiver, type WebhookReceiver } from './support/webhook-receiver.js';

let g: ListeningGateway;
let hanging: HangingReceiver;
let healthy: WebhookReceiver;

beforeEach(async () => {
  // Few slots, so that the hanging project could fill them all; the time limit is the default 30 s.
  g = await startListeningGateway({ SWITCHBOARD_WEBHOOK_CONCURRENCY: '8', SWITCHBOARD_WEBHOOK_CONCURRENCY_PER_ORIGIN: '2' });
  hanging = await startHangingReceiver();
  healthy = await startWebhookReceiver();
});
afterEach(async () => {
  await g.close();
  await hanging.close();
  await healthy.close();
});

let counter = 0;
function receive(projectId: number) {
  counter += 1;
  return g.t.gateway.services.inbound.receive({
    projectId,
    deviceId: 0,
    channelId: null,
    application: 1,
    externalId: `fair-${counter}`,
    sender: `1555900${String(counter).padStart(4, '0')}`,
    senderName: '',
    type: 1,
    text: `message ${counter}`,
    mediaUrl: '',
    quotedMsgId: '',
    details: {},
    receivedAt: Date.now(),
  });
}

describe('webhook fairness', () => {
  it("delivers a healthy project's calls within seconds while another project's receiver hangs", { timeout: 60_000 }, async () => {
    const created = await g.t.post('pm/create-project', { token: g.t.masterToken, project_name: 'Healthy', generate_api_token: true });
    expect(created.status).toBe(100);
    const healthyProject = Number(created.project_id);
    for (const [projectId, url] of [[g.t.projectId, `${hanging.url}/hook`], [healthyProject, `${healthy.url}/hook`]] as const) {
      expect((await g.t.post('pm/set-webhook', { token: g.t.masterToken, project_id: projectId, global_webhook: url })).status).toBe(100);
    }
    // The hanging project's calls are queued first: oldest first, they would take every slot.
    for (let i = 0; i < 40; i += 1) await receive(g.t.projectId);
    await hanging.waitForCalls(2);
    const queuedAt = new Map<string, number>();
    for (let i = 0; i < 40; i += 1) {
      queuedAt.set(`1555900${String(counter + 1).padStart(4, '0')}`, Date.now());
      await receive(healthyProject);
    }
    // Generous: the hanging calls hold their slots for 30 s; a healthy call waits for none of them.
    const calls = await healthy.waitForCalls(40, 10_000);
    const waits = calls.map((call) => call.at - queuedAt.get(call.fields.number as string)!);
    expect(waits.filter((wait) => wait > 5_000)).toEqual([]);
    // The hanging lane is held to its bound, and its calls stay pending.
    expect(hanging.calls.length).toBe(2);
  });
});
