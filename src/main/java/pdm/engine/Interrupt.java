package pdm.engine;

import java.util.function.BooleanSupplier;

/**
 * A request to stop a pass early (SIGINT, SIGTERM): no new entry is started, the ones in
 * flight finish or are undone, and the summary says the pass is incomplete.
 */
public final class Interrupt implements BooleanSupplier {
    /** Never requested: for a distributed task, whose worker has its own graceful stop. */
    public static final Interrupt NEVER = new Interrupt();

    private volatile boolean requested;
    private final BooleanSupplier asked;

    public Interrupt() {
        this(() -> false);
    }

    private Interrupt(BooleanSupplier asked) {
        this.asked = asked;
    }

    /**
     * Requested as soon as {@code asked} says so (a distributed task of a job {@code pdm cancel}
     * ended): asked between two entries and between two chunks of a file, so it must be cheap.
     */
    public static Interrupt when(BooleanSupplier asked) {
        return new Interrupt(asked);
    }

    public void request() {
        if (this != NEVER) {
            requested = true;
        }
    }

    public boolean requested() {
        return requested || asked.getAsBoolean();
    }

    /**
     * {@link #requested()}, for what asks a {@link BooleanSupplier} (a copy's chunks): passing
     * this object, not {@code interrupt::requested}, makes no object per file; under C1 each
     * capturing lambda or bound method reference made is a call into the VM (bench/README, "ninth").
     */
    @Override
    public boolean getAsBoolean() {
        return requested();
    }
}
