package pdm.job;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The failures a summary lists, one line each ("path: reason"), and when one reason fails
 * many items (EROFS or ENOSPC on every file), its first few and then one line with the count:
 * "... and 2997 more: openat: EROFS (Read-only file system)".
 */
final class FailureLines {
    private FailureLines() {
    }

    /**
     * @param grouped false lists every item (verify's differences: each is what verify reports)
     * @param cap     the most lines listed
     */
    static List<String> of(List<Failure> failures, boolean grouped, int cap) {
        List<String> out = new ArrayList<>();
        if (!grouped) {
            failures.stream().limit(cap).forEach(f -> out.add(f.path() + ": " + f.error()));
            return out;
        }
        for (Map.Entry<String, List<Failure>> g : byReason(failures).entrySet()) {
            List<Failure> items = g.getValue();
            for (Failure f : items.subList(0, Math.min(items.size(), Repeats.LOGGED))) {
                if (out.size() < cap) {
                    out.add(f.path() + ": " + f.error());
                }
            }
            if (items.size() > Repeats.LOGGED && out.size() < cap) {
                out.add("... and " + (items.size() - Repeats.LOGGED) + " more: " + g.getKey());
            }
        }
        return out;
    }

    /** How many of the failures the lines of {@link #of} account for. */
    static long covered(List<Failure> failures, boolean grouped, int cap) {
        if (!grouped) {
            return Math.min(failures.size(), cap);
        }
        long n = 0;
        int lines = 0;
        for (List<Failure> items : byReason(failures).values()) {
            for (int i = 0; i < Math.min(items.size(), Repeats.LOGGED) && lines < cap; i++, lines++) {
                n++;
            }
            if (items.size() > Repeats.LOGGED && lines < cap) {
                lines++;
                n += items.size() - Repeats.LOGGED;
            }
        }
        return n;
    }

    private static Map<String, List<Failure>> byReason(List<Failure> failures) {
        Map<String, List<Failure>> g = new LinkedHashMap<>();
        for (Failure f : failures) {
            g.computeIfAbsent(f.error(), k -> new ArrayList<>()).add(f);
        }
        return g;
    }
}
