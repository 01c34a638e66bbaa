package pdm.engine;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import pdm.journal.Changes;

/** What a --changes walk lists whole, looks up by name, and leaves out. */
class WalkScopeTest {
    private static Path p(String s) {
        return Path.of(s);
    }

    private static WalkScope scope(Set<Path> listed, Map<Path, Set<Path>> named, Set<Path> subtree) {
        return new WalkScope(new Changes(null, null, listed, named, subtree, Set.of(), Set.of(), Set.of(), (ino, notBelow) -> true), true, null);
    }

    @Test
    void aNamedEntryIsLookedUpByNameAndItsAncestorsOnlyOnTheWayDown() {
        WalkScope s = scope(Set.of(), Map.of(p("a/b"), Set.of(p("f"), p("g"))), Set.of());
        assertThat(s.of(p("a/b"))).isEqualTo(WalkScope.Kind.NAMED);
        assertThat(s.names(p("a/b"))).containsExactlyInAnyOrder(p("f"), p("g"));
        assertThat(s.of(p("a"))).isEqualTo(WalkScope.Kind.THROUGH);
        assertThat(s.names(p("a"))).containsExactly(p("b"));
        assertThat(s.names(p(""))).containsExactly(p("a"));
        assertThat(s.of(p("c"))).isEqualTo(WalkScope.Kind.OUT);
        assertThat(s.names(p("c"))).isEmpty();
    }

    @Test
    void aDirectoryListedWholeIsListedEvenWhereEntriesOfItAreNamedToo() {
        WalkScope s = scope(Set.of(p("a")), Map.of(p("a/b"), Set.of(p("f"))), Set.of());
        assertThat(s.of(p("a"))).isEqualTo(WalkScope.Kind.LISTED);
        assertThat(s.names(p("a"))).isNull();
        assertThat(s.names(p("a/b"))).containsExactly(p("f"));
    }

    @Test
    void aNamedDirectoryOnTheWayToAnotherLooksAtBothItsNamesAndTheWayOn() {
        WalkScope s = scope(Set.of(), Map.of(p("a"), Set.of(p("f")), p("a/b/c"), Set.of()), Set.of(p("x/y")));
        assertThat(s.of(p("a"))).isEqualTo(WalkScope.Kind.NAMED);
        assertThat(s.names(p("a"))).containsExactlyInAnyOrder(p("f"), p("b"));
        assertThat(s.names(p("a/b"))).containsExactly(p("c"));
        // its own metadata changed: walked, no entry looked at
        assertThat(s.of(p("a/b/c"))).isEqualTo(WalkScope.Kind.NAMED);
        assertThat(s.names(p("a/b/c"))).isEmpty();
        assertThat(s.names(p(""))).containsExactlyInAnyOrder(p("a"), p("x"));
        assertThat(s.of(p("x/y/z"))).isEqualTo(WalkScope.Kind.SUBTREE);
        assertThat(s.names(p("x/y/z"))).isNull();
    }

    @Test
    void theRootNamedIsLookedUpByName() {
        WalkScope s = scope(Set.of(), Map.of(p(""), Set.of(p("f"))), Set.of());
        assertThat(s.of(p(""))).isEqualTo(WalkScope.Kind.NAMED);
        assertThat(s.names(p(""))).containsExactly(p("f"));
    }

    @Test
    void afterATaintedWalkEverythingIsListed() {
        WalkScope s = scope(Set.of(), Map.of(p("a"), Set.of(p("f"))), Set.of()).everything();
        assertThat(s.of(p("b"))).isEqualTo(WalkScope.Kind.SUBTREE);
        assertThat(s.names(p("a"))).isNull();
    }
}
