package pdm.cli;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.atomic.AtomicBoolean;
import pdm.PdmException;
import pdm.fs.Names;
import pdm.config.DataSource;
import pdm.config.LustreOptions;
import pdm.cluster.JournalStream;
import pdm.journal.JournalOutlet;
import pdm.journal.LustreChangelog;
import pdm.journal.Watcher;
import pdm.lustre.Lfs;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Parameters;

@Command(name = "watch", mixinStandardHelpOptions = true,
        description = {"Record which directories below SRC's PATH change, into the change journal under pdm's state dir "
                + "($PDM_STATE_DIR, else ~/.pdm/state), so that passes with --changes walk only those. Runs until "
                + "SIGTERM, SIGHUP or SIGINT, then records its stop and exits 0. Needs root and a local filesystem "
                + "(fanotify); refuses NFS, Lustre, GPFS, CephFS, BeeGFS and other network filesystems, but for a Lustre "
                + "source with changelog_user set in its [datasource], whose MDT changelogs it reads (lfs changelog). "
                + "With a broker configured (--rabbitmq, PDM_RABBITMQ, [rabbitmq]) and SRC a filesystem name, the journal also "
                + "goes to the RabbitMQ stream pdm.journal.SRC, for distributed passes on any node. "
                + "See docs/change-journal.md."})
final class WatchCommand implements java.util.concurrent.Callable<Integer> {
    @Parameters(index = "0", paramLabel = "SRC", description = "Source filesystem name from config.toml, or a directory: an argument with a '/' (/data/a, ./src).")
    String src;

    @Parameters(index = "1", arity = "0..1", paramLabel = "PATH", description = "Path below SRC to watch; '/' (the default) for all.")
    String path;

    @Mixin
    ConfigOption config;

    @Mixin
    LogFormatOption logFormat;

    @Mixin
    BrokerOption broker;

    @Override
    public Integer call() throws Exception {
        Path root;
        LustreOptions lustre = null;
        java.util.Optional<pdm.cluster.BrokerUri> uri = java.util.Optional.empty();
        if (JobRequest.isPath(src)) { // (as the pass commands read SRC: a directory has a '/', ./src too)
            root = JobRequest.directory(src, "SRC", Path.of("").toAbsolutePath());
            Logging.info();
            if (broker.explicit().isPresent()) {
                throw new PdmException("--rabbitmq: a distributed journal is named by its filesystem; give SRC as a "
                        + "filesystem name from config.toml, not the directory " + src);
            }
        } else {
            var cfg = config.load();
            Logging.forService(cfg);
            DataSource ds = cfg.datasource(src);
            root = ds.path();
            lustre = ds.lustre();
            uri = broker.resolve(cfg);
        }
        Path dir = root.resolve(Names.jobPath(path == null ? "/" : path));
        if (!Files.isDirectory(dir)) {
            throw new PdmException(dir + " is not a directory: pdm watch needs SRC (and PATH) to be one");
        }
        AtomicBoolean stop = new AtomicBoolean();
        StopSignals.onStop(() -> stop.set(true));
        Watcher watcher = lustre != null && lustre.changelogUser() != null
                ? Watcher.lustre(dir, new LustreChangelog.Settings(new Lfs(lustre.lfs()), root, lustre.changelogUser()))
                : Watcher.fanotify(dir);
        if (uri.isEmpty()) {
            watcher.run(stop::get);
            return 0;
        }
        // A broker configured: distributed passes on any node read the journal from its stream.
        try (JournalOutlet outlet = JournalStream.outlet(uri.get(), src)) {
            watcher.mirrorTo(outlet, Names.jobPath(path == null ? "/" : path).toString());
            watcher.run(stop::get);
        }
        return 0;
    }
}
