// DeviceWindow: the in-flight window and pacing shared by bridge devices and Android app phones.
import { describe, expect, it } from 'vitest';
import { DeviceWindow } from '../src/bridge/device-window.js';
import type { Device } from '../src/core/index.js';

const device = (delayMs: number) => ({ delayMs }) as Device;

describe('DeviceWindow', () => {
  it('has room until the window is full, and again once a message is released', () => {
    const window = new DeviceWindow(2);
    const fast = device(0);
    expect(window.freeSlots(fast)).toBe(2);
    window.reserve(1, 1000, fast);
    window.add(2);
    expect(window.size).toBe(2);
    expect(window.hasRoom(1000)).toBe(false);
    expect(window.freeSlots(fast)).toBe(0);
    window.release(1);
    expect(window.hasRoom(1000)).toBe(true);
    expect(window.freeSlots(fast)).toBe(1);
  });

  it('paces a device with a delay: one slot, and no room until the delay has passed', () => {
    const window = new DeviceWindow(100);
    const paced = device(500);
    expect(window.freeSlots(paced)).toBe(1);
    window.reserve(7, 1000, paced);
    expect(window.nextSendAt).toBe(1500);
    expect(window.hasRoom(1499)).toBe(false);
    expect(window.hasRoom(1500)).toBe(true);
    // Counting a held message (after a restart) does not restart the delay.
    window.add(8);
    expect(window.nextSendAt).toBe(1500);
    expect(window.size).toBe(2);
  });
});
