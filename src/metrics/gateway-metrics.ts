// Switchboard's metrics: what each `switchboard_` series means, the hooks the gateway's parts call to move
// them, and the gauges read at scrape time. Cluster-wide readings (from the shared database) carry
// scope="cluster" and are cached for a few seconds; readings of this process carry scope="node".
import { MetricRegistry, type CounterMetric, type HistogramMetric } from './prometheus.js';

export interface MetricSources {
  /** Queued messages by project and application, from the database (all nodes). */
  queueDepth(): Promise<{ projectId: number; application: number; count: number }[]>;
  /** When the longest-waiting due webhook delivery fell due, from the database (all nodes). */
  oldestDueWebhookAt(now: number): Promise<number | undefined>;
  /** Devices connected to this node and the messages they hold unreported. */
  devices(): { devices: number; inFlight: number };
  /** WhatsApp Web sessions this node runs. */
  whatsappWebSessions(): { connected: number; connecting: number };
  now(): number;
}

export interface MetricsSettings {
  /** How long a cluster-wide reading is reused: scrapes from several Prometheus servers cost one query. */
  clusterCacheMs: number;
}

const LATENCY_BUCKETS = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];
const WEBHOOK_BUCKETS = [0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60];

/** One cached database reading shared by concurrent scrapes; a failed read is not kept. */
class CachedReading<T> {
  private value: { at: number; promise: Promise<T> } | undefined;

  constructor(
    private readonly ttlMs: number,
    private readonly now: () => number,
    private readonly read: () => Promise<T>,
  ) {}

  get(): Promise<T> {
    const now = this.now();
    if (this.value && now - this.value.at < this.ttlMs) return this.value.promise;
    const promise = this.read();
    this.value = { at: now, promise };
    promise.catch(() => {
      if (this.value?.promise === promise) this.value = undefined;
    });
    return promise;
  }
}

export class GatewayMetrics {
  private readonly registry = new MetricRegistry();
  private readonly httpRequests: CounterMetric;
  private readonly httpSeconds: HistogramMetric;
  private readonly accepted: CounterMetric;
  private readonly stateChanges: CounterMetric;
  private readonly webhookDeliveries: CounterMetric;
  private readonly webhookSeconds: HistogramMetric;
  private readonly walletDebits: CounterMetric;
  private readonly walletCredits: CounterMetric;
  private readonly transactionSeconds: HistogramMetric;
  private readonly readErrors: CounterMetric;

  constructor(sources: MetricSources, settings: MetricsSettings) {
    const r = this.registry;
    r.collectProcessMetrics('switchboard_');
    this.httpRequests = r.counter('switchboard_http_requests_total', 'HTTP requests answered, by endpoint and Picky status (HTTP status for non-Picky routes).', ['endpoint', 'status']);
    this.httpSeconds = r.histogram('switchboard_http_request_duration_seconds', 'Time from request received to answer ready, by endpoint.', ['endpoint'], LATENCY_BUCKETS);
    this.accepted = r.counter('switchboard_messages_accepted_total', 'Messages queued by committed pushes, by application.', ['application']);
    this.stateChanges = r.counter('switchboard_message_state_changes_total', 'Message state changes, by application and the state entered.', ['application', 'state']);
    this.webhookDeliveries = r.counter('switchboard_webhook_deliveries_total', 'Webhook attempts recorded, by kind and outcome (delivered, failed = retried later, exhausted = last try failed).', ['kind', 'outcome']);
    this.webhookSeconds = r.histogram('switchboard_webhook_delivery_duration_seconds', 'Time webhook receivers took to answer, by kind.', ['kind'], WEBHOOK_BUCKETS);
    this.walletDebits = r.counter('switchboard_wallet_debits_total', 'Wallet debits written (pushes, conferences, plan fees).', []);
    this.walletCredits = r.counter('switchboard_wallet_debited_credits_total', 'Credits taken from wallets by those debits.', []);
    this.transactionSeconds = r.histogram('switchboard_db_transaction_duration_seconds', 'Database transaction time, BEGIN to COMMIT or ROLLBACK.', ['outcome'], LATENCY_BUCKETS);
    this.readErrors = r.counter('switchboard_metrics_read_errors_total', 'Scrape-time readings that failed (the series is left out of that scrape).', ['metric']);

    const queue = new CachedReading(settings.clusterCacheMs, sources.now, () => sources.queueDepth());
    const oldestDue = new CachedReading(settings.clusterCacheMs, sources.now, () => sources.oldestDueWebhookAt(sources.now()));
    r.gauge('switchboard_queue_depth', 'Messages queued and not yet handed to a channel, by project and application; cluster-wide (every node reports the same value).', ['project', 'application', 'scope'], async (set) => {
      const rows = await this.guarded('switchboard_queue_depth', () => queue.get());
      for (const row of rows ?? []) set({ project: row.projectId, application: row.application, scope: 'cluster' }, row.count);
    });
    r.gauge('switchboard_webhook_oldest_due_age_seconds', 'Age of the longest-waiting due webhook delivery (0 when none is due); cluster-wide.', ['scope'], async (set) => {
      const at = await this.guarded('switchboard_webhook_oldest_due_age_seconds', () => oldestDue.get());
      if (at === null) return;
      set({ scope: 'cluster' }, at === undefined ? 0 : Math.max(0, sources.now() - at) / 1000);
    });
    r.gauge('switchboard_devices_connected', 'Phones and bridge agents connected to this node.', ['scope'], (set) => set({ scope: 'node' }, sources.devices().devices));
    r.gauge('switchboard_device_messages_in_flight', 'Messages handed to devices on this node and not yet reported sent or failed.', ['scope'], (set) => set({ scope: 'node' }, sources.devices().inFlight));
    r.gauge('switchboard_whatsapp_web_sessions', 'WhatsApp Web sessions this node runs, by status.', ['status', 'scope'], (set) => {
      const counts = sources.whatsappWebSessions();
      set({ status: 'connected', scope: 'node' }, counts.connected);
      set({ status: 'connecting', scope: 'node' }, counts.connecting);
    });
  }

  /** A reading that failed answers null (its series is left out) and is counted, rather than failing the scrape. */
  private async guarded<T>(metric: string, read: () => Promise<T>): Promise<T | null> {
    try {
      return await read();
    } catch {
      this.readErrors.inc({ metric });
      return null;
    }
  }

  requestAnswered(endpoint: string, status: number, seconds: number): void {
    this.httpRequests.inc({ endpoint, status });
    this.httpSeconds.observe({ endpoint }, seconds);
  }

  messagesAccepted(application: number, count: number): void {
    this.accepted.inc({ application }, count);
  }

  messageMoved(application: number, state: string): void {
    this.stateChanges.inc({ application, state });
  }

  webhookAttempted(kind: string, outcome: 'delivered' | 'failed' | 'exhausted', latencyMs: number | null): void {
    this.webhookDeliveries.inc({ kind, outcome });
    if (latencyMs !== null) this.webhookSeconds.observe({ kind }, latencyMs / 1000);
  }

  walletDebited(micros: number): void {
    this.walletDebits.inc({});
    this.walletCredits.inc({}, micros / 1_000_000);
  }

  transactionEnded(seconds: number, outcome: 'commit' | 'rollback'): void {
    this.transactionSeconds.observe({ outcome }, seconds);
  }

  get contentType(): string {
    return this.registry.contentType;
  }

  render(): Promise<string> {
    return this.registry.render();
  }
}
