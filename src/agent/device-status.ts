// What the device reports in its `status` heartbeat. The phone's own readings (battery, signal…) are
// set by the owner; the queue sizes are the agent's real local queues.
import { parseDeviceFrame, type StatusFrame } from '../bridge/frames.js';
import { AgentInputError } from './agent-input-error.js';

export type DeviceStatus = Omit<StatusFrame, 'type'>;

/** What a freshly started simulated phone reports. */
export const DEFAULT_STATUS: DeviceStatus = {
  battery: 100,
  charging: true,
  wifi: 100,
  internet: 'WIFI',
  free_disk_mb: 10_240,
  cloud_registered: true,
};

/** Checks a partial status against the protocol (the same schema the gateway uses). */
export function checkStatus(update: unknown): DeviceStatus {
  if (update === null || typeof update !== 'object' || Array.isArray(update)) throw new AgentInputError('status must be a JSON object');
  if ('type' in update) throw new AgentInputError('status: unknown field type');
  const parsed = parseDeviceFrame(JSON.stringify({ ...update, type: 'status' }));
  if ('problem' in parsed) throw new AgentInputError(`invalid status: ${parsed.problem.detail}`);
  const { type: _type, ...status } = parsed.frame as StatusFrame;
  return status;
}
