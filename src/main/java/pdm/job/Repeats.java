package pdm.job;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;

/**
 * Failures keyed by their reason (the failed operation and what the kernel said, as
 * "openat: EROFS (Read-only file system)"): the first few of each are told one by one, the rest
 * only counted, so that one cause that fails every file is said a few times and then once with
 * its count, not 3,000 times.
 */
final class Repeats {
    /** How many failures of one reason are told one by one. */
    static final int LOGGED = 3;

    private final int limit;
    private final Map<String, LongAdder> seen = new ConcurrentHashMap<>();

    Repeats(int limit) {
        this.limit = limit;
    }

    /** Counts one failure of {@code reason}; true while it is among the first {@code limit} of it. */
    boolean first(String reason) {
        LongAdder n = seen.computeIfAbsent(reason, r -> new LongAdder());
        n.increment();
        return n.sum() <= limit;
    }

    /** The reasons seen more than {@code limit} times, with how many of them were not told. */
    Map<String, Long> unlogged() {
        Map<String, Long> out = new LinkedHashMap<>();
        seen.entrySet().stream().sorted(Map.Entry.comparingByKey()).forEach(e -> {
            if (e.getValue().sum() > limit) {
                out.put(e.getKey(), e.getValue().sum() - limit);
            }
        });
        return out;
    }
}
