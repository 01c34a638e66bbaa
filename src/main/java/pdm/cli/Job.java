package pdm.cli;

import pdm.engine.Engine;
import pdm.engine.JobSpec;

/** A job as the command line resolved it: what to run and with how many threads. */
record Job(JobSpec spec, Engine.Settings settings) {
}
