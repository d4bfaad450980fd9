// Webhook log: every delivery with its state, attempts, last response code and error; one opened shows
// its payload, and a failed (or any) delivery can be replayed.
import { useEffect, useState } from 'preact/hooks';
import { call, type Answer } from '../api.js';
import type { PageProps } from '../app.js';
import { Notice, Section, Table, html, useAction, when } from '../ui.js';

function Delivery({ projectId, delivery, onReplayed }: { projectId: string; delivery: Answer; onReplayed: () => Promise<void> }) {
  const [outcome, run] = useAction();
  const replay = () =>
    run(async () => {
      const answer = await call('pm/webhook-replay', { project_id: projectId, delivery_id: delivery.delivery_id });
      await onReplayed();
      return `Delivery ${String(answer.delivery_id)} queued again (state ${String(answer.state)}).`;
    });
  return html`<${Section} title=${`Delivery ${String(delivery.delivery_id)}`}>
    <dl class="facts">
      <dt>Kind</dt><dd>${delivery.kind}</dd>
      <dt>URL</dt><dd><code>${delivery.url}</code></dd>
      <dt>State</dt><dd><span class=${`badge delivery-${String(delivery.state)}`}>${delivery.state}</span></dd>
      <dt>Attempts</dt><dd>${delivery.attempts}</dd>
      <dt>Last response code</dt><dd>${delivery.response_code ?? '—'}</dd>
      <dt>Last error</dt><dd>${delivery.last_error || '—'}</dd>
      <dt>Latency</dt><dd>${delivery.latency_ms === null ? '—' : `${String(delivery.latency_ms)} ms`}</dd>
      <dt>Created</dt><dd>${when(delivery.created_at)}</dd>
      <dt>Delivered</dt><dd>${when(delivery.delivered_at) || '—'}</dd>
      <dt>Next attempt</dt><dd>${when(delivery.next_attempt_at) || '—'}</dd>
    </dl>
    <button type="button" onClick=${replay} disabled=${outcome.busy}>Replay delivery</button>
    <${Notice} outcome=${outcome} />
    <details><summary>Payload</summary><pre><code>${JSON.stringify(delivery.payload, null, 2)}</code></pre></details>
  <//>`;
}

export function WebhooksPage({ project }: PageProps) {
  const [rows, setRows] = useState<Answer[] | undefined>();
  const [openId, setOpenId] = useState('');
  const [outcome, run] = useAction();
  const projectId = project ? String(project.project_id) : '';
  const load = async () => setRows((await call('pm/webhook-log', { project_id: projectId, limit: 100 })).data as Answer[]);
  useEffect(() => {
    setOpenId('');
    if (projectId) void run(load);
  }, [projectId]);
  if (!project) return html`<p class="empty">Create a project first.</p>`;
  const open = rows?.find((row) => row.delivery_id === openId);
  return html`
    <p><button type="button" class="secondary" onClick=${() => run(load)} disabled=${outcome.busy}>Refresh</button></p>
    <${Notice} outcome=${outcome} />
    <${Table} caption="Webhook deliveries" empty="No webhook deliveries yet." rows=${rows ?? []} columns=${[
      { label: 'Id', cell: (row: Answer) => row.delivery_id },
      { label: 'Kind', cell: (row: Answer) => row.kind },
      { label: 'State', cell: (row: Answer) => html`<span class=${`badge delivery-${String(row.state)}`}>${row.state}</span>` },
      { label: 'Attempts', cell: (row: Answer) => row.attempts },
      { label: 'Response', cell: (row: Answer) => row.response_code ?? '—' },
      { label: 'Error', cell: (row: Answer) => row.last_error || '' },
      { label: 'Created', cell: (row: Answer) => when(row.created_at) },
      { label: 'Open', cell: (row: Answer) => html`<button type="button" class="secondary" onClick=${() => setOpenId(String(row.delivery_id))}>Open <span class="visually-hidden">delivery ${row.delivery_id}</span></button>` },
    ]} />
    ${open && html`<${Delivery} key=${openId} projectId=${projectId} delivery=${open} onReplayed=${load} />`}`;
}
