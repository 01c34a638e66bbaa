package pdm;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static org.assertj.core.api.Assertions.assertThat;

import com.tngtech.archunit.core.domain.JavaClass;
import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The package layering of pdm's main code, lowest first. A package may use the packages of
 * lower layers and its own, never one of its own layer or above: imports run one way only.
 *
 * <pre>
 * 0  pdm            the error family, Secrets (masking), Hosts: used by every layer
 * 1  config fs logs  leaves: config.toml; the mounted filesystem; log output. None knows another.
 * 2  task lustre    what travels: task records and their wire format (uses fs for names and metadata);
 *                   lustre: the stripe/MDT policy of a Lustre target and the lfs runner (uses config and fs)
 * 3  job journal    stats, events, the completion fold, summaries; the change journal (pdm watch:
 *                   fanotify through fs.linux, Lustre changelogs through lustre's lfs runner)
 * 4  engine metrics the walk and passes, with their one publish port (TaskSink) and the in-process
 *                   queues; metrics (what /metrics shows) sits beside it: it reads job's stats and
 *                   folds and knows nothing of walks or brokers, and the engine knows nothing of it
 * 5  cluster        the RabbitMQ runtime: worker, tracker, monitor, job log; implements the engine's port
 * 6  cli            thin picocli commands over all of it
 * </pre>
 *
 * Config sits at the bottom because it is plain data every mode reads (the engine reads a
 * {@code DataSource}'s skip and mount settings); it imports nothing of pdm but the root.
 */
class ArchitectureTest {
    static final List<Set<String>> LAYERS = List.of(
            Set.of(""), // the root package pdm itself
            Set.of("config", "fs", "logs"),
            Set.of("task", "lustre"),
            Set.of("job", "journal"),
            Set.of("engine", "metrics"),
            Set.of("cluster"),
            Set.of("cli"));

    static final JavaClasses MAIN = new ClassFileImporter()
            .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
            .importPackages("pdm");

    private static String pkg(String sub) {
        return sub.isEmpty() ? "pdm" : "pdm." + sub + "..";
    }

    static Stream<String> packages() {
        return LAYERS.stream().flatMap(Set::stream).filter(s -> !s.isEmpty()).sorted();
    }

    /** The packages a class in {@code sub} must not use: every other one of its layer and every one above. */
    static List<String> forbiddenFor(String sub) {
        int rank = rank(sub);
        List<String> out = new ArrayList<>();
        for (int r = rank; r < LAYERS.size(); r++) {
            for (String other : LAYERS.get(r)) {
                if (!other.equals(sub)) {
                    out.add(pkg(other));
                }
            }
        }
        return out;
    }

    private static int rank(String sub) {
        for (int r = 0; r < LAYERS.size(); r++) {
            if (LAYERS.get(r).contains(sub)) {
                return r;
            }
        }
        throw new IllegalArgumentException(sub);
    }

    @ParameterizedTest(name = "pdm.{0} uses no package of its layer or above")
    @MethodSource("packages")
    void importsRunOneWay(String sub) {
        noClasses().that().resideInAPackage(pkg(sub))
                .should().dependOnClassesThat().resideInAnyPackage(forbiddenFor(sub).toArray(String[]::new))
                .because("imports run one way: config/fs/logs <- task <- job <- engine/metrics <- cluster <- cli")
                .check(MAIN);
    }

    @Test
    void theRootPackageUsesNoLayer() {
        noClasses().that().resideInAPackage("pdm")
                .should().dependOnClassesThat().resideInAnyPackage(forbiddenFor("").toArray(String[]::new))
                .check(MAIN);
    }

    @Test
    void theSystemCallsKnowNothingOfPdm() {
        noClasses().that().resideInAPackage("pdm.fs.linux..")
                .should().dependOnClassesThat().resideOutsideOfPackages("pdm.fs.linux..", "java..")
                .because("the bindings are the bottom: fds, name bytes and errno in, nothing of pdm's model")
                .check(MAIN);
    }

    @Test
    void theEngineNeverTouchesRabbitMq() {
        noClasses().that().resideInAPackage("pdm.engine..")
                .should().dependOnClassesThat().resideInAnyPackage("com.rabbitmq..", "pdm.cluster..")
                .because("the walk knows nothing of RabbitMQ; the cluster implements the engine's port")
                .check(MAIN);
    }

    @Test
    void onlyTheClusterTalksToTheBroker() {
        noClasses().that().resideOutsideOfPackage("pdm.cluster..")
                .should().dependOnClassesThat().resideInAPackage("com.rabbitmq..")
                .check(MAIN);
    }

    /** A new package must be given its place in {@link #LAYERS}, or the rules above would not see it. */
    @Test
    void everyPackageHasALayer() {
        Set<String> known = new TreeSet<>();
        LAYERS.forEach(known::addAll);
        Set<String> seen = new TreeSet<>();
        for (JavaClass c : MAIN) {
            String p = c.getPackageName();
            seen.add(p.equals("pdm") ? "" : p.substring("pdm.".length()).split("\\.")[0]);
        }
        assertThat(seen).isNotEmpty().isSubsetOf(known);
        assertThat(MAIN.stream().map(JavaClass::getPackageName).filter(p -> p.startsWith("pdm.engine")))
                .as("the engine is imported (the rules are not vacuous)").isNotEmpty();
    }
}
