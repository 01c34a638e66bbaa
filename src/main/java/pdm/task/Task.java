package pdm.task;

/** Work that travels: a directory to walk, a batch of entries of one directory, or a directory to finish. */
public sealed interface Task permits DirTask, FileTask, DirMetaTask {
}
