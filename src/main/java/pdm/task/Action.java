package pdm.task;

import java.util.Locale;

/** The passes a job can run. {@code sync} is not one: it is COPY, DELETE, DIRTIMES in order. */
public enum Action {
    COPY, DELETE, DIRTIMES, VERIFY;

    public String cliName() {
        return name().toLowerCase(Locale.ROOT);
    }
}
