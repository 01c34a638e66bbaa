/** Prometheus metrics: what pdm exports on /metrics, and the worker heartbeats the monitor aggregates. Beside the engine, below cluster: it reads job's stats and folds. */
package pdm.metrics;
