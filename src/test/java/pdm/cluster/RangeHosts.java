package pdm.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import com.rabbitmq.client.Connection;
import java.time.Instant;
import java.util.Set;
import java.util.TreeSet;
import pdm.Hosts;
import pdm.job.JobEvent;
import pdm.job.LogPosition;
import pdm.task.TaskKind;
import pdm.testkit.Broker;

/** The hosts whose workers ran a job's range tasks, read from the event log (the big-file ITs). */
final class RangeHosts {
    private RangeHosts() {
    }

    static Set<String> of(String job, Instant since) throws Exception {
        Set<String> hosts = new TreeSet<>();
        try (Connection conn = Broker.connect()) {
            Object lock = new Object();
            try (EventReader r = new EventReader(conn, LogPosition.since(since), e -> {
                if (e instanceof JobEvent.Dones d && d.job().equals(job)) {
                    for (JobEvent.Done t : d.done()) {
                        if (t.kind() == TaskKind.RANGE) {
                            synchronized (lock) {
                                hosts.add(Hosts.hostOf(t.node()));
                            }
                        }
                    }
                }
            }, () -> { })) {
                assertThat(r.awaitCaughtUp(60_000)).as("read the event log to its end").isTrue();
            }
            synchronized (lock) {
                return new TreeSet<>(hosts);
            }
        }
    }
}
