package pdm.cli;

import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.List;
import pdm.PdmException;
import pdm.config.DataSource;
import pdm.config.PdmConfig;
import pdm.engine.Preflight;
import pdm.fs.Names;
import pdm.task.Pass;
import pdm.task.JobOptions;

/**
 * What a pass command asks for, parsed and checked once for both modes: embedded mode runs it,
 * distributed mode submits it. SRC and TGT are read as cp and rsync read them: an argument with
 * a '/' in it, or '.' or '..', is a directory (a relative one resolved against the working
 * directory); a bare word is a filesystem name from config.toml.
 *
 * @param command the command as typed (copy, sync…)
 * @param passes  the passes it runs, in order
 * @param src     the source: a configured filesystem, or an ad-hoc directory
 * @param tgt     the target, likewise
 * @param adHoc   SRC and TGT are directories, not names (embedded mode only: workers know names)
 * @param path    the job PATH below both roots ("/" when an ad-hoc form leaves it out)
 * @param options the job's options
 */
record JobRequest(String command, List<Pass> passes, DataSource src, DataSource tgt, boolean adHoc, Path path,
                  JobOptions options) {

    JobRequest {
        passes = List.copyOf(passes);
    }

    /** Whether an argument is a directory rather than a filesystem name. */
    static boolean isPath(String arg) {
        return arg.contains("/") || arg.equals(".") || arg.equals("..");
    }

    /**
     * Parses a pass command's arguments.
     *
     * @param pathArg the PATH argument, or null when not given
     * @param cwd     the working directory, against which relative directories are resolved
     */
    static JobRequest parse(String command, List<Pass> passes, String srcArg, String tgtArg, String pathArg,
                            JobOptions options, PdmConfig config, Path cwd) {
        boolean srcDir = isPath(srcArg);
        boolean tgtDir = isPath(tgtArg);
        if (srcDir != tgtDir) {
            String name = srcDir ? tgtArg : srcArg;
            DataSource named = datasource(config, name, cwd); // (a directory of that name gets its hint first)
            throw new PdmException("give SRC and TGT both as filesystem names from config.toml or both as "
                    + "directories, not '" + srcArg + "' and '" + tgtArg + "' ('" + named.name()
                    + "' is a name; a directory is written with a '/': ./src, /data/a)");
        }
        DataSource src;
        DataSource tgt;
        if (srcDir) {
            src = DataSource.adHoc(directory(srcArg, "SRC", cwd), false);
            tgt = DataSource.adHoc(directory(tgtArg, "TGT", cwd), true);
            if (Files.isRegularFile(src.path()) && !options.singleFile()) {
                Path parent = src.path().getParent();
                throw new PdmException("source " + src.path() + " is a file: use --file, with its directory and "
                        + "its name below it: pdm " + command + " --file " + parent + " " + tgtArg + " /"
                        + src.path().getFileName());
            }
        } else {
            if (pathArg == null) {
                throw new PdmException("PATH is missing: with filesystem names give the path below both roots, "
                        + "e.g. pdm " + command + " " + srcArg + " " + tgtArg + " /user_xyz (or / for everything)");
            }
            src = datasource(config, srcArg, cwd);
            tgt = datasource(config, tgtArg, cwd);
            if (src.name().equals(tgt.name())) {
                throw new PdmException("SRC and TGT are the same filesystem '" + src.name() + "'; pdm copies "
                        + "between two filesystems");
            }
        }
        if (options.singleFile() && pathArg == null) {
            throw new PdmException("--file needs PATH, the file below both roots (e.g. pdm " + command + " --file "
                    + srcArg + " " + tgtArg + " /user_xyz/data.bin); none was given");
        }
        Path path = Names.jobPath(pathArg == null ? "/" : pathArg);
        if (options.singleFile() && Names.isRoot(path)) {
            throw new PdmException("--file needs PATH to name a file below the roots, not the root '/'");
        }
        if (!options.singleFile() && !Names.isRoot(path)
                && Files.isRegularFile(src.path().resolve(path), LinkOption.NOFOLLOW_LINKS)) {
            // (only a hint, where this node sees the source: a worker that cannot walk PATH refuses it anyway)
            throw new PdmException("source path " + Names.display(path) + " on '" + src.name() + "' is a file: use "
                    + "--file to copy one file (pdm " + command + " --file " + srcArg + " " + tgtArg + " "
                    + Names.display(path) + "); nothing was changed");
        }
        if (Preflight.changesTarget(passes, options)) {
            // early, so that a distributed job is refused before it is submitted; Preflight checks it again
            Preflight.requireWritable(tgt.name(), tgt.write());
        }
        return new JobRequest(command, passes, src, tgt, srcDir, path, options);
    }

    /** A configured filesystem; a bare word that names none but a directory here gets the hint to write ./NAME. */
    private static DataSource datasource(PdmConfig config, String name, Path cwd) {
        if (!config.datasources().containsKey(name) && Files.isDirectory(cwd.resolve(name))) {
            throw new PdmException("no filesystem '" + name + "' in the config; for the directory, write ./" + name);
        }
        return config.datasource(name);
    }

    /** A directory argument as an absolute path: relative to {@code cwd}, '.' and '..' taken out. */
    static Path directory(String arg, String which, Path cwd) {
        if (arg.contains("\0")) {
            throw new PdmException(which + " '" + arg + "' contains a NUL byte");
        }
        return cwd.resolve(arg).normalize();
    }
}
