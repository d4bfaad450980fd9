// Connects the gateway's parts to its metrics: the hooks each part offers (pushes accepted, messages
// moved, webhook attempts, storage transactions and debits) and the readings taken at scrape time.
import { readFileSync } from 'node:fs';
import type { Clock } from '../core/index.js';
import { GatewayMetrics } from '../metrics/index.js';
import type { SqlStorage } from '../storage/index.js';
import type { GatewayServices } from './gateway.js';

/** How long the cluster-wide readings (queue depth, webhook backlog) are reused between scrapes. */
const CLUSTER_CACHE_MS = 5000;

export interface MetricsWiring {
  storage: SqlStorage;
  services: GatewayServices;
  clock: Clock;
  /** Read at scrape time only: the bridge hub and the WhatsApp Web hub are built after the metrics. */
  devices(): { devices: number; inFlight: number };
  whatsappWebSessions(): { connected: number; connecting: number };
}

export function wireMetrics({ storage, services, clock, devices, whatsappWebSessions }: MetricsWiring): GatewayMetrics {
  const metrics = new GatewayMetrics(
    {
      queueDepth: () => storage.stores.messages.queueDepth(),
      oldestDueWebhookAt: (now) => storage.stores.webhooks.oldestDueAt(now),
      devices,
      whatsappWebSessions,
      now: () => clock.now(),
    },
    { clusterCacheMs: CLUSTER_CACHE_MS },
  );
  storage.observe(metrics);
  services.pushes.onAccepted((_projectId, _channelId, accepted) => metrics.messagesAccepted(accepted.application, accepted.messages));
  services.messages.onTransition(async (transitions) => {
    for (const { message, to } of transitions) metrics.messageMoved(message.application, to);
  });
  services.webhooks.onAttempt((delivery, result, latencyMs) => metrics.webhookAttempted(delivery.kind, result, latencyMs));
  return metrics;
}

/** The version in package.json (src/app and dist/app are both two levels below it). */
export function packageVersion(): string {
  try {
    return (JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version?: string }).version ?? '0.0.0';
  } catch {
    return '0.0.0';
  }
}
