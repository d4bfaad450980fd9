// A replay of the SMS Gateway for Android app talking to a private server: the requests, headers and
// bodies its mobile API client sends, in the order it sends them (registration with the private token,
// then its device token for pending messages, state reports, webhooks, settings and the event stream),
// and the webhook post it makes when the phone receives an SMS. It keeps the app's local store by
// message id, so a message fetched twice is queued once, as in the app.
import { request as httpRequest, type ClientRequest, type IncomingMessage } from 'node:http';

export type AppState = 'Pending' | 'Processed' | 'Sent' | 'Delivered' | 'Failed';

export interface AppMessage {
  id: string;
  message: string;
  textMessage?: { text: string };
  phoneNumbers: string[];
  simNumber?: number;
  withDeliveryReport?: boolean;
  isEncrypted?: boolean;
  priority?: number;
  state?: string;
  createdAt?: string;
}

export interface AppAnswer<T = any> {
  status: number;
  body: T;
}

export interface AppEvents {
  /** Event names received so far (`MessageEnqueued`, …), comments excluded. */
  events: string[];
  /** Comment lines received (`:keepalive`, `:connected`). */
  comments: string[];
  status: number;
  /** Whether the server ended the stream. */
  ended: boolean;
  opened: Promise<void>;
  close(): void;
}

export class AndroidAppReplay {
  registration: { id: string; token: string; login: string; password: string } | undefined;
  /** The app's local store: every message it has queued, by id, with its state history. */
  readonly local = new Map<string, { message: AppMessage; states: Partial<Record<AppState, string>> }>();
  private webhookUrl = '';

  constructor(
    /** What the user types in the app as the server address: `<gateway>/api/mobile/v1`. */
    readonly serverUrl: string,
    /** What the user types as the private token: the project's license key. */
    readonly privateToken: string,
    readonly version = '1.40.0',
    readonly name = 'Google/sdk_gphone64_x86_64',
  ) {}

  private headers(token: string | undefined, hasBody: boolean): Record<string, string> {
    return {
      'user-agent': `me.capcom.smsgateway/${this.version}`,
      accept: 'application/json',
      ...(token !== undefined && { authorization: `Bearer ${token}` }),
      ...(hasBody && { 'content-type': 'application/json' }),
    };
  }

  async call<T = any>(method: string, path: string, body?: unknown, token = this.registration?.token): Promise<AppAnswer<T>> {
    const response = await fetch(`${this.serverUrl}${path}`, { method, headers: this.headers(token, body !== undefined), ...(body !== undefined && { body: JSON.stringify(body) }) });
    const text = await response.text();
    return { status: response.status, body: (text ? JSON.parse(text) : undefined) as T };
  }

  /** Registration as the app does it on enabling "Cloud server" with a private server: name and push token. */
  async register(token = this.privateToken): Promise<AppAnswer> {
    const answer = await this.call('POST', '/device', { name: this.name, pushToken: null }, token);
    if (answer.status === 201) this.registration = answer.body;
    return answer;
  }

  /** What the app does right after registering: its push token, webhooks and settings are synced. */
  async start(): Promise<void> {
    await this.call('PATCH', '/device', { id: this.registration!.id, pushToken: '' });
    await this.syncWebhooks();
    await this.call('GET', '/settings');
  }

  async syncWebhooks(): Promise<AppAnswer> {
    const answer = await this.call('GET', '/webhooks');
    const hook = (answer.body as { url: string; event: string }[] | undefined)?.find((each) => each.event === 'sms:received');
    if (hook) this.webhookUrl = hook.url;
    return answer;
  }

  /**
   * The pull the app runs on an event, on its periodic worker, or at start: each message it does not
   * have yet is queued locally (Pending) and reported; one it has already only gets its state reported
   * again. Answers the newly queued ones.
   */
  async pull(): Promise<AppMessage[]> {
    const answer = await this.call<AppMessage[]>('GET', '/message');
    if (answer.status !== 200) throw new Error(`GET /message answered ${answer.status}`);
    const fresh: AppMessage[] = [];
    for (const message of answer.body) {
      const known = this.local.get(message.id);
      if (known) {
        await this.sendState(message.id);
        continue;
      }
      this.local.set(message.id, { message, states: {} });
      fresh.push(message);
      await this.setState(message.id, 'Pending');
    }
    return fresh;
  }

  /** The app moves a message to a state and reports it with its whole history (PATCH /message). */
  async setState(id: string, state: AppState, error?: string): Promise<AppAnswer> {
    const entry = this.local.get(id)!;
    entry.states[state] = new Date().toISOString();
    return this.sendState(id, state, error);
  }

  private async sendState(id: string, state?: AppState, error?: string): Promise<AppAnswer> {
    const entry = this.local.get(id)!;
    const current = state ?? (Object.keys(entry.states).at(-1) as AppState);
    return this.call('PATCH', '/message', [
      {
        id,
        state: current,
        recipients: entry.message.phoneNumbers.map((phoneNumber) => ({ phoneNumber, state: current, error: current === 'Failed' ? (error ?? 'generic failure') : null })),
        states: entry.states,
      },
    ]);
  }

  /** Processed, then Sent, then Delivered: what a working phone reports for each message it queued. */
  async sendAll(messages: AppMessage[]): Promise<void> {
    for (const message of messages) {
      await this.setState(message.id, 'Processed');
      await this.setState(message.id, 'Sent');
      await this.setState(message.id, 'Delivered');
    }
  }

  /** An SMS arrives on the phone: the app posts `sms:received` to the webhook the server gave it. */
  async receiveSms(from: string, text: string, messageId = `in-${Math.random().toString(36).slice(2)}`): Promise<number> {
    if (!this.webhookUrl) throw new Error('no sms:received webhook synced');
    const response = await fetch(this.webhookUrl, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'user-agent': `me.capcom.smsgateway/${this.version}` },
      body: JSON.stringify({
        id: `evt-${messageId}`,
        webhookId: 'switchboard-sms-received',
        event: 'sms:received',
        deviceId: this.registration!.id,
        payload: { messageId, phoneNumber: from, simNumber: 1, message: text, receivedAt: new Date().toISOString() },
      }),
    });
    await response.text();
    return response.status;
  }

  /** The app's foreground SSE service: `GET /events` with the device token; events and comments are recorded. */
  openEvents(onEvent: (name: string) => void = () => undefined, token = this.registration?.token): AppEvents {
    const events: string[] = [];
    const comments: string[] = [];
    let request: ClientRequest | undefined;
    let response: IncomingMessage | undefined;
    const handle: AppEvents = {
      events,
      comments,
      status: 0,
      ended: false,
      opened: new Promise((resolve, reject) => {
        request = httpRequest(`${this.serverUrl}/events`, { headers: { ...this.headers(token, false), accept: 'text/event-stream' } }, (incoming) => {
          response = incoming;
          handle.status = incoming.statusCode ?? 0;
          let buffer = '';
          incoming.setEncoding('utf8');
          incoming.on('data', (chunk: string) => {
            buffer += chunk;
            let end: number;
            while ((end = buffer.indexOf('\n\n')) >= 0) {
              const block = buffer.slice(0, end);
              buffer = buffer.slice(end + 2);
              for (const line of block.split('\n')) {
                if (line.startsWith(':')) comments.push(line);
                if (line.startsWith('event: ')) {
                  events.push(line.slice(7));
                  onEvent(line.slice(7));
                }
              }
            }
          });
          incoming.on('error', () => undefined);
          incoming.on('end', () => (handle.ended = true));
          resolve();
        });
        request.on('error', reject);
        request.end();
      }),
      close: () => {
        response?.destroy();
        request?.destroy();
      },
    };
    return handle;
  }
}
