package pdm.cluster;

import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Connection;
import com.rabbitmq.client.GetResponse;
import com.rabbitmq.client.MessageProperties;
import com.rabbitmq.client.ShutdownSignalException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.TimeoutException;
import java.util.function.Supplier;
import pdm.engine.RemovalBudget;

/**
 * --max-delete for a distributed job: the whole job's budget lives in its own queue
 * {@code pdm.budget.JOB}, as leases of up to {@link #leaseSize} removals each, put there by
 * the client before the job is recorded. A worker process takes one lease at a time (acked at
 * once) and spends it entry by entry, so the job never removes more than its cap, whatever
 * crashes: a lease of a killed worker is lost, never given out twice. The price is that the
 * job may stop short of the cap by up to one partly spent lease per worker process.
 */
public final class RemovalBudgets {
    private static final String PREFIX = "pdm.budget.";
    private static final int REMEMBERED_JOBS = 64;

    private final Supplier<Connection> connection;
    private final Map<String, Budget> jobs = new LinkedHashMap<>(16, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<String, Budget> eldest) {
            return size() > REMEMBERED_JOBS;
        }
    };
    private Channel channel;

    /** @param connection the worker's current connection (a new one after each reconnect) */
    public RemovalBudgets(Supplier<Connection> connection) {
        this.connection = connection;
    }

    public static String queue(String jobId) {
        return PREFIX + jobId;
    }

    /** Removals per lease: about a thousandth of the cap, 1 to 10,000 (at most ~1000 messages up to 10^7). */
    static long leaseSize(long max) {
        return Math.max(1, Math.min(10_000, max / 1000));
    }

    /** The client's part, before the job is recorded: a durable queue holding the whole budget, confirmed. */
    public static void create(Channel ch, String jobId, long max) throws IOException, InterruptedException,
            TimeoutException {
        ch.queueDeclare(queue(jobId), true, false, false, null);
        ch.confirmSelect();
        long lease = leaseSize(max);
        for (long left = max; left > 0; left -= lease) {
            byte[] body = Long.toString(Math.min(lease, left)).getBytes(StandardCharsets.US_ASCII);
            ch.basicPublish("", queue(jobId), MessageProperties.PERSISTENT_BASIC, body);
        }
        ch.waitForConfirmsOrDie(60_000);
    }

    /** The tracker's part, once the job is over. */
    public static void delete(Channel ch, String jobId) throws IOException {
        ch.queueDelete(queue(jobId));
    }

    /** This process's budget of the job. */
    public synchronized RemovalBudget of(String jobId) {
        return jobs.computeIfAbsent(jobId, Budget::new);
    }

    private synchronized GetResponse takeLease(String jobId) throws IOException {
        try {
            if (channel == null || !channel.isOpen()) {
                channel = connection.get().createChannel();
            }
            return channel.basicGet(queue(jobId), true);
        } catch (ShutdownSignalException | IllegalStateException e) {
            throw new IOException("cannot take from the --max-delete budget " + queue(jobId) + ": "
                    + Rabbit.reason(e), e);
        } catch (IOException e) {
            if (e.getCause() instanceof ShutdownSignalException s && s.getMessage().contains("NOT_FOUND")) {
                return null; // the job is over and its budget deleted: nothing more to remove
            }
            throw new IOException("cannot take from the --max-delete budget " + queue(jobId) + ": "
                    + Rabbit.reason(e), e);
        }
    }

    /** One job's removals in this process: the lease in hand, then the next one from the queue. */
    private final class Budget implements RemovalBudget {
        private final String jobId;
        private long inHand;
        private boolean spent;

        Budget(String jobId) {
            this.jobId = jobId;
        }

        @Override
        public synchronized boolean take() throws IOException {
            if (inHand == 0 && !spent) {
                GetResponse lease = takeLease(jobId);
                if (lease == null) {
                    spent = true; // leases only ever leave the queue
                } else {
                    inHand = Long.parseLong(new String(lease.getBody(), StandardCharsets.US_ASCII).strip());
                }
            }
            if (inHand == 0) {
                return false;
            }
            inHand--;
            return true;
        }
    }
}
