// The flow control every device the dispatcher hands messages to shares, whether it holds a bridge
// socket or is a phone running the Android app: a window of messages in flight and the device's pacing.
import type { Device } from '../core/index.js';

export class DeviceWindow {
  /** When pacing next lets the device take a message (epoch ms). */
  nextSendAt = 0;
  /** Handed to the device and not yet reported sent or failed. */
  private readonly inFlight = new Set<number>();

  constructor(private readonly maxInFlight: number) {}

  /** Room in the window and the device's delay over; the caller adds whether the device is there at all. */
  hasRoom(now: number): boolean {
    return this.inFlight.size < this.maxInFlight && now >= this.nextSendAt;
  }

  /** How many it could take now, given it can take one: its room, or one for a paced device. */
  freeSlots(device: Device): number {
    return device.delayMs > 0 ? 1 : this.maxInFlight - this.inFlight.size;
  }

  /** Books the device for one message: counts it in flight and starts the device's delay. */
  reserve(messageId: number, now: number, device: Device): void {
    this.inFlight.add(messageId);
    this.nextSendAt = now + device.delayMs;
  }

  /** Counts a message in flight (handed over, or found held after a restart) without pacing. */
  add(messageId: number): void {
    this.inFlight.add(messageId);
  }

  /** A claim that did not happen, or a report that settled the message: room again. */
  release(messageId: number): void {
    this.inFlight.delete(messageId);
  }

  get size(): number {
    return this.inFlight.size;
  }
}
