package pdm.journal;

import java.util.HashMap;
import java.util.Map;

/**
 * Which records of a watcher session a future {@code --changes} pass can still read, so the
 * journal is trimmed to them (docs/change-journal.md, "Bounded"). A pass of key K reads the
 * records after the stored mark of K; a pass of K that holds a mark it has not stored yet will
 * store it when it completes. So the oldest record needed is the oldest of, per key, the stored
 * mark and the mark last handed out. A pass that asked and then died keeps its key's records
 * until that key asks again: one pass at a time per key, so that is bounded by the keys.
 */
final class Retention {
    private final Map<String, Long> handedOut = new HashMap<>();

    /** A pass of {@code key} was answered with mark {@code seq}. */
    void handedOut(String key, long seq) {
        handedOut.put(key, seq);
    }

    /**
     * The seq of the first record to keep (every older one but START may go).
     *
     * @param stored the stored marks of this watcher session, by key (marks of other sessions vouch for nothing)
     */
    long keepFrom(Map<String, Long> stored) {
        long from = Long.MAX_VALUE;
        for (Map.Entry<String, Long> e : handedOut.entrySet()) {
            from = Math.min(from, Math.min(e.getValue(), stored.getOrDefault(e.getKey(), Long.MAX_VALUE)));
        }
        for (long s : stored.values()) {
            from = Math.min(from, s);
        }
        return from == Long.MAX_VALUE ? 0 : from;
    }
}
