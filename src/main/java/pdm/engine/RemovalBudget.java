package pdm.engine;

import java.io.IOException;
import java.util.concurrent.atomic.AtomicLong;

/**
 * How many more entries a job may remove (--max-delete). Embedded mode counts in memory;
 * distributed mode takes from a budget the whole job shares through the broker.
 */
public interface RemovalBudget {
    /** No cap. */
    RemovalBudget UNLIMITED = () -> true;

    /**
     * Takes one removal from the budget.
     *
     * @return false once the budget is spent (and from then on)
     * @throws IOException when the budget cannot be consulted: the removal must not happen
     */
    boolean take() throws IOException;

    /** A budget of {@code max} removals in this process; {@link #UNLIMITED} for null. */
    static RemovalBudget counting(Long max) {
        if (max == null) {
            return UNLIMITED;
        }
        AtomicLong left = new AtomicLong(max);
        return () -> left.getAndUpdate(n -> n > 0 ? n - 1 : 0) > 0;
    }
}
