// Projects: create one, change its plan, manage its API tokens (IP lists; disable, enable, delete) and
// its webhooks (URLs, a test call, secret rotation).
import { useState } from 'preact/hooks';
import { call, type Answer } from '../api.js';
import type { PageProps } from '../app.js';
import { Notice, Section, Table, field, html, useAction } from '../ui.js';

/** The gateway's billing plans (docs/pm-api.md); the service each belongs to decides the applications. */
const PLANS = [
  [1, 'Pay As You Go', 1],
  [2, 'Phone Automation Small', 1],
  [3, 'Phone Automation Medium', 1],
  [4, 'Phone Automation Large', 1],
  [5, 'Phone Automation Unlimited', 1],
  [6, 'Phone Automation Yearly Unlimited', 1],
  [7, 'WhatsApp Official Medium', 2],
  [8, 'WhatsApp Official Large', 2],
  [9, 'WhatsApp Official Unlimited', 2],
] as const;

const planName = (id: unknown) => PLANS.find(([plan]) => plan === Number(id))?.[1] ?? String(id);
const ips = (text: string) => text.split(/[\s,]+/).filter(Boolean);

function PlanSelect({ value }: { value?: number }) {
  return html`<select name="plan" value=${String(value ?? 1)}>${PLANS.map(([id, name]) => html`<option value=${id}>${name}</option>`)}</select>`;
}

function CreateProject({ reloadProjects, chooseProject }: PageProps) {
  const [outcome, run] = useAction();
  const submit = (event: Event) => {
    event.preventDefault();
    const form = event.target as HTMLFormElement;
    const plan = Number(field(form, 'plan'));
    void run(async () => {
      const created = await call('pm/create-project', { project_name: field(form, 'name'), billing_plan: plan, service: PLANS.find(([id]) => id === plan)?.[2] ?? 1, generate_api_token: false });
      await reloadProjects();
      chooseProject(String(created.project_id));
      form.reset();
      return `Project ${String(created.project_id)} created.`;
    });
  };
  return html`<${Section} title="New project">
    <form class="inline" onSubmit=${submit}>
      <label>Name <input name="name" required maxlength="20" /></label>
      <label>Billing plan <${PlanSelect} /></label>
      <button type="submit" disabled=${outcome.busy}>Create project</button>
    </form>
    <${Notice} outcome=${outcome} />
  <//>`;
}

function Billing({ project, reloadProjects }: { project: Answer; reloadProjects: () => Promise<void> }) {
  const [outcome, run] = useAction();
  const submit = (event: Event) => {
    event.preventDefault();
    const plan = Number(field(event.target as HTMLFormElement, 'plan'));
    void run(async () => {
      const changed = await call('pm/change-billing', { project_id: project.project_id, service: PLANS.find(([id]) => id === plan)?.[2] ?? 1, plan_id: plan });
      await reloadProjects();
      return `Plan changed to ${planName(changed.new_billing_plan)}; ${String(changed.amount_debited)} credits debited.`;
    });
  };
  return html`<${Section} title="Plan and billing">
    <p>Plan <strong>${planName(project.billing_plan)}</strong>; next billing ${project.next_billing_date || '—'}; last fee ${project.amount_debited} credits.</p>
    <form class="inline" onSubmit=${submit}>
      <label>New plan <${PlanSelect} value=${Number(project.billing_plan)} /></label>
      <button type="submit" disabled=${outcome.busy}>Change plan</button>
    </form>
    <${Notice} outcome=${outcome} />
  <//>`;
}

function Tokens({ project, reloadProjects }: { project: Answer; reloadProjects: () => Promise<void> }) {
  const [outcome, run] = useAction();
  const [issued, setIssued] = useState<Answer[]>([]);
  const create = (event: Event) => {
    event.preventDefault();
    const form = event.target as HTMLFormElement;
    void run(async () => {
      const answer = await call('pm/create-api-token', { project_id: project.project_id, ip_whitelist: ips(field(form, 'ips')) });
      setIssued(answer.api_token as Answer[]);
      form.reset();
      await reloadProjects();
      return 'Token created: copy it now, it is not shown again.';
    });
  };
  const manage = (token: Answer, action: number, verb: string) =>
    run(async () => {
      await call('console/manage-api-token', { project_id: project.project_id, token_id: token.token_id, action });
      await reloadProjects();
      return `Token ${String(token.token_id)} ${verb}.`;
    });
  const tokens = (project.api_tokens as Answer[]) ?? [];
  return html`<${Section} title="API tokens">
    <${Table} caption="API tokens" empty="No tokens yet." rows=${tokens} columns=${[
      { label: 'Id', cell: (row: Answer) => row.token_id },
      { label: 'Token', cell: (row: Answer) => html`<code>${row.token}</code>` },
      { label: 'Allowed IPs', cell: (row: Answer) => row.ip || 'any' },
      { label: 'Status', cell: (row: Answer) => row.token_status },
      {
        label: 'Actions',
        cell: (row: Answer) => html`<div class="actions">
          ${row.token_status === 'active'
            ? html`<button type="button" class="secondary" onClick=${() => manage(row, 1, 'disabled')}>Disable <span class="visually-hidden">token ${row.token_id}</span></button>`
            : html`<button type="button" class="secondary" onClick=${() => manage(row, 2, 'enabled')}>Enable <span class="visually-hidden">token ${row.token_id}</span></button>`}
          <button type="button" class="danger" onClick=${() => confirm(`Delete token ${String(row.token_id)}?`) && manage(row, 3, 'deleted')}>Delete <span class="visually-hidden">token ${row.token_id}</span></button>
        </div>`,
      },
    ]} />
    <form class="inline" onSubmit=${create}>
      <label>Allowed IPs (optional, comma-separated) <input name="ips" placeholder="203.0.113.7, 198.51.100.0/24" /></label>
      <button type="submit" disabled=${outcome.busy}>Create token</button>
    </form>
    <${Notice} outcome=${outcome} />
    ${issued.length > 0 && html`<ul class="issued" aria-label="New tokens">${issued.map((each) => html`<li><code class="secret">${each.token}</code> ${each.ip ? `(from ${String(each.ip)})` : ''}</li>`)}</ul>`}
  <//>`;
}

function Webhooks({ project, reloadProjects }: { project: Answer; reloadProjects: () => Promise<void> }) {
  const [outcome, run] = useAction();
  const id = project.project_id;
  const save = (event: Event) => {
    event.preventDefault();
    const form = event.target as HTMLFormElement;
    void run(async () => {
      await call('pm/set-webhook', { project_id: id, global_webhook: field(form, 'global'), event_webhook: field(form, 'event'), smart_reply_webhook: field(form, 'smart') });
      await reloadProjects();
      return 'Webhooks saved.';
    });
  };
  const test = () =>
    run(async () => {
      const result = await call('pm/test-webhook', { project_id: id });
      return result.delivered ? `Test delivered to ${String(result.url)}: HTTP ${String(result.response_code)} in ${String(result.latency_ms)} ms.` : Promise.reject(new Error(`Test not delivered to ${String(result.url)}: ${String(result.error || `HTTP ${String(result.response_code)}`)}`));
    });
  const rotate = () =>
    run(async () => {
      if (!confirm('Rotate the signing secret? Receivers must be given the new one.')) return;
      await call('pm/rotate-webhook-secret', { project_id: id });
      await reloadProjects();
      return 'Signing secret rotated.';
    });
  return html`<${Section} title="Webhooks">
    <form onSubmit=${save} key=${id}>
      <label>Global webhook (inbound messages) <input name="global" type="url" value=${project.global_webhook} /></label>
      <label>Event webhook (delivery reports) <input name="event" type="url" value=${project.event_webhook} /></label>
      <label>Smart-reply webhook <input name="smart" type="url" value=${project.smart_reply_webhook} /></label>
      <div class="actions">
        <button type="submit" disabled=${outcome.busy}>Save webhooks</button>
        <button type="button" class="secondary" onClick=${test} disabled=${outcome.busy}>Send a test</button>
        <button type="button" class="secondary" onClick=${rotate} disabled=${outcome.busy}>Rotate secret</button>
      </div>
    </form>
    <p>Signing secret: <code class="secret">${project.webhook_secret}</code></p>
    <${Notice} outcome=${outcome} />
  <//>`;
}

export function ProjectsPage(props: PageProps) {
  const { project, projects, chooseProject } = props;
  return html`
    <${Table} caption="Projects" empty="No projects yet." rows=${projects} columns=${[
      { label: 'Id', cell: (row: Answer) => row.project_id },
      { label: 'Name', cell: (row: Answer) => row.project_name },
      { label: 'Plan', cell: (row: Answer) => planName(row.billing_plan) },
      { label: 'Status', cell: (row: Answer) => row.project_status },
      {
        label: 'Open',
        cell: (row: Answer) =>
          row.project_id === project?.project_id ? html`<span aria-current="true">selected</span>` : html`<button type="button" class="secondary" onClick=${() => chooseProject(String(row.project_id))}>Select <span class="visually-hidden">${row.project_name}</span></button>`,
      },
    ]} />
    <${CreateProject} ...${props} />
    ${project &&
    html`<h2 class="subtitle">Project ${project.project_id}: ${project.project_name}</h2>
      <${Billing} project=${project} reloadProjects=${props.reloadProjects} />
      <${Tokens} project=${project} reloadProjects=${props.reloadProjects} />
      <${Webhooks} project=${project} reloadProjects=${props.reloadProjects} />`}`;
}
