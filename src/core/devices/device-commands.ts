// The commands of `device-action` for phone automation, and what each one does on the gateway's side.

export const DEVICE_COMMANDS = [
  'restart',
  'reset',
  'delete-message-queue',
  'delete-call-queue',
  'stop-message-queue',
  'resume-message-queue',
  'stop-call-queue',
  'resume-call-queue',
] as const;
export type DeviceCommand = (typeof DEVICE_COMMANDS)[number];

export function isDeviceCommand(value: string): value is DeviceCommand {
  return (DEVICE_COMMANDS as readonly string[]).includes(value);
}

/**
 * What a phone running the SMS Gateway for Android app obeys: it takes work only when the gateway hands
 * it over, so pausing, resuming and emptying the message queue are done on the gateway's side. It cannot
 * restart itself, drop what it already fetched (`reset`) or place calls: when every addressed device is
 * such a phone, those commands answer 502 (docs/devices.md).
 */
export const APP_PHONE_COMMANDS: readonly DeviceCommand[] = ['delete-message-queue', 'stop-message-queue', 'resume-message-queue'];

/** Reaches devices connected to this node; the bridge implements it. */
export interface DeviceLink {
  /** Sends a command frame; false when the device is not connected here. */
  sendCommand(deviceId: number, command: DeviceCommand): boolean;
  /** Tells the dispatcher that a device's queue state changed (paused, resumed, new work). */
  wake(projectId: number): void;
}
