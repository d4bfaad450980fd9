// The modem driver against a simulated modem on a socat pseudo-terminal pair: the driver opens its end
// through serialport as in production. Sends (short, long, Unicode), status reports (+CDS and +CDSI),
// inbound messages (single, concatenated, stored while away), +CMS errors, SIM PIN, unplugging, calls.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { AgentEvent } from '../src/agent/index.js';
import type { DeviceStatus } from '../src/agent/device-status.js';
import type { Driver, DriverHost, OutgoingConference, OutgoingMessage } from '../src/agent/driver.js';
import { modemDriver, type ModemDriverOptions } from '../src/agent/modem/index.js';
import type { InboundInput } from '../src/agent/inbound-outbox.js';
import { waitUntil } from './support/agents.js';
import { SimModem, type SimModemOptions } from './support/sim-modem.js';
import { HAS_SOCAT, NO_SOCAT_MESSAGE, startPtyPair, type PtyPair } from './support/socat-pty.js';

if (!HAS_SOCAT) console.warn(NO_SOCAT_MESSAGE);

/** What the driver told the agent. */
class RecordingHost implements DriverHost {
  readonly reports: { report: string; msgId: string; reason?: string; retryable?: boolean }[] = [];
  readonly inbound: InboundInput[] = [];
  readonly calls: { callId: string; status: string; duration?: number; reason?: string }[] = [];
  readonly events: AgentEvent[] = [];
  status_: Partial<DeviceStatus> = {};
  sent = (msgId: string) => void this.reports.push({ report: 'sent', msgId });
  delivered = (msgId: string) => void this.reports.push({ report: 'delivered', msgId });
  failed = (msgId: string, reason: string, retryable: boolean) => void this.reports.push({ report: 'failed', msgId, reason, retryable });
  readonly stableIds: (string | undefined)[] = [];
  /** While set, the gateway has stored nothing yet: received() resolves at storeAll(). */
  private unstored: (() => void)[] | undefined;
  received = (message: InboundInput, stableId?: string): Promise<void> => {
    this.inbound.push(message);
    this.stableIds.push(stableId);
    return this.unstored ? new Promise((resolve) => this.unstored!.push(resolve)) : Promise.resolve();
  };
  holdStores(): void {
    this.unstored = [];
  }
  storeAll(): void {
    const waiting = this.unstored ?? [];
    this.unstored = undefined;
    for (const resolve of waiting) resolve();
  }
  callStatus = (_c: OutgoingConference, callId: string, status: string, duration?: number, reason?: string) =>
    void this.calls.push({ callId, status, ...(duration !== undefined && { duration }), ...(reason && { reason }) });
  status = (update: Partial<DeviceStatus>) => void (this.status_ = { ...this.status_, ...update });
  emit = (event: AgentEvent) => void this.events.push(event);
  modemEvents(state: string): number {
    return this.events.filter((event) => event.event === 'modem' && event.state === state).length;
  }
}

function sms(msgId: string, text: string, number = '15550001111'): OutgoingMessage {
  return { msgId, application: 3, number, kind: 'text', text, mediaUrl: '', mediaHash: '', fileName: '', priority: 0, createContact: false };
}

describe.skipIf(!HAS_SOCAT)('modem driver on a simulated modem', () => {
  let dir: string;
  let pty: PtyPair;
  let sim: SimModem;
  let host: RecordingHost;
  let driver: Driver | undefined;

  beforeEach(async () => {
    dir = mkdtempSync(join(tmpdir(), 'modem-'));
    pty = await startPtyPair(dir);
    host = new RecordingHost();
  });

  afterEach(async () => {
    driver?.close();
    driver = undefined;
    await sim?.close();
    await pty.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  async function start(simOptions: SimModemOptions = {}, options: Partial<ModemDriverOptions> = {}, opened?: SimModem): Promise<void> {
    sim = opened ?? (await SimModem.open(pty.simPath, simOptions));
    driver = modemDriver({ port: pty.modemPath, callPollMs: 10, readingsMs: 60_000, backoff: { initialMs: 50, maxMs: 200 }, ...options })(host);
    await waitUntil(() => host.modemEvents('ready') > 0 || host.modemEvents('sim_locked') > 0);
  }

  it('sends a short message as one GSM-7 PDU asking for a status report, and reports sent then delivered from +CDS', async () => {
    await start();
    await waitUntil(() => host.status_.signal !== undefined);
    expect(host.status_).toMatchObject({ signal: 65, operator: 'Sim Telecom', internet: '4G' });
    driver!.send(sms('m1', 'Hello [world] 5€'));
    await waitUntil(() => host.reports.length === 2);
    expect(host.reports).toEqual([{ report: 'sent', msgId: 'm1' }, { report: 'delivered', msgId: 'm1' }]);
    expect(sim.submitted).toEqual([{ kind: 'submit', to: '+15550001111', isStatusReportRequested: true, dcs: 0, text: 'Hello [world] 5€' }]);
    expect(sim.commands.slice(0, 2)).toEqual(['AT', 'ATE0']);
  });

  it('sends long and Unicode messages as concatenated parts and waits for every part before delivered', async () => {
    await start();
    const long = 'The quick brown fox jumps over the lazy dog. '.repeat(8); // 360 GSM-7 characters
    const unicode = 'Привет, мир! Это сообщение длиннее семидесяти знаков, поэтому оно уходит частями 👋';
    driver!.send(sms('long', long));
    driver!.send(sms('uni', unicode));
    await waitUntil(() => host.reports.filter((report) => report.report === 'delivered').length === 2);
    const longParts = sim.submitted.filter((part) => part.dcs === 0);
    const uniParts = sim.submitted.filter((part) => part.dcs === 8);
    expect(longParts.map((part) => part.concat)).toEqual([1, 2, 3].map((sequence) => ({ reference: longParts[0]!.concat!.reference, total: 3, sequence })));
    expect(longParts.map((part) => part.text).join('')).toBe(long);
    expect(uniParts).toHaveLength(2);
    expect(uniParts.map((part) => part.text).join('')).toBe(unicode);
    expect(uniParts[0]!.concat!.reference).not.toBe(longParts[0]!.concat!.reference);
  });

  it('counts a status report that comes in the same read as the +CMGS answer', async () => {
    await start({ reportDelayMs: 0 });
    driver!.send(sms('fast', 'a fast network'));
    await waitUntil(() => host.reports.length === 2);
    expect(host.reports).toEqual([{ report: 'sent', msgId: 'fast' }, { report: 'delivered', msgId: 'fast' }]);
  });

  it('matches +CDSI status reports stored by the modem, reads them and deletes them', async () => {
    await start({ storesStatusReports: true });
    expect(sim.commands).toContain('AT+CNMI=2,1,0,2,0');
    driver!.send(sms('m2', 'stored report'));
    await waitUntil(() => host.reports.some((report) => report.report === 'delivered'));
    await waitUntil(() => sim.stored() === 0);
  });

  it('reports a failed delivery report as failed, not retryable', async () => {
    await start({ reportStatus: 0x41 });
    driver!.send(sms('m3', 'to nowhere'));
    await waitUntil(() => host.reports.length === 2);
    expect(host.reports[1]).toMatchObject({ report: 'failed', msgId: 'm3', retryable: false });
  });

  it('maps +CMS ERROR to permanent or retryable failures', async () => {
    await start();
    sim.sendErrors.push('+CMS ERROR: 1', '+CMS ERROR: 42');
    driver!.send(sms('bad', 'unassigned'));
    driver!.send(sms('busy', 'congested'));
    driver!.send(sms('fine', 'goes through'));
    await waitUntil(() => host.reports.some((report) => report.msgId === 'fine' && report.report === 'delivered'));
    expect(host.reports.filter((report) => report.report === 'failed')).toEqual([
      { report: 'failed', msgId: 'bad', reason: '+CMS ERROR 1: unassigned number', retryable: false },
      { report: 'failed', msgId: 'busy', reason: '+CMS ERROR 42: congestion', retryable: true },
    ]);
  });

  it('reads, deletes and forwards inbound messages, joining concatenated parts that arrive out of order', async () => {
    await start();
    sim.receive('+15557770000', 'Hi there');
    const long = 'Ünïcödé? No: GSM-7 with ñ and ü, long enough to be sent in three parts by the network. '.repeat(3);
    sim.receive('+15557770001', long, { parts: 3, reference: 77, order: [2, 0, 1] });
    sim.receive('+15557770002', 'Здравствуйте');
    await waitUntil(() => host.inbound.length === 3);
    expect(host.inbound).toEqual([
      { number: '15557770000', text: 'Hi there', type: 1, application: 3 },
      { number: '15557770001', text: long, type: 1, application: 3 },
      { number: '15557770002', text: 'Здравствуйте', type: 1, application: 3 },
    ]);
    await waitUntil(() => sim.stored() === 0);
  });

  it('forwards messages stored while it was away (AT+CMGL) and a PDU read twice only once', async () => {
    const opened = await SimModem.open(pty.simPath);
    opened.receive('+15557770003', 'stored while the agent was away', { quiet: true });
    await start({}, {}, opened);
    await waitUntil(() => host.inbound.length === 1);
    expect(host.inbound[0]).toMatchObject({ number: '15557770003', text: 'stored while the agent was away' });
    // The same PDU again (same time stamp): what a message both listed and announced looks like.
    sim.receive('+15557770003', 'stored while the agent was away');
    sim.receive('+15557770004', 'a new one');
    await waitUntil(() => host.inbound.length === 2 && sim.stored() === 0);
    expect(host.inbound.map((message) => message.text)).toEqual(['stored while the agent was away', 'a new one']);
  });

  it('keeps a received message on the modem until the gateway has stored it, then deletes every part', async () => {
    host.holdStores();
    await start();
    sim.receive('+15557770005', 'kept on the SIM until stored');
    sim.receive('+15557770006', 'a long one in two parts, also kept on the SIM until the gateway has it. '.repeat(3), { parts: 2, reference: 9 });
    await waitUntil(() => host.inbound.length === 2);
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(sim.stored()).toBe(3);
    host.storeAll();
    await waitUntil(() => sim.stored() === 0);
    expect(host.stableIds.every((id) => /^sms-[0-9a-f]{32}$/.test(id ?? ''))).toBe(true);
  });

  it('sends a message again under the same id after a restart that came before the gateway stored it', async () => {
    host.holdStores();
    await start();
    sim.receive('+15557770007', 'read, then the agent stopped');
    await waitUntil(() => host.inbound.length === 1);
    const [firstId] = host.stableIds;
    // The agent stops before the gateway's ack; the modem (and its SIM) stay as they are.
    driver!.close();
    driver = undefined;
    const old = sim;
    await old.close();
    await pty.stop();
    pty = await startPtyPair(dir);
    const restarted = new RecordingHost();
    host = restarted;
    await start({}, {}, await SimModem.open(pty.simPath, { simFrom: old }));
    await waitUntil(() => restarted.inbound.length === 1 && sim.stored() === 0);
    expect(restarted.inbound[0]).toMatchObject({ number: '15557770007', text: 'read, then the agent stopped' });
    expect(restarted.stableIds).toEqual([firstId]);
  });

  it('enters the SIM PIN once, and never again after a refusal', async () => {
    await start({ pin: '1234' }, { pin: '1234' });
    expect(sim.pinsTried).toEqual(['1234']);
    expect(host.modemEvents('ready')).toBe(1);
    await sim.close();
    await pty.stop();
    pty = await startPtyPair(dir);
    host = new RecordingHost();
    driver!.close();
    await start({ pin: '1234' }, { pin: '9999' });
    expect(sim.pinsTried).toEqual(['9999']);
    expect(host.modemEvents('sim_locked')).toBe(1);
    driver!.send(sms('locked', 'cannot go'));
    expect(host.reports).toEqual([{ report: 'failed', msgId: 'locked', reason: expect.stringContaining('refused the PIN'), retryable: true }]);
  });

  it('survives the modem being unplugged and plugged back, and sends what waited meanwhile', async () => {
    // Frequent readings: a hang-up the port's poller misses is then seen by the next write, as in production.
    await start({}, { readingsMs: 200 });
    await sim.close();
    await pty.stop(); // unplugged
    await waitUntil(() => host.modemEvents('disconnected') === 1, 30_000);
    driver!.send(sms('dropped', 'deleted from the queue while unplugged'));
    expect(driver!.dropQueued!().map((message) => message.msgId)).toEqual(['dropped']);
    driver!.send(sms('later', 'sent once the modem is back'));
    expect(host.reports).toEqual([]);
    pty = await startPtyPair(dir); // plugged back
    sim = await SimModem.open(pty.simPath);
    await waitUntil(() => host.modemEvents('ready') === 2, 30_000);
    await waitUntil(() => host.reports.some((report) => report.report === 'delivered'));
    expect(sim.submitted.map((part) => part.text)).toEqual(['sent once the modem is back']);
  }, 90_000);

  it('places a conference: dials each member, holds and joins them, and reports each outcome', async () => {
    await start({ callOutcome: (number) => (number === '15550000002' ? 'busy' : 'answer') });
    const conference: OutgoingConference = { pushId: 'p1', priority: 0, isGatewayMuted: false, isRecorded: false, members: ['15550000001', '15550000002', '15550000003'].map((number, i) => ({ callId: `c${i + 1}`, number })) };
    driver!.call!(conference);
    await waitUntil(() => host.calls.filter((call) => call.status === 'in_progress').length === 2);
    await waitUntil(() => sim.calls.length === 2 && sim.calls.every((call) => call.isMultiparty && call.stat === 0));
    expect(sim.commands.filter((command) => command.startsWith('AT+CHLD=') && command !== 'AT+CHLD=?')).toEqual(['AT+CHLD=2', 'AT+CHLD=3']);
    sim.hangUp('15550000001');
    sim.hangUp('15550000003');
    await waitUntil(() => host.calls.filter((call) => call.status === 'completed').length === 2);
    expect(host.calls.find((call) => call.callId === 'c2')).toEqual({ callId: 'c2', status: 'cancelled', duration: 0, reason: 'busy' });
    expect(host.calls.filter((call) => call.callId !== 'c2').map((call) => call.status)).toEqual(['in_progress', 'in_progress', 'completed', 'completed']);
  });

  it('places a one-to-one call when the modem cannot join calls', async () => {
    await start({ supportsConference: false });
    driver!.call!({ pushId: 'p2', priority: 0, isGatewayMuted: false, isRecorded: true, members: [{ callId: 'a', number: '15550000001' }, { callId: 'b', number: '15550000002' }] });
    await waitUntil(() => host.calls.some((call) => call.status === 'in_progress'));
    expect(host.calls.find((call) => call.callId === 'b')).toMatchObject({ status: 'cancelled', reason: expect.stringContaining('one-to-one') });
    expect(host.calls.find((call) => call.callId === 'a')).toMatchObject({ status: 'in_progress', reason: 'record not supported by this device' });
    sim.hangUp('15550000001');
    await waitUntil(() => host.calls.some((call) => call.callId === 'a' && call.status === 'completed'));
  });
});
