package pdm.task;

/** Work that travels: a directory to walk or a batch of entries of one directory. */
public sealed interface Task permits DirTask, FileTask {
}
