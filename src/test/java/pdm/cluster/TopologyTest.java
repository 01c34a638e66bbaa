package pdm.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import pdm.task.TaskIds;

/** Queue names with and without shards, and the shard a message goes to. */
class TopologyTest {
    @Test
    void oneShardKeepsTodaysNames() {
        assertThat(Topology.dirQueues("panda", "badger", 1)).containsExactly("dir.panda.badger");
        assertThat(Topology.fileQueues("panda", "badger", 1)).containsExactly("file.panda.badger");
        assertThat(Topology.shardedKey("file.panda.badger", "anything", 1)).isEqualTo("file.panda.badger");
        assertThat(Topology.pairQueues("panda", "badger", 1)).containsExactly("dir.panda.badger",
                "file.panda.badger", "link.panda.badger.0", "link.panda.badger.1", "link.panda.badger.2",
                "link.panda.badger.3", "range.panda.badger");
    }

    @Test
    void shardedPairsNumberTheirDirAndFileQueuesButNotTheLinkQueues() {
        assertThat(Topology.dirQueues("panda", "badger", 3)).containsExactly("dir.panda.badger.0",
                "dir.panda.badger.1", "dir.panda.badger.2");
        assertThat(Topology.pairQueues("panda", "badger", 2)).containsExactly("dir.panda.badger.0",
                "dir.panda.badger.1", "file.panda.badger.0", "file.panda.badger.1", "link.panda.badger.0",
                "link.panda.badger.1", "link.panda.badger.2", "link.panda.badger.3", "range.panda.badger");
        assertThat(Topology.shardedKey("link.panda.badger.2", "some-task", 8)).isEqualTo("link.panda.badger.2");
        String key = Topology.shardedKey("dir.panda.badger", "some-task", 8);
        assertThat(key).isEqualTo("dir.panda.badger." + Topology.shardOf("some-task", 8));
        assertThat(Topology.unsharded(key)).isEqualTo("dir.panda.badger");
        assertThat(Topology.unsharded("link.panda.badger.2")).isEqualTo("link.panda.badger.2");
        assertThat(Topology.unsharded("file.panda.badger")).isEqualTo("file.panda.badger");
    }

    @Test
    void theShardOfATaskIdIsFixedAndIdsSpreadOverEveryShard() {
        // Fixed values: a change would send a re-published task to another shard than a node of the
        // previous version did (harmless for exactness, but this is the documented rule).
        assertThat(Topology.shardOf("a", 4)).isEqualTo(1);
        assertThat(Topology.shardOf("a", 7)).isEqualTo(3);
        assertThat(Topology.shardOf("some-task", 7)).isZero();
        assertThat(Topology.shardOf("0000000000000001", 64)).isEqualTo(37);
        assertThat(Topology.shardOf("job-1/0", 1)).isZero();
        Map<Integer, Integer> counts = new HashMap<>();
        String root = TaskIds.root("0123456789abcdef", 0);
        for (int i = 0; i < 4000; i++) {
            int s = Topology.shardOf(TaskIds.childFiles(root, -1, i), 4);
            assertThat(s).isBetween(0, 3);
            counts.merge(s, 1, Integer::sum);
        }
        assertThat(counts).hasSize(4);
        assertThat(counts.values()).allSatisfy(n -> assertThat(n).as("ids of consecutive batches spread")
                .isBetween(800, 1200));
    }
}
