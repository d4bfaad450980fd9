// Metrics: the `switchboard_` series in the Prometheus text format (see docs/operations.md).
export { GatewayMetrics, type MetricSources, type MetricsSettings } from './gateway-metrics.js';
