package pdm.testkit;

import java.util.logging.Level;
import java.util.logging.Logger;
import org.junit.jupiter.api.extension.Extension;

/**
 * Registered for every test (junit-platform.properties turns on extension autodetection):
 * silences JUnit's warning for each symlink to outside a @TempDir it deletes, which the
 * trees of these tests have on purpose.
 */
public final class QuietTempDirs implements Extension {
    private static final Logger TEMP_DIR = Logger.getLogger("org.junit.jupiter.engine.extension.TempDirectory");
    private static final Logger CLOSEABLE = Logger.getLogger("org.junit.jupiter.engine.extension.TempDirectory$CloseablePath");

    static {
        TEMP_DIR.setLevel(Level.SEVERE);
        CLOSEABLE.setLevel(Level.SEVERE);
    }
}
