package pdm.job;

import java.time.Instant;

/** Where a reader starts in the job event log: its first event, an offset, or a time. */
public sealed interface LogPosition {
    /** The log's first event. */
    LogPosition FIRST = new First();

    static LogPosition at(long offset) {
        return new At(offset);
    }

    static LogPosition since(Instant time) {
        return new Since(time);
    }

    /** The log's first event. */
    record First() implements LogPosition {
        @Override
        public String toString() {
            return "its start";
        }
    }

    /** The event at this offset of the stream. */
    record At(long offset) implements LogPosition {
        @Override
        public String toString() {
            return "offset " + offset;
        }
    }

    /** The events from the stream chunk written at or just before this time (the stream's own timestamp offset). */
    record Since(Instant time) implements LogPosition {
        @Override
        public String toString() {
            return time.toString();
        }
    }
}
