// Messages: search by push id, number, state and date; a push's recipients with their states (live while
// it is in progress); a message's timeline of state changes.
import { useEffect, useState } from 'preact/hooks';
import { call, follow, type Answer } from '../api.js';
import type { PageProps } from '../app.js';
import { Notice, Section, StateBadge, Table, field, html, useAction, when } from '../ui.js';

const STATES = ['queued', 'sending', 'submitted', 'delivered', 'read', 'failed', 'cancelled', 'refunded'];

function Timeline({ projectId, messageId, state }: { projectId: string; messageId: string; state: string }) {
  const [detail, setDetail] = useState<Answer | undefined>();
  const [outcome, run] = useAction();
  // Read again whenever the live view shows the message in a new state.
  useEffect(() => void run(async () => setDetail(await call('console/message-timeline', { project_id: projectId, message_id: messageId }))), [messageId, state]);
  return html`<${Section} title=${`Timeline of message ${messageId}`}>
    <${Notice} outcome=${outcome} />
    ${detail &&
    html`<p>To +${detail.number} · application ${detail.application} · ${detail.attempts} attempt(s)${detail.text ? html` · “${detail.text}”` : ''}</p>
      <ol class="timeline" aria-label="State changes">
        ${(detail.timeline as Answer[]).map((event) => html`<li><${StateBadge} state=${event.state} /> <time datetime=${event.at}>${when(event.at)}</time>${event.error ? html` — <span class="error-text">${event.error}</span>` : ''}</li>`)}
      </ol>`}
  <//>`;
}

function messageColumns(openTimeline: (row: Answer) => void, openPush?: (pushId: string) => void) {
  return [
    { label: 'Message', cell: (row: Answer) => row.message_id },
    { label: 'Push', cell: (row: Answer) => (openPush ? html`<button type="button" class="link" onClick=${() => openPush(String(row.push_id))}>${row.push_id}</button>` : row.push_id) },
    { label: 'Number', cell: (row: Answer) => `+${String(row.number)}` },
    { label: 'State', cell: (row: Answer) => html`<${StateBadge} state=${row.state} />` },
    { label: 'Created', cell: (row: Answer) => when(row.created_at) },
    { label: 'Error', cell: (row: Answer) => row.last_error || '' },
    { label: 'Timeline', cell: (row: Answer) => html`<button type="button" class="secondary" onClick=${() => openTimeline(row)}>Timeline <span class="visually-hidden">of message ${row.message_id}</span></button>` },
  ];
}

function PushView({ projectId, pushId, onTimeline, onLive }: { projectId: string; pushId: string; onTimeline: (row: Answer) => void; onLive: (rows: Answer[]) => void }) {
  const [recipients, setRecipients] = useState<Answer[] | undefined>();
  useEffect(() => {
    setRecipients(undefined);
    return follow({ topic: 'push', project_id: projectId, push_id: pushId }, (snapshot) => {
      setRecipients(snapshot.data as Answer[]);
      onLive(snapshot.data as Answer[]);
    });
  }, [projectId, pushId]);
  const counts = (recipients ?? []).reduce<Record<string, number>>((all, row) => ({ ...all, [row.state]: (all[row.state] ?? 0) + 1 }), {});
  return html`<${Section} title=${`Push ${pushId}: recipients`}>
    <p aria-live="polite">${recipients === undefined ? 'Loading…' : Object.entries(counts).map(([state, count]) => `${count} ${state}`).join(', ') || 'no recipients'} · updates live</p>
    <${Table} caption=${`Recipients of push ${pushId}`} empty="No messages." rows=${recipients ?? []} columns=${messageColumns(onTimeline)} />
  <//>`;
}

export function MessagesPage({ project }: PageProps) {
  const [results, setResults] = useState<Answer[] | undefined>();
  const [pushId, setPushId] = useState('');
  const [timeline, setTimeline] = useState<Answer | undefined>();
  const [live, setLive] = useState<Answer[]>([]);
  const [outcome, run] = useAction();
  const projectId = project ? String(project.project_id) : '';
  useEffect(() => {
    setResults(undefined);
    setPushId('');
    setTimeline(undefined);
  }, [projectId]);
  if (!project) return html`<p class="empty">Create a project first.</p>`;
  const search = (event: Event) => {
    event.preventDefault();
    const form = event.target as HTMLFormElement;
    const push = field(form, 'push_id');
    const query: Answer = { project_id: projectId, number: field(form, 'number'), state: field(form, 'state'), from: field(form, 'from'), until: field(form, 'until') };
    if (push) query.push_id = push;
    void run(async () => {
      const rows = (await call('console/messages', query)).data as Answer[];
      setResults(rows);
      setPushId(push);
      setTimeline(undefined);
      return `${rows.length} message(s) found.`;
    });
  };
  return html`
    <form class="card search" onSubmit=${search} aria-label="Search messages">
      <label>Push id <input name="push_id" inputmode="numeric" pattern="[0-9]*" /></label>
      <label>Number <input name="number" inputmode="tel" placeholder="15551234567" /></label>
      <label>State <select name="state"><option value="">any</option>${STATES.map((state) => html`<option>${state}</option>`)}</select></label>
      <label>From <input name="from" type="date" /></label>
      <label>Until <input name="until" type="date" /></label>
      <button type="submit" disabled=${outcome.busy}>Search</button>
    </form>
    <${Notice} outcome=${outcome} />
    ${results && !pushId && html`<${Table} caption="Messages found" empty="No message matches." rows=${results} columns=${messageColumns(setTimeline, setPushId)} />`}
    ${pushId && html`<${PushView} projectId=${projectId} pushId=${pushId} onTimeline=${setTimeline} onLive=${setLive} />`}
    ${timeline && html`<${Timeline} projectId=${projectId} messageId=${String(timeline.message_id)} state=${String(live.find((row) => row.message_id === timeline.message_id)?.state ?? timeline.state)} />`}`;
}
