package pdm.metrics;

import io.prometheus.metrics.model.registry.MultiCollector;
import io.prometheus.metrics.model.snapshots.CounterSnapshot;
import io.prometheus.metrics.model.snapshots.CounterSnapshot.CounterDataPointSnapshot;
import io.prometheus.metrics.model.snapshots.GaugeSnapshot;
import io.prometheus.metrics.model.snapshots.GaugeSnapshot.GaugeDataPointSnapshot;
import io.prometheus.metrics.model.snapshots.Labels;
import io.prometheus.metrics.model.snapshots.MetricSnapshots;
import io.prometheus.metrics.model.snapshots.Unit;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Supplier;
import java.util.function.ToLongFunction;
import pdm.job.Counters;

/**
 * pdm's metrics, built at each scrape from a {@link MetricsView}. Counters come from
 * cumulative totals held elsewhere (the event log, a process's own tallies), so they are
 * snapshots here, not client_java counters that this class would have to keep in step.
 */
public final class PdmCollector implements MultiCollector {
    private static final String[] WORK_LABELS = {"job_id", "source", "target", "node", "worker"};
    private static final String[] NODE_WORK_LABELS = {"job_id", "source", "target", "node"};
    private static final String[] WORKER_LABELS = {"node", "worker"};
    private static final String[] MISSING_LABELS = {"node", "worker", "filesystem"};
    private static final List<String> STATES = List.of("running", "done", "refused");

    private final Supplier<MetricsView> view;

    public PdmCollector(Supplier<MetricsView> view) {
        this.view = view;
    }

    @Override
    public MetricSnapshots collect() {
        MetricsView v = view.get();
        MetricSnapshots.Builder out = MetricSnapshots.builder();
        if (v.complete()) {
            work(out, v.work());
            jobs(out, v.jobs());
        }
        gauge(out, "pdm_event_log_caught_up", "1 once the event log has been read to its end (counters and jobs "
                + "are exported only then)", null, Labels.EMPTY, v.complete() ? 1 : 0);
        if (v.brokerConnected() != null) {
            gauge(out, "pdm_monitor_broker_connected", "1 while the monitor is connected to RabbitMQ (when 0, "
                    + "counters and jobs are as last seen and queue depths are left out)", null, Labels.EMPTY,
                    v.brokerConnected() ? 1 : 0);
        }
        workers(out, v.workers());
        queues(out, v.queues());
        return out.build();
    }

    private static void work(MetricSnapshots.Builder out, List<MetricsView.Work> work) {
        workCounter(out, work, "pdm_files_copied", "Files copied (data written)", null, Counters::filesCopied);
        workCounter(out, work, "pdm_files_skipped", "Files found up to date", null, Counters::filesSkipped);
        workCounter(out, work, "pdm_files_removed", "Entries removed from the target by delete", null,
                Counters::filesRemoved);
        workCounter(out, work, "pdm_files_failed", "Items that failed (each is in the job's failures with its reason)",
                null, Counters::filesFailed);
        workCounter(out, work, "pdm_metadata_fixed", "Entries whose owner, mode or times were fixed without copying data",
                null, Counters::metaFixed);
        workCounter(out, work, "pdm_dirs_processed", "Directories listed and processed", null, Counters::dirs);
        workCounter(out, work, "pdm_dirs_created", "Directories created on the target", null, Counters::dirsCreated);
        workCounter(out, work, "pdm_copied_bytes", "Bytes of file data copied", Unit.BYTES, Counters::bytes);
        workCounter(out, work, "pdm_differences", "Differences verify found", null, Counters::differences);
        CounterSnapshot.Builder tasks = CounterSnapshot.builder().name("pdm_tasks_done")
                .help("Tasks (a directory, a batch of files, a directory's metadata) finished");
        for (MetricsView.Work w : work) {
            tasks.dataPoint(CounterDataPointSnapshot.builder().labels(workLabels(w)).value(w.tasks()).build());
        }
        out.metricSnapshot(tasks.build());
    }

    private static void workCounter(MetricSnapshots.Builder out, List<MetricsView.Work> work, String name, String help,
                                    Unit unit, ToLongFunction<Counters> value) {
        CounterSnapshot.Builder b = CounterSnapshot.builder().name(name).help(help);
        if (unit != null) {
            b.unit(unit);
        }
        for (MetricsView.Work w : work) {
            b.dataPoint(CounterDataPointSnapshot.builder().labels(workLabels(w))
                    .value(value.applyAsLong(w.counters())).build());
        }
        out.metricSnapshot(b.build());
    }

    private static Labels workLabels(MetricsView.Work w) {
        return w.worker() == null
                ? Labels.of(NODE_WORK_LABELS, new String[]{w.job(), w.source(), w.target(), w.node()})
                : Labels.of(WORK_LABELS, new String[]{w.job(), w.source(), w.target(), w.node(), w.worker()});
    }

    private static void jobs(MetricSnapshots.Builder out, List<MetricsView.JobState> jobs) {
        GaugeSnapshot.Builder info = GaugeSnapshot.builder().name("pdm_job_info")
                .help("One per job, with what it moves (value 1); a dry run's counters say what it would do");
        GaugeSnapshot.Builder state = GaugeSnapshot.builder().name("pdm_job_state")
                .help("1 for the job's state (running, done, refused), 0 for the others");
        GaugeSnapshot.Builder pass = GaugeSnapshot.builder().name("pdm_job_pass")
                .help("The pass the job is in (1-based; the last one once it is over)");
        GaugeSnapshot.Builder passes = GaugeSnapshot.builder().name("pdm_job_passes")
                .help("How many passes the job has (sync: 3)");
        GaugeSnapshot.Builder pending = GaugeSnapshot.builder().name("pdm_job_tasks_pending")
                .help("Tasks of the job queued or running (0 once it is over)");
        GaugeSnapshot.Builder submitted = GaugeSnapshot.builder().name("pdm_job_submitted_timestamp_seconds")
                .help("When the job was submitted").unit(Unit.SECONDS);
        GaugeSnapshot.Builder last = GaugeSnapshot.builder().name("pdm_job_last_event_timestamp_seconds")
                .help("When a task of the job last finished").unit(Unit.SECONDS);
        for (MetricsView.JobState j : jobs) {
            Labels job = Labels.of("job_id", j.job());
            info.dataPoint(point(Labels.of(new String[]{"job_id", "command", "source", "target", "path", "dry_run"},
                    new String[]{j.job(), j.command(), j.source(), j.target(), j.path(),
                            Boolean.toString(j.dryRun())}), 1));
            for (String s : STATES) {
                state.dataPoint(point(job.add("state", s), s.equals(j.state()) ? 1 : 0));
            }
            pass.dataPoint(point(job, j.pass()));
            passes.dataPoint(point(job, j.passes()));
            pending.dataPoint(point(job, j.pending()));
            submitted.dataPoint(point(job, j.submittedSeconds()));
            last.dataPoint(point(job, j.lastEventSeconds()));
        }
        for (GaugeSnapshot.Builder b : List.of(info, state, pass, passes, pending, submitted, last)) {
            out.metricSnapshot(b.build());
        }
    }

    private static void workers(MetricSnapshots.Builder out, List<MetricsView.WorkerState> workers) {
        gauge(out, "pdm_workers_alive", "Worker processes heard from within the last 3 monitor intervals", null,
                Labels.EMPTY, workers.stream().filter(MetricsView.WorkerState::up).count());
        GaugeSnapshot.Builder up = GaugeSnapshot.builder().name("pdm_worker_up")
                .help("1 while the worker is heard from, 0 once it has been silent for 3 monitor intervals");
        GaugeSnapshot.Builder running = GaugeSnapshot.builder().name("pdm_worker_tasks_running")
                .help("Tasks the worker is running now");
        GaugeSnapshot.Builder paused = GaugeSnapshot.builder().name("pdm_worker_pairs_paused")
                .help("Source/target pairs the worker takes no work for because a mount = true filesystem is not mounted");
        GaugeSnapshot.Builder missing = GaugeSnapshot.builder().name("pdm_worker_target_missing")
                .help("Per write = true filesystem the worker serves: 1 while its path does not exist or is not a "
                        + "directory (its tasks fail until it is there), 0 while it is there");
        GaugeSnapshot.Builder seen = GaugeSnapshot.builder().name("pdm_worker_last_seen_timestamp_seconds")
                .help("When the worker was last heard from").unit(Unit.SECONDS);
        CounterSnapshot.Builder files = CounterSnapshot.builder().name("pdm_worker_files_copied")
                .help("Files the worker process copied so far, running tasks included (live; a task redone after "
                        + "a crash counts again: job totals are pdm_files_copied_total)");
        CounterSnapshot.Builder bytes = CounterSnapshot.builder().name("pdm_worker_copied_bytes").unit(Unit.BYTES)
                .help("Bytes the worker process copied so far, running tasks included (live)");
        CounterSnapshot.Builder dropped = CounterSnapshot.builder().name("pdm_log_events_dropped")
                .help("Log events the worker could not ship to Elasticsearch (slow or down) and dropped");
        for (MetricsView.WorkerState w : workers) {
            Labels l = Labels.of(WORKER_LABELS, new String[]{w.node(), w.worker()});
            up.dataPoint(point(l, w.up() ? 1 : 0));
            running.dataPoint(point(l, w.tasksRunning()));
            paused.dataPoint(point(l, w.pairsPaused()));
            // every target served, missing or not (a heartbeat of an older worker names only the missing ones)
            Set<String> served = new TreeSet<>(w.targets());
            served.addAll(w.targetsMissing());
            for (String fs : served) {
                missing.dataPoint(point(Labels.of(MISSING_LABELS, new String[]{w.node(), w.worker(), fs}),
                        w.targetsMissing().contains(fs) ? 1 : 0));
            }
            seen.dataPoint(point(l, w.lastSeenSeconds()));
            files.dataPoint(CounterDataPointSnapshot.builder().labels(l).value(w.filesCopied()).build());
            bytes.dataPoint(CounterDataPointSnapshot.builder().labels(l).value(w.bytesCopied()).build());
            dropped.dataPoint(CounterDataPointSnapshot.builder().labels(l).value(w.logDropped()).build());
        }
        out.metricSnapshot(up.build());
        out.metricSnapshot(running.build());
        out.metricSnapshot(paused.build());
        out.metricSnapshot(missing.build());
        out.metricSnapshot(seen.build());
        out.metricSnapshot(files.build());
        out.metricSnapshot(bytes.build());
        out.metricSnapshot(dropped.build());
    }

    private static void queues(MetricSnapshots.Builder out, List<MetricsView.QueueDepth> queues) {
        GaugeSnapshot.Builder ready = GaugeSnapshot.builder().name("pdm_queue_messages_ready")
                .help("Messages waiting in the queue");
        GaugeSnapshot.Builder unacked = GaugeSnapshot.builder().name("pdm_queue_messages_unacked")
                .help("Messages delivered to workers and not yet acknowledged (prefetched or running)");
        GaugeSnapshot.Builder consumers = GaugeSnapshot.builder().name("pdm_queue_consumers")
                .help("Consumers of the queue");
        for (MetricsView.QueueDepth q : queues) {
            Labels l = Labels.of("queue", q.queue());
            if (q.ready() >= 0) {
                ready.dataPoint(point(l, q.ready()));
            }
            if (q.unacked() >= 0) {
                unacked.dataPoint(point(l, q.unacked()));
            }
            if (q.consumers() >= 0) {
                consumers.dataPoint(point(l, q.consumers()));
            }
        }
        out.metricSnapshot(ready.build());
        out.metricSnapshot(unacked.build());
        out.metricSnapshot(consumers.build());
    }

    private static void gauge(MetricSnapshots.Builder out, String name, String help, Unit unit, Labels labels,
                              double value) {
        GaugeSnapshot.Builder b = GaugeSnapshot.builder().name(name).help(help);
        if (unit != null) {
            b.unit(unit);
        }
        out.metricSnapshot(b.dataPoint(point(labels, value)).build());
    }

    private static GaugeDataPointSnapshot point(Labels labels, double value) {
        return GaugeDataPointSnapshot.builder().labels(labels).value(value).build();
    }
}
