// The console's only way to the gateway: POSTs to /console/api/<endpoint> with the session's CSRF token,
// and EventSource streams for pages where someone waits.

export type Answer = Record<string, any>;

/** A refused call: the Picky status code and what the gateway said about it. */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

let csrfToken = '';
let onSignedOut: () => void = () => undefined;

export function useSession(token: string, signedOut: () => void): void {
  csrfToken = token;
  onSignedOut = signedOut;
}

async function read(response: Response): Promise<Answer> {
  let body: Answer;
  try {
    body = (await response.json()) as Answer;
  } catch {
    throw new ApiError(0, `the gateway answered HTTP ${response.status} without JSON`);
  }
  if (Number(body.status) === 100) return body;
  const detail = typeof body.detail === 'string' ? `: ${body.detail}` : '';
  throw new ApiError(Number(body.status), `${String(body.message ?? 'Failed')} (${String(body.status)})${detail}`);
}

/** Calls a console endpoint; a lost session sends the person back to the sign-in form. */
export async function call(endpoint: string, body: Answer = {}): Promise<Answer> {
  const response = await fetch(`/console/api/${endpoint}`, {
    method: 'POST',
    credentials: 'same-origin',
    headers: { 'content-type': 'application/json', 'x-csrf-token': csrfToken },
    body: JSON.stringify(body),
  });
  try {
    return await read(response);
  } catch (error) {
    if (error instanceof ApiError && error.status === 401) onSignedOut();
    throw error;
  }
}

export async function signIn(token: string): Promise<string> {
  const response = await fetch('/console/api/sign-in', { method: 'POST', credentials: 'same-origin', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ token }) });
  return String((await read(response)).csrf_token);
}

/** The CSRF token of the session the cookie already holds, or undefined when signed out. */
export async function currentSession(): Promise<string | undefined> {
  try {
    return String((await read(await fetch('/console/api/session', { credentials: 'same-origin' }))).csrf_token);
  } catch {
    return undefined;
  }
}

/** Follows a live topic; answers a function that stops following. */
export function follow(query: Record<string, string | number>, onSnapshot: (snapshot: Answer) => void): () => void {
  const params = new URLSearchParams(Object.entries(query).map(([key, value]) => [key, String(value)]));
  const source = new EventSource(`/console/api/live?${params.toString()}`);
  source.onmessage = (event: MessageEvent<string>) => onSnapshot(JSON.parse(event.data) as Answer);
  return () => source.close();
}
