// The device's own local queues: messages accepted (acked) but held while the message queue is paused,
// and the simulated backlog sizes the owner sets through the status. The `status` heartbeat reports
// their sizes; the queue commands act on them.
import type { OutgoingMessage } from './driver.js';

export class DeviceQueues {
  isMessageQueuePaused = false;
  isCallQueuePaused = false;
  private held: OutgoingMessage[] = [];
  // Backlogs the owner simulates (`{"status":{"queue_messages":3}}`): the agent carries no calls and
  // holds messages only while paused, so these let a demo show a busy phone.
  private messageBacklog = 0;
  private callBacklog = 0;

  hold(message: OutgoingMessage): void {
    this.held.push(message);
  }

  /** Takes every held message, in arrival order, to send them now. */
  takeHeld(): OutgoingMessage[] {
    const taken = this.held;
    this.held = [];
    return taken;
  }

  /** Drops the message queue; returns the held messages that will never be sent. */
  clearMessages(): OutgoingMessage[] {
    this.messageBacklog = 0;
    return this.takeHeld();
  }

  clearCalls(): void {
    this.callBacklog = 0;
  }

  setBacklogs(backlogs: { queue_messages?: number | undefined; queue_calls?: number | undefined }): void {
    if (backlogs.queue_messages !== undefined) this.messageBacklog = backlogs.queue_messages;
    if (backlogs.queue_calls !== undefined) this.callBacklog = backlogs.queue_calls;
  }

  sizes(): { queue_messages: number; queue_calls: number } {
    return { queue_messages: this.messageBacklog + this.held.length, queue_calls: this.callBacklog };
  }
}
