// What the bridge channel and the dispatcher need to know of a device connected to this node.
import type { Device } from '../../core/index.js';
import type { CallFrame, SendFrame } from '../../bridge/frames.js';

export interface ConnectedDevice {
  readonly device: Device;
  /** Ready to take one more message now: welcomed, not paused, paced, within its in-flight window. */
  canTakeMessage(now: number): boolean;
  /** How many messages it could take right now (its window's room; one for a paced device). */
  freeSlots(now: number): number;
  /** When pacing next lets it take a message (epoch ms). */
  readonly nextSendAt: number;
  /** Books the device for one message: starts its delay and counts it in flight. */
  reserve(messageId: number, now: number): void;
  /** Gives the booking back when the claim did not happen. */
  release(messageId: number): void;
  sendMessage(frame: SendFrame): void;
  /** Hands the device a conference to place. */
  sendCall(frame: CallFrame): void;
}

export interface DeviceDirectory {
  /** A device's session on this node, if it is connected here. */
  connected(deviceId: number): ConnectedDevice | undefined;
  /** The welcomed devices of a project connected to this node. */
  connectedFor(projectId: number): ConnectedDevice[];
}
