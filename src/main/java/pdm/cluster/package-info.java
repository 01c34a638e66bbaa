/**
 * Distributed mode over RabbitMQ, above the engine: the worker and its ack protocol
 * (TaskDelivery), the engine's port over the broker (ChildTasks), the job tracker, the monitor,
 * the job log, the publisher, the queue topology, the reconnect loop, the --max-delete budgets,
 * broker URIs and connections. The only package that talks to the broker.
 */
package pdm.cluster;
