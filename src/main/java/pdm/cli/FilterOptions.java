package pdm.cli;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import pdm.PdmException;
import pdm.engine.ExcludeFilter;
import picocli.CommandLine.Option;

/** {@code --exclude PATTERN} and {@code --exclude-from FILE}, for every pass. */
final class FilterOptions {
    @Option(names = "--exclude", paramLabel = "PATTERN", description = {"Leave out what matches PATTERN (repeatable): "
            + "never copied, compared or removed. Without '/' it matches a name at any depth; with one it is "
            + "anchored below PATH; a trailing '/' matches directories only; *, ?, [...], ** as in rsync. "
            + "An excluded directory is not entered."})
    List<String> exclude = new ArrayList<>();

    @Option(names = "--exclude-from", paramLabel = "FILE", description = {"Read exclude patterns from FILE, one per "
            + "line, as exact bytes; empty lines and lines starting with '#' are skipped."})
    List<Path> excludeFrom = new ArrayList<>();

    /**
     * The patterns in the order given, each one byte per char (ISO-8859-1: a pattern read from a
     * file keeps non-UTF-8 bytes exactly), checked.
     */
    List<String> patterns() {
        List<byte[]> typed = new ArrayList<>();
        for (String p : exclude) {
            typed.add(p.getBytes(StandardCharsets.UTF_8));
        }
        ExcludeFilter.check(typed, "--exclude");
        List<String> out = new ArrayList<>();
        typed.forEach(b -> out.add(new String(b, StandardCharsets.ISO_8859_1)));
        for (Path file : excludeFrom) {
            List<byte[]> read = read(file);
            ExcludeFilter.check(read, "--exclude-from " + file + ":");
            read.forEach(b -> out.add(new String(b, StandardCharsets.ISO_8859_1)));
        }
        return out;
    }

    private static List<byte[]> read(Path file) {
        byte[] all;
        try {
            all = Files.readAllBytes(file);
        } catch (NoSuchFileException e) {
            throw new PdmException("--exclude-from " + file + ": no such file");
        } catch (IOException e) {
            throw new PdmException("--exclude-from " + file + ": cannot read it: " + e.getMessage());
        }
        List<byte[]> out = new ArrayList<>();
        int start = 0;
        for (int i = 0; i <= all.length; i++) {
            if (i == all.length || all[i] == '\n') {
                int end = i > start && all[i - 1] == '\r' ? i - 1 : i;
                if (end > start && all[start] != '#') {
                    out.add(java.util.Arrays.copyOfRange(all, start, end));
                }
                start = i + 1;
            }
        }
        return out;
    }
}
