/** Job tracking: counters, failures, completion and the summary a user reads at the end. */
package pdm.job;
