// The one file that loads prom-client: a registry of counters, gauges and histograms, exposed in the
// Prometheus text format. Declares only the part of prom-client the gateway uses.
import { Counter, Gauge, Registry, collectDefaultMetrics, type Metric } from 'prom-client';

type Labels = Record<string, string | number>;

export interface CounterMetric {
  inc(labels: Labels, amount?: number): void;
}

export interface HistogramMetric {
  observe(labels: Labels, value: number): void;
}

/** A gauge whose values are read when a scrape asks: `read` sets each labelled value through `set`. */
export type GaugeReader = (set: (labels: Labels, value: number) => void) => void | Promise<void>;

/**
 * Series kept by their label values (in declared order): prom-client hashes the labels object, sorting
 * its keys, on every call, which the hot paths (every answer, every state change) would pay for. Label
 * values are few (endpoints, statuses, states), as the series themselves are.
 */
class SeriesMap<S> {
  private readonly series = new Map<string, S>();

  constructor(
    private readonly labelNames: readonly string[],
    private readonly create: (labels: Labels) => S,
  ) {}

  get(labels: Labels): S {
    let key = '';
    for (const name of this.labelNames) key += `${labels[name]}\u0001`;
    let found = this.series.get(key);
    if (found === undefined) {
      found = this.create({ ...labels });
      this.series.set(key, found);
    }
    return found;
  }

  values(): IterableIterator<S> {
    return this.series.values();
  }
}

interface HistogramSeries {
  labels: Labels;
  /** Observations per bucket (not cumulative); the last counts those above every bound. */
  counts: number[];
  sum: number;
  count: number;
}

/** One line of prom-client's exposition: `labels` go first (`le`), then the series' own `sharedLabels`. */
interface ExpositionValue {
  metricName: string;
  labels: Labels;
  sharedLabels: Labels;
  value: number;
}

/**
 * A histogram counted by bucket as observations come, and laid out as prom-client lays out its own
 * (`_bucket{le=…}` cumulative, `_sum`, `_count`) only when a scrape asks. Registered with the registry
 * as prom-client's metrics are: it reads `name`, `help`, `type` and the values `get()` gives.
 */
class BucketedHistogram {
  readonly type = 'histogram';
  readonly aggregator = 'sum';
  private readonly bounds: number[];
  private readonly series: SeriesMap<HistogramSeries>;

  constructor(
    readonly name: string,
    readonly help: string,
    labelNames: readonly string[],
    buckets: readonly number[],
  ) {
    this.bounds = [...buckets].sort((a, b) => a - b);
    this.series = new SeriesMap(labelNames, (labels) => ({ labels, counts: new Array<number>(this.bounds.length + 1).fill(0), sum: 0, count: 0 }));
  }

  observe(labels: Labels, value: number): void {
    if (!Number.isFinite(value)) return;
    const series = this.series.get(labels);
    let bucket = 0;
    while (bucket < this.bounds.length && value > this.bounds[bucket]!) bucket += 1;
    series.counts[bucket]! += 1;
    series.sum += value;
    series.count += 1;
  }

  get(): { name: string; help: string; type: string; aggregator: string; values: ExpositionValue[] } {
    const values: ExpositionValue[] = [];
    for (const series of this.series.values()) {
      let cumulative = 0;
      this.bounds.forEach((bound, index) => {
        cumulative += series.counts[index]!;
        values.push({ metricName: `${this.name}_bucket`, labels: { le: bound }, sharedLabels: series.labels, value: cumulative });
      });
      values.push({ metricName: `${this.name}_bucket`, labels: { le: '+Inf' }, sharedLabels: series.labels, value: series.count });
      values.push({ metricName: `${this.name}_sum`, labels: {}, sharedLabels: series.labels, value: series.sum });
      values.push({ metricName: `${this.name}_count`, labels: {}, sharedLabels: series.labels, value: series.count });
    }
    return { name: this.name, help: this.help, type: this.type, aggregator: this.aggregator, values };
  }

  reset(): void {
    // Counts only ever grow between scrapes, as Prometheus expects of a histogram.
  }
}

/**
 * Process metrics by prefix, collected once per process: prom-client's collection starts a garbage
 * collection observer and an event-loop delay monitor that nothing stops, so a process that starts
 * several gateways (the tests, an application restarting one it embeds) would add a pair for each.
 * They describe the process, not a gateway, so every gateway of the process shows the same ones.
 */
const processRegistries = new Map<string, Registry>();

function processRegistry(prefix: string): Registry {
  let registry = processRegistries.get(prefix);
  if (!registry) {
    registry = new Registry();
    collectDefaultMetrics({ register: registry, prefix });
    processRegistries.set(prefix, registry);
  }
  return registry;
}

export class MetricRegistry {
  private readonly registry = new Registry();
  private processMetrics: Registry | undefined;

  /** Process metrics (CPU, memory, event-loop lag, handles), named `<prefix>process_…` and `<prefix>nodejs_…`. */
  collectProcessMetrics(prefix: string): void {
    this.processMetrics = processRegistry(prefix);
  }

  counter(name: string, help: string, labelNames: readonly string[]): CounterMetric {
    // Counted here; handed to prom-client when a scrape asks.
    const pending = new SeriesMap(labelNames, (labels) => ({ labels, amount: 0 }));
    new Counter({
      name,
      help,
      labelNames: [...labelNames],
      registers: [this.registry],
      collect() {
        for (const series of pending.values()) {
          if (series.amount === 0) continue;
          this.inc(series.labels, series.amount);
          series.amount = 0;
        }
      },
    });
    return {
      inc: (labels, amount = 1) => {
        // A counter only rises: prom-client would throw on anything else at the next scrape, and every
        // scrape after it, so such an amount is left out here instead.
        if (!(amount > 0) || !Number.isFinite(amount)) return;
        pending.get(labels).amount += amount;
      },
    };
  }

  histogram(name: string, help: string, labelNames: readonly string[], buckets: readonly number[]): HistogramMetric {
    const histogram = new BucketedHistogram(name, help, labelNames, buckets);
    this.registry.registerMetric(histogram as unknown as Metric);
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

  async render(): Promise<string> {
    const own = await this.registry.metrics();
    // prom-client separates metrics with an empty line and ends the text with a newline.
    return this.processMetrics ? `${own}\n${await this.processMetrics.metrics()}` : own;
  }
}
