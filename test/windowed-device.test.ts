// WindowedDevice: the in-flight window and pacing shared by bridge devices and Android app phones.
import { describe, expect, it } from 'vitest';
import { WindowedDevice } from '../src/bridge/windowed-device.js';
import type { Device } from '../src/core/index.js';

class TestDevice extends WindowedDevice {
  isThere = true;
  constructor(
    public device: Device,
    maxInFlight: number,
  ) {
    super(maxInFlight);
  }
  protected isReachable(): boolean {
    return this.isThere;
  }
  hold(messageId: number): void {
    this.countInFlight(messageId);
  }
}

const device = (delayMs: number, isMessageQueuePaused = false) => ({ delayMs, isMessageQueuePaused }) as Device;

describe('WindowedDevice', () => {
  it('takes messages until its window is full, and again once one is released', () => {
    const fast = new TestDevice(device(0), 2);
    expect(fast.freeSlots(1000)).toBe(2);
    fast.reserve(1, 1000);
    fast.hold(2);
    expect(fast.inFlightCount).toBe(2);
    expect(fast.canTakeMessage(1000)).toBe(false);
    expect(fast.freeSlots(1000)).toBe(0);
    fast.release(1);
    expect(fast.canTakeMessage(1000)).toBe(true);
    expect(fast.freeSlots(1000)).toBe(1);
  });

  it('paces a device with a delay: one slot, none until the delay has passed', () => {
    const paced = new TestDevice(device(500), 100);
    expect(paced.freeSlots(1000)).toBe(1);
    paced.reserve(7, 1000);
    expect(paced.nextSendAt).toBe(1500);
    expect(paced.canTakeMessage(1499)).toBe(false);
    expect(paced.canTakeMessage(1500)).toBe(true);
    // Counting a held message (after a restart) does not restart the delay.
    paced.hold(8);
    expect(paced.nextSendAt).toBe(1500);
    expect(paced.inFlightCount).toBe(2);
  });

  it('takes nothing while unreachable or paused', () => {
    const gone = new TestDevice(device(0), 10);
    gone.isThere = false;
    expect(gone.canTakeMessage(0)).toBe(false);
    expect(gone.freeSlots(0)).toBe(0);
    const paused = new TestDevice(device(0, true), 10);
    expect(paused.canTakeMessage(0)).toBe(false);
  });
});
