/**
 * The engine: one walk over directory pairs with the passes (copy, delete, dirtimes, verify) as
 * strategies over it, the preflight every job runs, its one publish port ({@link pdm.engine.TaskSink})
 * with the in-process queues that implement it, and {@link pdm.engine.TaskRunner} for one task of a
 * distributed job. Knows nothing of RabbitMQ: pdm.cluster implements the port above it.
 */
package pdm.engine;
