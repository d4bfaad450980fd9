// MetricRegistry: counters and histograms counted by label values and handed to prom-client at scrape.
import { Counter, Histogram, Registry, collectDefaultMetrics } from 'prom-client';
import { describe, expect, it, vi } from 'vitest';
import { MetricRegistry } from '../src/metrics/prometheus.js';

// Counts how often the process metrics are started (each start adds observers nothing stops).
vi.mock('prom-client', async (importOriginal) => {
  const actual = await importOriginal<typeof import('prom-client')>();
  return { ...actual, collectDefaultMetrics: vi.fn(actual.collectDefaultMetrics) };
});

describe('MetricRegistry', () => {
  it('lays a histogram out exactly as prom-client does', async () => {
    const reference = new Registry();
    const theirs = new Histogram({ name: 'x_seconds', help: 'h', labelNames: ['endpoint'], buckets: [0.005, 0.01, 0.1, 1], registers: [reference] });
    const registry = new MetricRegistry();
    const ours = registry.histogram('x_seconds', 'h', ['endpoint'], [0.005, 0.01, 0.1, 1]);
    for (const [endpoint, seconds] of [['push', 0.003], ['push', 0.05], ['push', 5], ['balance', 0.01], ['push', 0.005]] as const) {
      theirs.observe({ endpoint }, seconds);
      ours.observe({ endpoint }, seconds);
    }
    expect(await registry.render()).toBe(await reference.metrics());
  });

  it('counts as prom-client does, across scrapes, and leaves out amounts a counter cannot take', async () => {
    const reference = new Registry();
    const theirs = new Counter({ name: 'y_total', help: 'h', labelNames: ['application', 'state'], registers: [reference] });
    const registry = new MetricRegistry();
    const ours = registry.counter('y_total', 'h', ['application', 'state']);
    ours.inc({ application: 1, state: 'sent' });
    theirs.inc({ application: 1, state: 'sent' });
    await registry.render();
    ours.inc({ state: 'sent', application: 1 }, 2);
    theirs.inc({ application: 1, state: 'sent' }, 2);
    ours.inc({ application: 3, state: 'failed' }, 0.5);
    theirs.inc({ application: 3, state: 'failed' }, 0.5);
    ours.inc({ application: 3, state: 'failed' }, -1);
    ours.inc({ application: 3, state: 'failed' }, Number.NaN);
    expect(await registry.render()).toBe(await reference.metrics());
    expect(await registry.render()).toContain('y_total{application="1",state="sent"} 3');
  });

  it('starts the process metrics once per process, however many registries show them, laid out as one registry', async () => {
    const registries = [new MetricRegistry(), new MetricRegistry(), new MetricRegistry()];
    for (const registry of registries) registry.collectProcessMetrics('once_');
    expect(vi.mocked(collectDefaultMetrics).mock.calls.filter(([config]) => config?.prefix === 'once_')).toHaveLength(1);
    const reference = new Registry();
    new Counter({ name: 'own_total', help: 'h', registers: [reference] }).inc(2);
    registries[0]!.counter('own_total', 'h', []).inc({}, 2);
    const text = await registries[0]!.render();
    expect(text).toContain('once_process_cpu_user_seconds_total');
    expect(text).toContain('once_nodejs_eventloop_lag_seconds');
    // Laid out as prom-client lays out one registry: metrics apart by one empty line, a newline at the end.
    expect(text.startsWith(`${await reference.metrics()}\n# HELP once_`)).toBe(true);
    expect(text.endsWith('\n')).toBe(true);
    expect(text).not.toContain('\n\n\n');
  });
});

