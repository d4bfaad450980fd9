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

/** Reaches devices connected to this node; the bridge implements it. */
export interface DeviceLink {
  /** Sends a command frame; false when the device is not connected here. */
  sendCommand(deviceId: number, command: DeviceCommand): boolean;
  /** Tells the dispatcher that a device's queue state changed (paused, resumed, new work). */
  wake(projectId: number): void;
}
