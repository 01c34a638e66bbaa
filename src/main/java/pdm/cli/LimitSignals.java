package pdm.cli;

import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import pdm.engine.Throttle;
import sun.misc.Signal;

/**
 * A running worker's limits change without a restart: SIGUSR1 reads config.toml again and
 * applies its bwlimit and max_files_per_second (an option given at start still wins), SIGUSR2
 * lifts both limits until the next SIGUSR1 (full speed at night, say). SIGHUP keeps its
 * meaning of a graceful stop (see StopSignals).
 */
final class LimitSignals {
    private static final Logger LOG = LoggerFactory.getLogger("pdm.worker");

    private LimitSignals() {
    }

    /** @param configured the limits in force from the config file and options: {bytes/s, entries/s}; may throw */
    static void install(Throttle throttle, Supplier<long[]> configured) {
        Signal.handle(new Signal("USR1"), s -> {
            try {
                long[] l = configured.get();
                throttle.set(l[0], l[1]);
                LOG.info("SIGUSR1: limits read again from the config: {}", throttle);
            } catch (RuntimeException e) {
                LOG.warn("SIGUSR1: cannot read the config, the limits stay as they were ({}): {}", throttle,
                        e.getMessage());
            }
        });
        Signal.handle(new Signal("USR2"), s -> {
            throttle.set(0, 0);
            LOG.info("SIGUSR2: limits lifted until the next SIGUSR1: {}", throttle);
        });
    }
}
