// The `device-status` answer for phone automation, in the documented shape and string forms.
import { formatProjectTime } from '../project-time.js';
import type { Project } from '../project.js';
import type { Device } from './device.js';

function text(value: number | string | undefined): string {
  return value === undefined ? '' : String(value);
}

export function deviceStatusReport(project: Project, device: Device, messageQueueCount: number, callQueueCount: number): Record<string, unknown> {
  const status = device.lastStatus;
  return {
    project_id: String(project.id),
    device_id: device.deviceKey,
    phone_name: device.phoneName,
    battery_percentage: text(status.battery),
    charging_state: status.charging === undefined ? '' : status.charging ? 'Charging' : 'Not Charging',
    wifi_signal_strength: status.wifi === undefined ? '' : status.wifi === 0 ? 'Not Connected' : String(status.wifi),
    internet_status: text(status.internet),
    message_queue_count: String(messageQueueCount),
    call_queue_count: String(callQueueCount),
    free_disk_space: status.freeDiskMb === undefined ? '' : `${status.freeDiskMb} MB`,
    cloud_message_status: status.cloudRegistered === false ? 'Not Registered' : 'Registered',
    // Extras beyond the documented answer, only for devices that report them (a GSM modem).
    ...(status.signal !== undefined && { mobile_signal_strength: String(status.signal) }),
    ...(status.operator !== undefined && { network_operator: status.operator }),
    time: formatProjectTime(device.lastSeenAt, project.timeZone, project.dateFormat),
    connection: device.isOnline ? 'online' : 'offline',
  };
}
