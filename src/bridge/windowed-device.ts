// The flow control every device the dispatcher hands messages to shares, whether it holds a bridge
// socket or is a phone running the Android app: a window of messages in flight and the device's pacing.
import type { Device } from '../core/index.js';

export abstract class WindowedDevice {
  abstract device: Device;
  /** When pacing next lets the device take a message (epoch ms). */
  private pacedUntil = 0;
  /** Handed to the device and not yet reported sent or failed. */
  private readonly inFlight = new Set<number>();

  constructor(private readonly maxInFlight: number) {}

  /** Whether the device is there to take messages at all (welcomed on its socket, or present). */
  protected abstract isReachable(now: number): boolean;

  get nextSendAt(): number {
    return this.pacedUntil;
  }

  /** Ready to take one more message now: reachable, not paused, paced, within its window. */
  canTakeMessage(now: number): boolean {
    return this.isReachable(now) && !this.device.isMessageQueuePaused && this.inFlight.size < this.maxInFlight && now >= this.pacedUntil;
  }

  /** How many it could take now: its window's room, or one for a paced device. */
  freeSlots(now: number): number {
    if (!this.canTakeMessage(now)) return 0;
    return this.device.delayMs > 0 ? 1 : this.maxInFlight - this.inFlight.size;
  }

  /** Books the device for one message: counts it in flight and starts the device's delay. */
  reserve(messageId: number, now: number): void {
    this.inFlight.add(messageId);
    this.pacedUntil = now + this.device.delayMs;
  }

  /** A claim that did not happen, or a report that settled the message: room again. */
  release(messageId: number): void {
    this.inFlight.delete(messageId);
  }

  get inFlightCount(): number {
    return this.inFlight.size;
  }

  /** Counts a message in flight (handed over, or found held after a restart) without pacing. */
  protected countInFlight(messageId: number): void {
    this.inFlight.add(messageId);
  }
}
