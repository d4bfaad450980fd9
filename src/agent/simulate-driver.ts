// The `simulate` driver: a phone that sends every message at once and reports it delivered after a
// set time, writing each message it "sends" as an event line so tests and demos can see it.
import type { Driver, DriverFactory, DriverHost, OutgoingMessage } from './driver.js';

export interface SimulateDriverOptions {
  /** Time between `sent` and `delivered`, in ms (default 0: delivered right after sent). */
  deliverAfterMs?: number;
}

class SimulateDriver implements Driver {
  readonly name = 'simulate';
  private readonly timers = new Set<NodeJS.Timeout>();

  constructor(
    private readonly host: DriverHost,
    private readonly deliverAfterMs: number,
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
    });
    this.host.sent(message.msgId);
    if (this.deliverAfterMs <= 0) {
      this.host.delivered(message.msgId);
      return;
    }
    const timer = setTimeout(() => {
      this.timers.delete(timer);
      this.host.delivered(message.msgId);
    }, this.deliverAfterMs);
    this.timers.add(timer);
  }

  close(): void {
    for (const timer of this.timers) clearTimeout(timer);
    this.timers.clear();
  }
}

export function simulateDriver(options: SimulateDriverOptions = {}): DriverFactory {
  return (host) => new SimulateDriver(host, options.deliverAfterMs ?? 0);
}
