package pdm.task;

/**
 * Work that travels: a directory to walk, a batch of entries of one directory, a directory to
 * finish, or a range of a big file and the step that places that file.
 */
public sealed interface Task permits DirTask, FileTask, DirMetaTask, RangeTask, FinishTask {
}
