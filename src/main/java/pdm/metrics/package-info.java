/** Prometheus metrics: what pdm exports on /metrics, and the worker heartbeats the monitor aggregates. */
package pdm.metrics;
