package pdm.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import pdm.testkit.Tools;

/**
 * The launcher as a node runs it: java on the PATH is a symlink into /usr/lib/jvm, as Debian's and
 * RHEL's alternatives install it, and ./pdm starts it without forking anything (no readlink, sed or
 * dirname: each fork costs a start a few milliseconds), which strace's execve trace shows.
 */
class LauncherIT {
    private static final Pattern JAVA_VERSION = Pattern.compile("^JAVA_VERSION=\"([0-9]+)");

    @TempDir
    Path tmp;

    @Test
    void javaOnThePathAsASymlinkIntoUsrLibJvmIsStartedWithoutAFork() throws IOException {
        Optional<Path> jdk = jdk25UnderUsrLibJvm();
        assumeTrue(jdk.isPresent(), "no JDK 25 or newer under /usr/lib/jvm here");
        if (!Tools.has("strace")) { // (run through env: Tools.exec's own check would not see it missing)
            assertThat(System.getenv("CI")).as("CI=true, and this test needs strace (.ci/run installs it)")
                    .isNotEqualToIgnoringCase("true");
            assumeTrue(false, "strace is not installed (.ci/run installs it)");
        }
        Path bin = Files.createDirectories(tmp.resolve("bin"));
        Files.createSymbolicLink(bin.resolve("java"), jdk.get().resolve("bin/java"));
        Path trace = tmp.resolve("execve.txt");
        Path launcher = Path.of("pdm").toAbsolutePath();

        Tools.Output r = Tools.exec(null, "env", "-i", "PATH=" + bin + ":/usr/bin:/bin", "HOME=" + tmp,
                "strace", "-f", "-qq", "-e", "trace=execve", "-o", trace.toString(), launcher.toString(), "--version");

        assertThat(r.exit()).as(r.err() + r.out()).isZero();
        assertThat(r.out()).contains("Java ");
        List<String> started = Files.readAllLines(trace).stream()
                .filter(l -> l.contains("execve(") && l.endsWith("= 0"))
                .map(l -> l.replaceAll("^\\d+ +execve\\(\"([^\"]*)\".*", "$1"))
                .toList();
        assertThat(started).as("what the launcher executed").hasSizeLessThanOrEqualTo(4)
                .last().isEqualTo(bin.resolve("java").toString()); // (the first java on the PATH, as found)
        assertThat(started).noneMatch(p -> p.endsWith("/readlink") || p.endsWith("/sed") || p.endsWith("/dirname"));
    }

    @Test
    void theJvmFlagsAreTheLaunchersOwnOrPdmJavaOptsWordForWordWithoutGlobbing() throws IOException {
        assumeTrue(Tools.has("strace"), "strace is not installed (.ci/run installs it)");
        Path launcher = Path.of("pdm").toAbsolutePath();
        // (a file the flag would match as a glob, in the directory pdm runs in)
        Files.createFile(tmp.resolve("-Dpdm.launcher.test=abc"));

        List<String> own = javaArgs(launcher, null);
        List<String> given = javaArgs(launcher, "-XX:+UseSerialGC  -Dpdm.launcher.test=a*");

        assertThat(own).contains("-XX:TieredStopAtLevel=1", "-XX:CompileCommand=exclude,jdk.internal.classfile.*::*",
                "-Xmn24m");
        // 2 MB pages only where the kernel offers them: elsewhere the JVM warns on stdout for the flag
        Path thp = Path.of("/sys/kernel/mm/transparent_hugepage/enabled");
        boolean offered = Files.isReadable(thp) && Files.readString(thp).matches("(?s).*\\[(always|madvise)\\].*");
        if (offered) {
            assertThat(own).contains("-XX:+UseTransparentHugePages");
        } else {
            assertThat(own).doesNotContain("-XX:+UseTransparentHugePages");
        }
        assertThat(given).containsSubsequence("-XX:+UseSerialGC", "-Dpdm.launcher.test=a*", "-jar")
                .doesNotContain("-XX:TieredStopAtLevel=1", "-Dpdm.launcher.test=abc")
                .noneMatch(a -> a.startsWith("-XX:AOTCache="));
    }

    /** The arguments ./pdm --version started java with, as strace saw them. */
    private List<String> javaArgs(Path launcher, String javaOpts) throws IOException {
        Path trace = tmp.resolve("execve-" + (javaOpts == null ? "own" : "given") + ".txt");
        List<String> cmd = new java.util.ArrayList<>(List.of("env"));
        if (javaOpts != null) {
            cmd.add("PDM_JAVA_OPTS=" + javaOpts);
        }
        cmd.addAll(List.of("strace", "-f", "-qq", "-v", "-s", "4096", "-e", "trace=execve", "-o", trace.toString(),
                launcher.toString(), "--version"));
        Tools.Output r = Tools.exec(tmp, cmd.toArray(String[]::new));
        assertThat(r.exit()).as(r.err() + r.out()).isZero();
        String java = Files.readAllLines(trace).stream()
                .filter(l -> l.contains("execve(") && l.endsWith("= 0") && l.contains("/bin/java\""))
                .reduce((a, b) -> b).orElseThrow(() -> new AssertionError("java was not started: " + trace));
        String argv = java.replaceAll("^\\d+ +execve\\(\"[^\"]*\", \\[(.*)\\], \\[.*$", "$1");
        List<String> args = new java.util.ArrayList<>();
        Matcher m = Pattern.compile("\"((?:[^\"\\\\]|\\\\.)*)\"").matcher(argv);
        while (m.find()) {
            args.add(m.group(1));
        }
        return args;
    }

    /** A JDK of Java 25 or newer under /usr/lib/jvm (its release file says so), as pdm's launcher finds one. */
    private static Optional<Path> jdk25UnderUsrLibJvm() throws IOException {
        Path jvm = Path.of("/usr/lib/jvm");
        if (!Files.isDirectory(jvm)) {
            return Optional.empty();
        }
        try (Stream<Path> homes = Files.list(jvm)) {
            return homes.filter(h -> !Files.isSymbolicLink(h) && Files.isRegularFile(h.resolve("bin/java")))
                    .filter(LauncherIT::isJava25OrNewer)
                    .sorted()
                    .findFirst();
        }
    }

    /** As the launcher reads it: the feature version at the start of the release file's JAVA_VERSION. */
    private static boolean isJava25OrNewer(Path home) {
        try (Stream<String> lines = Files.lines(home.resolve("release"))) {
            return lines.map(JAVA_VERSION::matcher).filter(Matcher::find).findFirst()
                    .map(m -> Integer.parseInt(m.group(1)) >= 25).orElse(false);
        } catch (IOException e) {
            return false;
        }
    }
}
