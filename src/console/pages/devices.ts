// Devices: each paired phone's connection, battery, signal, queues and last contact, updated live, and
// the device commands.
import { useEffect, useState } from 'preact/hooks';
import { call, follow, type Answer } from '../api.js';
import type { PageProps } from '../app.js';
import { Notice, Table, html, useAction, when } from '../ui.js';

/** Commands that lose queued work or the pairing: asked for twice. */
const DESTRUCTIVE = ['reset', 'delete-message-queue', 'delete-call-queue'];
const DEVICE_COMMANDS = ['restart', 'reset', 'delete-message-queue', 'delete-call-queue', 'stop-message-queue', 'resume-message-queue', 'stop-call-queue', 'resume-call-queue'];

export function DevicesPage({ project }: PageProps) {
  const [devices, setDevices] = useState<Answer[] | undefined>();
  const [outcome, run] = useAction();
  const projectId = project ? String(project.project_id) : '';
  useEffect(() => {
    setDevices(undefined);
    if (!projectId) return undefined;
    return follow({ topic: 'devices', project_id: projectId }, (snapshot) => setDevices(snapshot.devices as Answer[]));
  }, [projectId]);
  if (!project) return html`<p class="empty">Create a project first.</p>`;
  const command = (event: Event, device: Answer) => {
    event.preventDefault();
    const name = ((event.target as HTMLFormElement).elements.namedItem('command') as HTMLSelectElement).value;
    void run(async () => {
      if (DESTRUCTIVE.includes(name) && !confirm(`Run ${name} on ${String(device.device_id)}?`)) return 'Cancelled.';
      const answer = await call('device-action', { project_id: projectId, device_id: device.device_id, command: name });
      return `${name} sent to ${String(device.device_id)}: ${String(answer.devices_reached)} device(s) reached, ${String(answer.messages_cancelled)} messages cancelled.`;
    });
  };
  return html`
    <p class="hint" aria-live="polite">${devices === undefined ? 'Connecting…' : `${devices.filter((each) => each.connection === 'online').length} of ${devices.length} online · updates live`}</p>
    <${Table} caption="Devices" empty="No phone has paired with this project yet: see Channels." rows=${devices ?? []} columns=${[
      { label: 'Device', cell: (row: Answer) => html`<strong>${row.phone_name || row.device_id}</strong><br /><small>${row.device_id}</small>` },
      { label: 'Connection', cell: (row: Answer) => html`<span class=${`badge conn-${String(row.connection)}`}>${row.connection}</span>` },
      { label: 'Battery', cell: (row: Answer) => (row.battery_percentage ? `${String(row.battery_percentage)}% ${row.charging_state === 'Charging' ? '(charging)' : ''}` : '—') },
      { label: 'Signal', cell: (row: Answer) => row.wifi_signal_strength || '—' },
      { label: 'Internet', cell: (row: Answer) => row.internet_status || '—' },
      { label: 'Queues', cell: (row: Answer) => `${String(row.message_queue_count)} messages, ${String(row.call_queue_count)} calls` },
      { label: 'Last seen', cell: (row: Answer) => when(row.last_seen_at) },
      {
        label: 'Command',
        cell: (row: Answer) => html`<form class="inline tight" onSubmit=${(event: Event) => command(event, row)}>
          <label><span class="visually-hidden">Command for ${row.device_id}</span>
            <select name="command">${DEVICE_COMMANDS.map((name) => html`<option>${name}</option>`)}</select>
          </label>
          <button type="submit" disabled=${outcome.busy}>Run</button>
        </form>`,
      },
    ]} />
    <${Notice} outcome=${outcome} />`;
}
