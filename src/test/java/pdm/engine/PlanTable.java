package pdm.engine;

import java.io.IOException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import pdm.fs.FileMeta;
import pdm.fs.FsRoot;
import pdm.fs.Names;
import pdm.job.Failure;
import pdm.job.JobStats;
import pdm.task.JobOptions;
import pdm.task.WorkItem;

/**
 * A pass's plan over the root directory pair of two real trees, as the walk makes it (list both
 * sides, merge, show each name to the pass, or to its {@code excluded} when the job excludes it),
 * with each name's decision named: the op of its work item, "descend", "skip" (counted as
 * skipped), "differs: ..." (a difference recorded), or "nothing".
 */
final class PlanTable {
    private PlanTable() {
    }

    static Map<String, String> decisions(Path src, Path tgt, JobOptions options, ExcludeFilter excludes,
                                         Function<PassContext, PassStrategy> pass) throws IOException, InterruptedException {
        Map<String, String> out = new LinkedHashMap<>();
        JobStats stats = new JobStats();
        try (FsRoot s = new FsRoot("src", src, false); FsRoot t = new FsRoot("tgt", tgt, true)) {
            PassContext ctx = new PassContext(s, t, options, stats, SkipFilter.NONE, true, ChangeList.NONE,
                    new Removals(null), Interrupt.NEVER, new DryRunLedger(), Placement.POSIX, excludes,
                    Throttle.none());
            PassStrategy p = pass.apply(ctx);
            ExcludeFilter.Scope scope = excludes.in(Names.ROOT);
            try (DirPair dir = new DirPair(Names.ROOT, s.open(Names.ROOT), t.open(Names.ROOT))) {
                for (Pair pair : Walker.merge(dir.src().list(), dir.tgt().list())) {
                    long skipped = stats.filesSkipped.sum();
                    int listed = stats.failures().size();
                    String[] decision = {"nothing"};
                    Plan plan = new Plan() {
                        @Override
                        public void work(WorkItem item) {
                            decision[0] = item.op().name();
                        }

                        @Override
                        public void descend(Path name, FileMeta srcMeta, FileMeta tgtMeta) {
                            decision[0] = "descend";
                        }
                    };
                    if (scope != null && scope.excludes(pair)) {
                        p.excluded(dir, pair, plan);
                    } else {
                        p.plan(dir, pair, plan);
                    }
                    List<Failure> failures = stats.failures();
                    if (failures.size() > listed) {
                        String reasons = String.join("; ", failures.stream()
                                .filter(f -> f.path().equals("/" + pair.name())).map(Failure::error).toList());
                        decision[0] = decision[0].equals("nothing") ? reasons : decision[0] + " and " + reasons;
                    } else if (stats.filesSkipped.sum() > skipped) {
                        decision[0] = "skip";
                    }
                    out.put(pair.name().toString(), decision[0]);
                }
            }
        }
        return out;
    }
}
