// Sign-in: the master token is sent once; the gateway answers with an HTTP-only session cookie.
import { signIn } from '../api.js';
import { Notice, field, html, useAction } from '../ui.js';

export function SignIn({ onSignedIn }: { onSignedIn: (csrfToken: string) => void }) {
  const [outcome, run] = useAction();
  const submit = (event: Event) => {
    event.preventDefault();
    const token = field(event.target as HTMLFormElement, 'token');
    void run(async () => onSignedIn(await signIn(token)));
  };
  return html`<main id="main" class="sign-in">
    <h1>Switchboard console</h1>
    <form onSubmit=${submit} class="card">
      <label>Master token
        <input name="token" type="password" autocomplete="current-password" required autofocus />
      </label>
      <p class="hint">The token printed at the gateway's first start (or SWITCHBOARD_MASTER_TOKEN). It is exchanged for a session cookie and not kept by the page.</p>
      <button type="submit" disabled=${outcome.busy}>Sign in</button>
      <${Notice} outcome=${outcome} />
    </form>
  </main>`;
}
