package pdm.cli;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** The AOT cache's training of the event log's classes runs through: a job's events read back, folded and shown. */
class AotTrainingTest {
    @Test
    void theEventLogStepFoldsAJobToItsEnd() {
        assertThat(AotTraining.eventLog()).as("AotTraining.eventLog() went through (see its stderr line if not)").isTrue();
    }
}
