package pdm.task;

/** The passes a job can run. {@code sync} is not one: it is COPY, DELETE, DIRTIMES in order. */
public enum Action {
    COPY, DELETE, DIRTIMES, VERIFY;

    public String cliName() {
        return name().toLowerCase(java.util.Locale.ROOT);
    }
}
