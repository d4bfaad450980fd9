// The `simulate` driver: a phone that sends every message at once and reports it delivered after a
// set time, and plays each conference member's call as configured (answers after N s and talks M s,
// busy, or no answer), writing what it does as event lines so tests and demos can see it.
import type { Driver, DriverFactory, DriverHost, OutgoingConference, OutgoingMessage } from './driver.js';

/** How one member's call goes. Without `ringS`, an unanswered call is never reported (the gateway's timeout cancels it). */
export type SimulatedCallOutcome = { outcome: 'answer'; answerAfterS?: number; talkS?: number } | { outcome: 'busy' } | { outcome: 'no_answer'; ringS?: number };

export interface SimulateDriverOptions {
  /** Time between `sent` and `delivered`, in ms (default 0: delivered right after sent). */
  deliverAfterMs?: number;
  /** Each member's call, by number (default: answers after 1 s, talks 5 s). */
  callOutcome?: (number: string) => SimulatedCallOutcome;
  /** How long a simulated second lasts, in ms (default 1000; tests make calls quick with 1). */
  secondMs?: number;
}

const DEFAULT_OUTCOME: SimulatedCallOutcome = { outcome: 'answer', answerAfterS: 1, talkS: 5 };

class SimulateDriver implements Driver {
  readonly name = 'simulate';
  private readonly timers = new Set<NodeJS.Timeout>();

  constructor(
    private readonly host: DriverHost,
    private readonly options: SimulateDriverOptions,
  ) {}

  send(message: OutgoingMessage): void {
    this.host.emit({
      event: 'message',
      msg_id: message.msgId,
      application: message.application,
      number: message.number,
      kind: message.kind,
      text: message.text,
      media_url: message.mediaUrl,
      file_name: message.fileName,
      priority: message.priority,
      // The simulated phone has no address book: it says the contact was asked for, as a real one saves it.
      ...(message.createContact && { create_contact: true }),
    });
    this.host.sent(message.msgId);
    const deliverAfterMs = this.options.deliverAfterMs ?? 0;
    if (deliverAfterMs <= 0) {
      this.host.delivered(message.msgId);
      return;
    }
    this.later(deliverAfterMs, () => this.host.delivered(message.msgId));
  }

  call(conference: OutgoingConference): void {
    this.host.emit({ event: 'call', push_id: conference.pushId, numbers: conference.members.map((member) => member.number) });
    // The simulated phone can neither mute itself nor record: it says so, as a real one would.
    const unsupported = [conference.isGatewayMuted && 'mute_gateway', conference.isRecorded && 'record'].filter(Boolean);
    const note = unsupported.length > 0 ? `${unsupported.join(' and ')} not supported by this device` : undefined;
    const second = this.options.secondMs ?? 1000;
    for (const { callId, number } of conference.members) {
      const plan = this.options.callOutcome?.(number) ?? DEFAULT_OUTCOME;
      const report = (status: 'in_progress' | 'completed' | 'cancelled', duration?: number, reason?: string) => this.host.callStatus(conference, callId, status, duration, reason ?? note);
      if (plan.outcome === 'busy') this.later(0, () => report('cancelled', 0, 'busy'));
      else if (plan.outcome === 'no_answer') {
        if (plan.ringS !== undefined) this.later(plan.ringS * second, () => report('cancelled', 0, 'no answer'));
      } else {
        const talkS = plan.talkS ?? 5;
        this.later((plan.answerAfterS ?? 1) * second, () => {
          report('in_progress');
          this.later(talkS * second, () => report('completed', talkS));
        });
      }
    }
  }

  private later(ms: number, work: () => void): void {
    const timer = setTimeout(() => {
      this.timers.delete(timer);
      work();
    }, ms);
    this.timers.add(timer);
  }

  close(): void {
    for (const timer of this.timers) clearTimeout(timer);
    this.timers.clear();
  }
}

export function simulateDriver(options: SimulateDriverOptions = {}): DriverFactory {
  return (host) => new SimulateDriver(host, options);
}
