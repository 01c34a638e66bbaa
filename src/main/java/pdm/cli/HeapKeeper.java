package pdm.cli;

import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps the heap near what the process holds alive. The serial collector (the launcher's: the
 * fewest threads and the least CPU on 2 cores) copies what is alive at a young collection into
 * the old generation once the survivor space is full, and when the old generation fills it
 * grows it rather than collect it, up to -Xmx, a quarter of the RAM. A pass always has entries
 * in flight (a listing, the tasks queued for the file workers: up to 48,000 entries with the
 * defaults), so each young collection moves a few MB there that die soon after: 220 MB of dead
 * entries over 10^6 empty files with a 24 MB young generation, and over 10^8 files the old
 * generation would reach a quarter of the node's RAM. So once the old generation holds twice
 * what the last full collection left in it (and at least 64 MB more), this asks for a full
 * collection: with so little alive it takes a few tens of milliseconds.
 *
 * <p>Only for the serial collector: another one, chosen through PDM_JAVA_OPTS, collects its
 * old generation on its own.
 */
final class HeapKeeper {
    private static final Logger LOG = LoggerFactory.getLogger(HeapKeeper.class);
    /** Growth of the old generation that is never a reason to collect. */
    static final long MIN_SLACK = 64L << 20;
    /** The serial collector's old generation, as java.lang.management names it. */
    private static final String SERIAL_OLD = "Tenured Gen";

    private final LongSupplier oldUsed;
    private final LongSupplier liveAfterCollection;
    private final Runnable collect;
    private long limit = MIN_SLACK;

    /**
     * @param oldUsed             bytes in the old generation now
     * @param liveAfterCollection bytes its last full collection left in it
     * @param collect             a full collection
     */
    HeapKeeper(LongSupplier oldUsed, LongSupplier liveAfterCollection, Runnable collect) {
        this.oldUsed = oldUsed;
        this.liveAfterCollection = liveAfterCollection;
        this.collect = collect;
    }

    /** Starts keeping this JVM's heap on a daemon thread, looking once a second. */
    static void start() {
        Thread.ofPlatform().daemon().name("pdm-heap").start(() -> {
            try {
                Thread.sleep(1_000); // (a short command is over by then and never loads java.lang.management)
                MemoryPoolMXBean old = ManagementFactory.getMemoryPoolMXBeans().stream()
                        .filter(p -> p.getType() == MemoryType.HEAP && p.getName().equals(SERIAL_OLD))
                        .findFirst().orElse(null);
                if (old == null) {
                    return;
                }
                HeapKeeper keeper = new HeapKeeper(() -> old.getUsage().getUsed(),
                        () -> old.getCollectionUsage().getUsed(), System::gc);
                while (true) {
                    keeper.check();
                    Thread.sleep(1_000);
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            } catch (RuntimeException e) {
                // (a JVM without the management beans: the heap goes unkept, and no trace on stderr)
                LOG.debug("heap: not kept ({})", e.toString());
            }
        });
    }

    /** Collects when the old generation has outgrown its limit; whether it did. */
    boolean check() {
        long used = oldUsed.getAsLong();
        if (used <= limit) {
            return false;
        }
        collect.run();
        long live = liveAfterCollection.getAsLong();
        limit = live + Math.max(MIN_SLACK, live);
        LOG.debug("heap: a full collection at {} MB in the old generation left {} MB alive; the next at {} MB",
                used >> 20, live >> 20, limit >> 20);
        return true;
    }
}
