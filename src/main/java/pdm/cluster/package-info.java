/**
 * Distributed mode over RabbitMQ, above the engine: the worker (which runs each task with the
 * engine's TaskRunner), the job tracker, the monitor, the job log, the publisher, the queue
 * topology, the --max-delete budgets, broker URIs and connections.
 */
package pdm.cluster;
