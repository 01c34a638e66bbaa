/** Job tracking, below the engine: counters, failures, events and the completion fold, and the summary a user reads at the end. */
package pdm.job;
