// Prometheus metrics of a running gateway (see docs/deploy.md for the list).
export { createGatewayMetrics, decidingLayer, type GatewayMetrics, type ReloadState } from './gateway-metrics.js';
export { startMetricsServer, type MetricsServer, type MetricsServerOptions } from './metrics-server.js';
