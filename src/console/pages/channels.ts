// Channels: pairing a phone (QR code and license key) and WhatsApp Web channels — the live QR code that
// refreshes until scanned, a pairing code, the session's status and its commands.
import { useEffect, useState } from 'preact/hooks';
import { call, follow, type Answer } from '../api.js';
import type { PageProps } from '../app.js';
import { Notice, Section, Table, field, html, useAction } from '../ui.js';

const WEB_COMMANDS = ['restart', 'restart-server', 'delete-message-queue', 'disconnect', 'clearlogs'];
/** Commands that lose something (the queue, the link to the phone): asked for twice. */
const DESTRUCTIVE = ['delete-message-queue', 'disconnect'];

function PhonePairing({ project }: { project: Answer }) {
  return html`<${Section} title="Pair a phone">
    <div class="pairing">
      <img src=${`data:image/png;base64,${String(project.qr_code_base64)}`} width="180" height="180" alt="QR code to pair a phone with this project" />
      <div>
        <p>A phone app pairs by scanning this code (the bridge agent reads its text with <code>--pair</code>), or with the license key:</p>
        <p>License key: <code class="secret" data-testid="license-key">${project.license_key}</code></p>
        <pre><code>npx switchboard agent --server ${location.origin} --license ${project.license_key}</code></pre>
      </div>
    </div>
  <//>`;
}

function WebSession({ projectId, channel, onChanged }: { projectId: string; channel: Answer; onChanged: () => void }) {
  const [live, setLive] = useState<Answer | undefined>();
  const [outcome, run] = useAction();
  const channelId = String(channel.channel_id);
  useEffect(() => {
    // Asking for the QR code starts the session; the stream then shows each new code until it is scanned.
    call('whatsapp-qr', { project_id: projectId, channel_id: Number(channelId) }).catch(() => undefined);
    return follow({ topic: 'whatsapp', project_id: projectId, channel_id: channelId }, setLive);
  }, [projectId, channelId]);
  useEffect(() => {
    if (live?.session_status === 'CONNECTED') onChanged();
  }, [live?.session_status]);
  const pairingCode = (event: Event) => {
    event.preventDefault();
    const number = field(event.target as HTMLFormElement, 'number');
    void run(async () => `Type ${String((await call('whatsapp-pairing-code', { project_id: projectId, channel_id: Number(channelId), number })).pairing_code)} on the phone (Linked devices → Link with phone number).`);
  };
  const command = (name: string) => run(async () => {
    if (DESTRUCTIVE.includes(name) && !confirm(`Run ${name} on channel ${channelId}?`)) return 'Cancelled.';
    return `${name}: done, ${String((await call('device-action', { project_id: projectId, application: Number(channelId), command: name })).messages_cancelled)} messages cancelled.`;
  });
  const status = live?.session_status ?? '…';
  return html`<${Section} title=${`WhatsApp Web channel ${channelId}`}>
    <p>Status: <strong class=${`badge web-${status}`} aria-live="polite">${status}</strong> ${live?.connected_number ? `as +${String(live.connected_number)}` : ''}</p>
    ${status !== 'CONNECTED' &&
    html`<div class="pairing">
      ${live?.qr_code_base64
        ? html`<img src=${`data:image/png;base64,${String(live.qr_code_base64)}`} width="220" height="220" alt="WhatsApp Web QR code: scan it from WhatsApp, Linked devices" />`
        : html`<p class="empty">Waiting for a QR code from WhatsApp…</p>`}
      <form onSubmit=${pairingCode}>
        <label>Or link with a phone number <input name="number" inputmode="numeric" placeholder="919876543210" required /></label>
        <button type="submit" disabled=${outcome.busy}>Get a pairing code</button>
      </form>
    </div>`}
    ${live?.last_error && html`<p class="hint">Last error: ${live.last_error}</p>`}
    <div class="actions" role="group" aria-label="Session commands">
      ${WEB_COMMANDS.map((name) => html`<button type="button" class="secondary" disabled=${outcome.busy} onClick=${() => command(name)}>${name}</button>`)}
    </div>
    <${Notice} outcome=${outcome} />
  <//>`;
}

function WebChannels({ project }: { project: Answer }) {
  const [channels, setChannels] = useState<Answer[]>([]);
  const [openId, setOpenId] = useState('');
  const [outcome, run] = useAction();
  const projectId = String(project.project_id);
  const reload = () => call('pm/list-channels', { project_id: projectId }).then((answer) => setChannels((answer.data as Answer[]).filter((each) => each.application === 10)));
  useEffect(() => {
    setOpenId('');
    reload().catch(() => setChannels([]));
  }, [projectId]);
  const create = (event: Event) => {
    event.preventDefault();
    const name = field(event.target as HTMLFormElement, 'name');
    void run(async () => {
      const created = await call('pm/create-channel', { project_id: projectId, application: 10, ...(name && { name }) });
      await reload();
      (event.target as HTMLFormElement).reset();
      setOpenId(String(created.channel_id));
      return `Channel ${String(created.channel_id)} created.`;
    });
  };
  const open = channels.find((each) => String(each.channel_id) === openId);
  return html`<${Section} title="WhatsApp Web channels">
    <${Table} caption="WhatsApp Web channels" empty="No WhatsApp Web channel yet." rows=${channels} columns=${[
      { label: 'Id', cell: (row: Answer) => row.channel_id },
      { label: 'Name', cell: (row: Answer) => row.name },
      { label: 'Session', cell: (row: Answer) => row.session_status },
      { label: 'Number', cell: (row: Answer) => row.connected_number || '—' },
      { label: 'Open', cell: (row: Answer) => html`<button type="button" class="secondary" onClick=${() => setOpenId(String(row.channel_id))}>Pair and manage <span class="visually-hidden">channel ${row.channel_id}</span></button>` },
    ]} />
    <form class="inline" onSubmit=${create}>
      <label>Name <input name="name" maxlength="64" placeholder="WhatsApp Web" /></label>
      <button type="submit" disabled=${outcome.busy}>Add a WhatsApp Web channel</button>
    </form>
    <${Notice} outcome=${outcome} />
    ${open && html`<${WebSession} key=${openId} projectId=${projectId} channel=${open} onChanged=${() => void reload()} />`}
  <//>`;
}

export function ChannelsPage({ project }: PageProps) {
  if (!project) return html`<p class="empty">Create a project first.</p>`;
  return html`<${PhonePairing} project=${project} /><${WebChannels} project=${project} />`;
}
