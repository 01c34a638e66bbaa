package pdm.cli;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import pdm.job.Counters;
import pdm.job.Sizes;

/**
 * The text of one progress update, fitted to a width: the least useful parts go first (dirs, the
 * total's long wording, bytes so far, ...), so a narrow terminal still shows the pass, percent,
 * files, rates and failures on one row. Pure: the same numbers and width give the same text.
 *
 * @param total what the pass is expected to reach, in entries (files and dirs), or null when unknown
 */
record ProgressLine(String action, Counters counters, double seconds, Total total) {

    /** An expected number of entries and where it came from ("the previous pass", "statvfs ..."). */
    record Total(long entries, String from, String shortFrom) {
    }

    /** One part of the line in its forms, longest first; each form's {@code keep} ranks when it goes. */
    private record Part(List<String> forms, List<Integer> keeps) {
        static Part of(String text, int keep) {
            return new Part(List.of(text), List.of(keep));
        }

        static Part of(String text, int keep, String shorter, int shorterKeep) {
            return new Part(List.of(text, shorter), List.of(keep, shorterKeep));
        }

        static Part of(String text, int keep, String shorter, int shorterKeep, String shortest, int shortestKeep) {
            return new Part(List.of(text, shorter, shortest), List.of(keep, shorterKeep, shortestKeep));
        }
    }

    /** Entries dealt with so far: what a total counts. */
    long entries() {
        return counters.files() + counters.dirs();
    }

    /** The line in at most {@code width} characters (a terminal's columns less one: no wrap, ever). */
    String fit(int width) {
        List<Part> parts = parts();
        int[] form = new int[parts.size()];
        boolean[] gone = new boolean[parts.size()];
        String line = render(parts, form, gone);
        while (line.length() > width) {
            int worst = -1;
            for (int i = 0; i < parts.size(); i++) {
                if (!gone[i] && (worst < 0 || keep(parts, form, i) < keep(parts, form, worst))) {
                    worst = i;
                }
            }
            if (worst < 0 || keep(parts, form, worst) >= 100) {
                break;
            }
            if (form[worst] + 1 < parts.get(worst).forms().size()) {
                form[worst]++;
            } else {
                gone[worst] = true;
            }
            line = render(parts, form, gone);
        }
        return line.length() <= width ? line : line.substring(0, Math.max(0, width));
    }

    /** The whole line, for a log file (no width to fit). */
    String full() {
        return fit(Integer.MAX_VALUE);
    }

    private static int keep(List<Part> parts, int[] form, int i) {
        return parts.get(i).keeps().get(form[i]);
    }

    private static String render(List<Part> parts, int[] form, boolean[] gone) {
        StringBuilder b = new StringBuilder();
        int shown = 0;
        for (int i = 0; i < parts.size(); i++) {
            if (!gone[i]) {
                if (shown++ > 0) {
                    b.append(shown == 2 ? " " : ", "); // "copy: 0:47, 12%, ..."
                }
                b.append(parts.get(i).forms().get(form[i]));
            }
        }
        return b.toString();
    }

    private List<Part> parts() {
        Counters c = counters;
        double secs = Math.max(seconds, 1e-3);
        long files = c.files();
        List<Part> p = new ArrayList<>();
        p.add(Part.of(action + ":", 100));
        p.add(Part.of(duration(seconds) + " elapsed", 62, duration(seconds), 90));
        if (total != null && total.entries() > 0) {
            long done = entries();
            if (done <= total.entries()) {
                String pct = Math.min(99, done * 100 / total.entries()) + "%";
                p.add(Part.of(pct + " of ~" + count(total.entries()) + " entries (" + total.from() + ")", 30,
                        pct + " (" + total.shortFrom() + ")", 80, pct, 92));
                double rate = done / secs;
                String eta = rate > 0 ? duration((total.entries() - done) / rate) : "?";
                p.add(Part.of("ETA " + eta, 74));
            } else {
                // the total was low: say so, and make up no ETA
                p.add(Part.of("past the total of ~" + count(total.entries()) + " entries (" + total.from() + ")", 30,
                        "past the total (" + total.shortFrom() + ")", 80, "100%+", 88));
            }
        }
        p.add(Part.of(count(files) + " files (" + count(Math.round(files / secs)) + "/s)", 70,
                count(files) + " files", 96));
        // (the rate of data written: a sparse file's holes are not bytes moved)
        p.add(Part.of(Sizes.bytes(c.bytes()) + " (" + Sizes.bytes((long) (c.bytesWritten() / secs)) + "/s)", 50,
                Sizes.bytes((long) (c.bytesWritten() / secs)) + "/s", 68));
        p.add(Part.of(c.problems() + " failed", 94));
        p.add(Part.of(count(c.dirs()) + " dirs", 20));
        return p;
    }

    /** 0:47, 12:05, 1:02:03. */
    static String duration(double seconds) {
        long s = Math.max(0, Math.round(seconds));
        return s >= 3600 ? String.format(Locale.ROOT, "%d:%02d:%02d", s / 3600, s / 60 % 60, s % 60)
                : String.format(Locale.ROOT, "%d:%02d", s / 60, s % 60);
    }

    /** 9876, 12.3k, 4.56M: counts short enough for a narrow line. */
    static String count(long n) {
        if (n < 10_000) {
            return Long.toString(n);
        }
        if (n < 1_000_000) {
            return String.format(Locale.ROOT, "%.1fk", n / 1e3);
        }
        return n < 1_000_000_000 ? String.format(Locale.ROOT, "%.2fM", n / 1e6)
                : String.format(Locale.ROOT, "%.2fG", n / 1e9);
    }
}
