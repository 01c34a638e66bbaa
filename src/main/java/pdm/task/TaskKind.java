package pdm.task;

/**
 * The kinds of task a done event names, with their names in the event log ({@code "kind"} in
 * docs/message-format.md): the wire names never change.
 */
public enum TaskKind {
    /** A directory to list and plan ({@link DirTask}). */
    DIR("dir"),
    /** A batch of one directory's entries ({@link FileTask}). */
    FILES("files"),
    /** A directory whose subtree is done: set its metadata ({@link DirMetaTask}). */
    DIRMETA("dirmeta"),
    /** A range of a big file, copied by any worker ({@link RangeTask}). */
    RANGE("range"),
    /** A big file whose ranges are all done: placed, or its temp file removed ({@link FinishTask}). */
    FINISH("finish"),
    /** A message no worker could act on, sent to the dead-letter queue instead of being run. */
    DEAD("dead");

    private final String wire;

    TaskKind(String wire) {
        this.wire = wire;
    }

    /** The name in the event log. */
    public String wire() {
        return wire;
    }

    /** The kind named {@code wire} in the event log, or null for a name this pdm does not know (a newer writer). */
    public static TaskKind fromWire(String wire) {
        for (TaskKind k : values()) {
            if (k.wire.equals(wire)) {
                return k;
            }
        }
        return null;
    }

    public static TaskKind of(Task task) {
        if (task instanceof DirTask) {
            return DIR;
        }
        if (task instanceof DirMetaTask) {
            return DIRMETA;
        }
        if (task instanceof RangeTask) {
            return RANGE;
        }
        if (task instanceof FinishTask) {
            return FINISH;
        }
        return FILES;
    }
}
