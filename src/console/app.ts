// The console's frame: sign-in gate, the project chooser, navigation between pages (by URL hash, so
// pages can be bookmarked and the Back key works) and sign-out.
import { useEffect, useState } from 'preact/hooks';
import { call, currentSession, useSession, type Answer } from './api.js';
import { html } from './ui.js';
import { SignIn } from './pages/sign-in.js';
import { ProjectsPage } from './pages/projects.js';
import { ChannelsPage } from './pages/channels.js';
import { DevicesPage } from './pages/devices.js';
import { MessagesPage } from './pages/messages.js';
import { WebhooksPage } from './pages/webhooks.js';
import { WalletPage } from './pages/wallet.js';

const PAGES = [
  { id: 'projects', title: 'Projects', view: ProjectsPage },
  { id: 'channels', title: 'Channels', view: ChannelsPage },
  { id: 'devices', title: 'Devices', view: DevicesPage },
  { id: 'messages', title: 'Messages', view: MessagesPage },
  { id: 'webhooks', title: 'Webhook log', view: WebhooksPage },
  { id: 'wallet', title: 'Wallet', view: WalletPage },
] as const;

export interface PageProps {
  project: Answer | undefined;
  projects: Answer[];
  reloadProjects: () => Promise<void>;
  chooseProject: (id: string) => void;
}

function pageFromHash(): string {
  const id = location.hash.replace(/^#\/?/, '').split('?')[0] ?? '';
  return PAGES.some((page) => page.id === id) ? id : 'projects';
}

export function App() {
  const [state, setState] = useState<'checking' | 'signed-out' | 'signed-in'>('checking');
  const [pageId, setPageId] = useState(pageFromHash());
  const [projects, setProjects] = useState<Answer[]>([]);
  const [projectId, setProjectId] = useState(localStorage.getItem('switchboard.project') ?? '');
  const signedOut = () => setState('signed-out');

  const reloadProjects = async () => setProjects(((await call('pm/get-projects')).data as Answer[]).filter((project) => project.project_status !== 'deleted'));
  const chooseProject = (id: string) => {
    localStorage.setItem('switchboard.project', id);
    setProjectId(id);
  };

  useEffect(() => {
    void currentSession().then((token) => {
      if (token === undefined) return setState('signed-out');
      useSession(token, signedOut);
      setState('signed-in');
    });
    const onHash = () => setPageId(pageFromHash());
    addEventListener('hashchange', onHash);
    return () => removeEventListener('hashchange', onHash);
  }, []);
  useEffect(() => {
    if (state === 'signed-in') reloadProjects().catch(() => undefined);
  }, [state]);
  useEffect(() => {
    const page = PAGES.find((each) => each.id === pageId);
    document.title = `${page?.title ?? 'Console'} · Switchboard`;
  }, [pageId]);

  if (state === 'checking') return html`<p class="loading">Loading the console…</p>`;
  if (state === 'signed-out') {
    return html`<${SignIn} onSignedIn=${(token: string) => {
      useSession(token, signedOut);
      setState('signed-in');
    }} />`;
  }
  const project = projects.find((each) => each.project_id === projectId) ?? projects[0];
  const page = PAGES.find((each) => each.id === pageId)!;
  const signOut = async () => {
    await call('sign-out').catch(() => undefined);
    signedOut();
  };
  return html`
    <a class="skip" href="#main">Skip to content</a>
    <header class="top">
      <span class="brand">Switchboard</span>
      <label class="project-picker">Project
        <select value=${project?.project_id ?? ''} onChange=${(event: Event) => chooseProject((event.target as HTMLSelectElement).value)}>
          ${projects.map((each) => html`<option value=${each.project_id}>${each.project_id} · ${each.project_name}</option>`)}
        </select>
      </label>
      <button type="button" class="secondary" onClick=${signOut}>Sign out</button>
    </header>
    <nav aria-label="Pages">
      <ul>${PAGES.map((each) => html`<li><a href=${`#/${each.id}`} aria-current=${each.id === pageId ? 'page' : undefined}>${each.title}</a></li>`)}</ul>
    </nav>
    <main id="main" tabindex="-1">
      <h1>${page.title}</h1>
      <${page.view} project=${project} projects=${projects} reloadProjects=${reloadProjects} chooseProject=${chooseProject} />
    </main>`;
}
