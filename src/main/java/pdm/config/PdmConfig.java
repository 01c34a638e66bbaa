package pdm.config;

import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;
import java.util.TreeSet;

/**
 * Everything config.toml says, with defaults filled in.
 *
 * @param source    where it was read from, or empty when pdm runs on defaults
 * @param maxDelete the default of --max-delete: at most this many entries removed by a command
 * @param bwlimit   bytes per second one process (an embedded pass, a worker) copies at most; 0 = no limit
 * @param maxFilesPerSecond entries per second one process's file workers take on at most; 0 = no limit
 * @param queueShards how many dir and file queues each pair has ({@code [rabbitmq] queue_shards}); 1 = the
 *                    unsharded names {@code dir.SRC.TGT} and {@code file.SRC.TGT}
 * @param split     split_size and chunk_size: the defaults of --split-size and --chunk-size
 */
public record PdmConfig(Optional<Path> source, int dirWorkers, int fileWorkers, int filePrefetch, int dirPrefetch,
                        int monitorInterval, int monitorMountSec, boolean debug, Optional<String> elasticUrl,
                        int filesPerTask, Optional<Long> maxDelete, Optional<String> rabbitmqConnectString,
                        Map<String, DataSource> datasources, long bwlimit, long maxFilesPerSecond,
                        int queueShards, Split split) {

    public static final int DEFAULT_DIR_WORKERS = 4;
    public static final int DEFAULT_FILE_WORKERS = 16;
    /**
     * Most dir or file workers a process may run, from the command line or the config alike: each
     * is a thread, and far more would exhaust a node's threads (a crash) before they help.
     */
    public static final int MAX_WORKERS = 10_000;
    /** Most shards a pair's queues may have: each worker channel consumes every shard of its queue. */
    public static final int MAX_QUEUE_SHARDS = 64;

    public static PdmConfig defaults() {
        return new PdmConfig(Optional.empty(), DEFAULT_DIR_WORKERS, DEFAULT_FILE_WORKERS, 32, 8, 10, 10, false,
                Optional.empty(), 1000, Optional.empty(), Optional.empty(), Map.of(), 0, 0, 1, Split.DEFAULT);
    }

    public PdmConfig {
        datasources = Map.copyOf(datasources);
    }

    /** The named filesystem, or an error that lists the ones the config has. */
    public DataSource datasource(String name) {
        DataSource ds = datasources.get(name);
        if (ds == null) {
            throw new ConfigException("no filesystem named '" + name + "' in "
                    + source.map(Path::toString).orElse("the config (no config.toml found)")
                    + (datasources.isEmpty() ? "" : "; configured: " + String.join(", ", new TreeSet<>(datasources.keySet())))
                    + "; add a [datasource." + name + "] table, or give two directories (with a '/': ./src, /data/a)");
        }
        return ds;
    }
}
