// The one file that loads prom-client: a registry of counters, gauges and histograms, exposed in the
// Prometheus text format. Declares only the part of prom-client the gateway uses.
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';

type Labels = Record<string, string | number>;

export interface CounterMetric {
  inc(labels: Labels, amount?: number): void;
}

export interface HistogramMetric {
  observe(labels: Labels, value: number): void;
}

/** A gauge whose values are read when a scrape asks: `read` sets each labelled value through `set`. */
export type GaugeReader = (set: (labels: Labels, value: number) => void) => void | Promise<void>;

export class MetricRegistry {
  private readonly registry = new Registry();

  /** Process metrics (CPU, memory, event-loop lag, handles), named `<prefix>process_…` and `<prefix>nodejs_…`. */
  collectProcessMetrics(prefix: string): void {
    collectDefaultMetrics({ register: this.registry, prefix });
  }

  counter(name: string, help: string, labelNames: readonly string[]): CounterMetric {
    const counter = new Counter({ name, help, labelNames: [...labelNames], registers: [this.registry] });
    return { inc: (labels, amount = 1) => counter.inc(labels, amount) };
  }

  histogram(name: string, help: string, labelNames: readonly string[], buckets: readonly number[]): HistogramMetric {
    const histogram = new Histogram({ name, help, labelNames: [...labelNames], buckets: [...buckets], registers: [this.registry] });
    return { observe: (labels, value) => histogram.observe(labels, value) };
  }

  /** Values are replaced at each scrape: series that `read` no longer sets disappear. */
  gauge(name: string, help: string, labelNames: readonly string[], read: GaugeReader): void {
    new Gauge({
      name,
      help,
      labelNames: [...labelNames],
      registers: [this.registry],
      async collect() {
        this.reset();
        await read((labels, value) => this.set(labels, value));
      },
    });
  }

  get contentType(): string {
    return this.registry.contentType;
  }

  render(): Promise<string> {
    return this.registry.metrics();
  }
}
