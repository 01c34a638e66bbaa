package pdm.cluster;

import com.rabbitmq.client.AMQP;
import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Connection;
import com.rabbitmq.client.MessageProperties;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import pdm.engine.ChangeScopes;
import pdm.journal.Changes;
import pdm.journal.JournalFile;
import pdm.journal.JournalOutlet;

/**
 * The change journal in distributed mode (docs/change-journal.md, "Distributed mode"): the
 * stream {@code pdm.journal.SRC}, which {@code pdm watch} fills with its journal's lines (publisher
 * confirms), and the queue {@code pdm.journal.SRC.marks}, where a pass's root task asks it for a
 * mark. The root task's decision (SCOPE) and the tracker's word that a pass completed
 * (COMPLETE) go to the same stream, so a pass on any node reads all it needs from it.
 */
public final class JournalStream {
    private static final Logger log = LoggerFactory.getLogger(JournalStream.class);
    /** Kept by size: a pass whose marks the retention dropped walks everything (the records must be unbroken). */
    static final long MAX_BYTES = 2_000_000_000L;
    /** How long a root task waits for the watcher's mark. */
    static final long MARK_WAIT_MS = 60_000;
    /** How long a read of the stream may take to reach its own sentinel. */
    static final long READ_WAIT_MS = 120_000;
    private static final String READ = "READ";

    private JournalStream() {
    }

    public static String stream(String src) {
        return "pdm.journal." + src;
    }

    public static String marks(String src) {
        return "pdm.journal." + src + ".marks";
    }

    private static void declare(Channel ch, String src) throws IOException {
        ch.queueDeclare(stream(src), true, false, false, Map.of("x-queue-type", "stream",
                "x-max-length-bytes", MAX_BYTES, "x-stream-max-segment-size-bytes", 50_000_000));
        // (not durable: a request outlives neither the watcher nor its minute)
        ch.queueDeclare(marks(src), false, false, false, Map.of("x-message-ttl", (int) MARK_WAIT_MS));
    }

    /** The watcher's side: its lines to the stream, mark requests from the queue. */
    public static JournalOutlet outlet(BrokerUri uri, String src) throws IOException {
        Connection c;
        try {
            c = Rabbit.connect(uri, "pdm watch " + src, null);
        } catch (TimeoutException e) {
            throw new IOException("no answer from RabbitMQ at " + uri + ": " + e.getMessage(), e);
        }
        try {
            Channel pub = c.createChannel();
            declare(pub, src);
            pub.confirmSelect();
            Channel in = c.createChannel();
            ConcurrentLinkedQueue<JournalOutlet.MarkRequest> asked = new ConcurrentLinkedQueue<>();
            in.basicConsume(marks(src), true, (tag, d) -> {
                String id = new String(d.getBody(), StandardCharsets.UTF_8);
                String replyTo = d.getProperties().getReplyTo();
                String corr = d.getProperties().getCorrelationId();
                asked.add(new JournalOutlet.MarkRequest() {
                    @Override
                    public String requestId() {
                        return id;
                    }

                    @Override
                    public void answer(String session, long seq) throws IOException {
                        AMQP.BasicProperties p = new AMQP.BasicProperties.Builder().correlationId(corr).build();
                        synchronized (pub) {
                            pub.basicPublish("", replyTo, p, (session + " " + seq).getBytes(StandardCharsets.US_ASCII));
                        }
                    }
                });
            }, tag -> { });
            return new JournalOutlet() {
                @Override
                public void publish(List<String> lines) throws IOException {
                    synchronized (pub) {
                        for (String l : lines) {
                            pub.basicPublish("", stream(src), MessageProperties.PERSISTENT_BASIC,
                                    l.getBytes(StandardCharsets.US_ASCII));
                        }
                        try {
                            pub.waitForConfirmsOrDie(30_000);
                        } catch (InterruptedException e) {
                            Thread.currentThread().interrupt();
                            throw new IOException("interrupted while the journal stream confirmed", e);
                        } catch (TimeoutException e) {
                            throw new IOException("the broker did not confirm the journal's records in 30 s", e);
                        }
                    }
                }

                @Override
                public MarkRequest poll() {
                    return asked.poll();
                }

                @Override
                public void close() {
                    try {
                        c.close(5000);
                    } catch (IOException | RuntimeException e) {
                        // gone already
                    }
                }
            };
        } catch (IOException | RuntimeException e) {
            c.abort(2000);
            throw e;
        }
    }

    /**
     * Every record of SRC's stream, read from its first offset up to a sentinel this reader
     * publishes first (so it knows it has read everything that was there); empty when the
     * stream does not exist (no watcher with a broker ever ran for SRC).
     */
    static List<JournalFile.Record> read(Connection c, String src) throws IOException {
        Channel probe = c.createChannel();
        try {
            probe.queueDeclarePassive(stream(src));
        } catch (IOException e) {
            return List.of(); // (404: the probe channel is closed by the broker)
        } finally {
            Rabbit.closeQuietly(probe);
        }
        String sentinel = UUID.randomUUID().toString();
        publish(c, src, List.of(new JournalFile.Record(0, READ, "-", List.of(sentinel))));
        Channel ch = c.createChannel();
        try {
            ch.basicQos(500);
            List<JournalFile.Record> out = new ArrayList<>();
            CountDownLatch end = new CountDownLatch(1);
            ch.basicConsume(stream(src), false, Map.of("x-stream-offset", "first"), (tag, d) -> {
                JournalFile.Record r = JournalFile.parse(new String(d.getBody(), StandardCharsets.US_ASCII).trim());
                if (end.getCount() == 0) {
                    return;
                }
                if (r != null && r.type().equals(READ) && r.fields().equals(List.of(sentinel))) {
                    end.countDown();
                } else if (r != null && !r.type().equals(READ)) {
                    synchronized (out) {
                        out.add(r);
                    }
                }
                ch.basicAck(d.getEnvelope().getDeliveryTag(), false);
            }, tag -> end.countDown());
            if (!end.await(READ_WAIT_MS, TimeUnit.MILLISECONDS)) {
                throw new IOException("the journal stream " + stream(src) + " was not read to its end in "
                        + READ_WAIT_MS / 1000 + " s");
            }
            synchronized (out) {
                return List.copyOf(out);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while reading " + stream(src), e);
        } finally {
            Rabbit.closeQuietly(ch);
        }
    }

    /** Appends records to SRC's stream, confirmed; none when the stream does not exist. */
    static void publish(Connection c, String src, List<JournalFile.Record> records) throws IOException {
        Channel ch = c.createChannel();
        try {
            ch.confirmSelect();
            for (JournalFile.Record r : records) {
                ch.basicPublish("", stream(src), MessageProperties.PERSISTENT_BASIC,
                        JournalFile.line(r).trim().getBytes(StandardCharsets.US_ASCII));
            }
            ch.waitForConfirmsOrDie(30_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while publishing to " + stream(src), e);
        } catch (TimeoutException e) {
            throw new IOException("the broker did not confirm a record of " + stream(src) + " in 30 s", e);
        } finally {
            Rabbit.closeQuietly(ch);
        }
    }

    /**
     * The tracker's word that every pass of a --changes job completed (nothing failed, not
     * cancelled, not a dry run): the next pass of each one's key reads from its mark.
     */
    static void completed(Connection c, String src, String job, List<String> passes) throws IOException {
        List<JournalFile.Record> done = new ArrayList<>();
        for (String p : passes) {
            done.add(Changes.complete(job + "/" + p));
        }
        publish(c, src, done);
    }

    /** The decisions of a job's passes, in order (null where none was recorded), for its summary. */
    public static List<Changes.Decision> decisions(BrokerUri uri, String src, String job, List<String> passes)
            throws IOException {
        Connection c;
        try {
            c = Rabbit.connect(uri, "pdm client", null);
        } catch (TimeoutException e) {
            throw new IOException("no answer from RabbitMQ at " + uri + ": " + e.getMessage(), e);
        }
        try {
            List<JournalFile.Record> records = read(c, src);
            List<Changes.Decision> out = new ArrayList<>();
            for (String p : passes) {
                out.add(Changes.decided(records, job + "/" + p));
            }
            return out;
        } finally {
            try {
                c.close(5000);
            } catch (IOException | RuntimeException e) {
                // gone already
            }
        }
    }

    /** Asks SRC's watcher for a mark for {@code requestId}: its "SESSION SEQ", or null when none answered in time. */
    static String askMark(Connection c, String src, String requestId) throws IOException {
        Channel ch = c.createChannel();
        try {
            BlockingQueue<String> answer = new ArrayBlockingQueue<>(1);
            String corr = UUID.randomUUID().toString();
            ch.basicConsume("amq.rabbitmq.reply-to", true, (tag, d) -> {
                if (corr.equals(d.getProperties().getCorrelationId())) {
                    answer.offer(new String(d.getBody(), StandardCharsets.US_ASCII));
                }
            }, tag -> { });
            AMQP.BasicProperties p = new AMQP.BasicProperties.Builder().replyTo("amq.rabbitmq.reply-to")
                    .correlationId(corr).build();
            ch.basicPublish("", marks(src), p, requestId.getBytes(StandardCharsets.UTF_8));
            return answer.poll(MARK_WAIT_MS, TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while waiting for the watcher's mark", e);
        } finally {
            Rabbit.closeQuietly(ch);
        }
    }

    /** The workers' view: {@link ChangeScopes} over the stream, each pass's decision read once per process. */
    static final class Scopes implements ChangeScopes {
        private final BrokerUri uri;
        /** A connection of its own: its reads wait on deliveries, which the worker's busy consumer threads could starve. */
        private Connection conn;
        private final Map<String, Decided> known = new LinkedHashMap<>(16, 0.75f, true) {
            @Override
            protected boolean removeEldestEntry(Map.Entry<String, Decided> eldest) {
                return size() > 64;
            }
        };

        Scopes(BrokerUri uri) {
            this.uri = uri;
        }

        private Connection connection() throws IOException {
            if (conn == null || !conn.isOpen()) {
                try {
                    conn = Rabbit.connect(uri, "pdm worker (change journal)", null);
                } catch (TimeoutException e) {
                    throw new IOException("no answer from RabbitMQ at " + uri + ": " + e.getMessage(), e);
                }
            }
            return conn;
        }

        @Override
        public synchronized Decided decide(String requestId, String src, String key, Path srcRoot, Path path,
                                           String noJournal, Function<Changes, String> check) throws IOException {
            Connection c = connection();
            List<JournalFile.Record> records = read(c, src);
            Changes.Decision d = Changes.decided(records, requestId);
            if (d == null) {
                d = decideNow(c, records, requestId, src, key, srcRoot, path, noJournal, check);
                publish(c, src, List.of(d.record()));
                records = read(c, src);
                d = Changes.decided(records, requestId); // (the first on record, should two root tasks have raced)
                if (d == null) {
                    throw new IOException("the decision just published is not on " + stream(src));
                }
            }
            Decided out = decidedOf(records, d, srcRoot, path);
            known.put(requestId, out);
            return out;
        }

        private static Changes.Decision decideNow(Connection c, List<JournalFile.Record> records, String requestId,
                                                  String src, String key, Path srcRoot, Path path, String noJournal,
                                                  Function<Changes, String> check) throws IOException {
            if (noJournal != null) {
                return new Changes.Decision(requestId, key, Changes.Decision.FULL, "-", 0, 0, noJournal);
            }
            if (records.isEmpty()) {
                return new Changes.Decision(requestId, key, Changes.Decision.FULL, "-", 0, 0, "no pdm watch of '"
                        + src + "' with a broker configured has written the journal stream " + stream(src)
                        + " (start it, and keep it running between passes)");
            }
            String mark = askMark(c, src, requestId);
            if (mark == null) {
                return new Changes.Decision(requestId, key, Changes.Decision.FULL, "-", 0, 0, "no pdm watch of '"
                        + src + "' answered a mark request in " + MARK_WAIT_MS / 1000 + " s, so the journal cannot "
                        + "vouch for the time since the last pass");
            }
            String[] m = mark.trim().split(" ");
            String session = m[0];
            long seq = Long.parseLong(m[1]);
            List<JournalFile.Record> now = read(c, src);
            Changes ch = Changes.between(now, requestId, session, seq, srcRoot, path, key);
            if (!ch.vouched()) {
                return new Changes.Decision(requestId, key, Changes.Decision.FULL, session, seq, 0, ch.reason());
            }
            String why = check.apply(ch);
            return new Changes.Decision(requestId, key, why == null ? Changes.Decision.CHANGES
                    : Changes.Decision.EVERYTHING, session, seq, Changes.fromSeq(now, requestId, session, seq, key),
                    why == null ? "" : why);
        }

        @Override
        public synchronized Decided decided(String requestId, String src, Path srcRoot, Path path) throws IOException {
            Decided d = known.get(requestId);
            if (d != null) {
                return d;
            }
            List<JournalFile.Record> records = read(connection(), src);
            Changes.Decision found = Changes.decided(records, requestId);
            if (found == null) {
                return null;
            }
            d = decidedOf(records, found, srcRoot, path);
            known.put(requestId, d);
            return d;
        }

        private static Decided decidedOf(List<JournalFile.Record> records, Changes.Decision d, Path srcRoot,
                                         Path path) throws IOException {
            if (d.mode().equals(Changes.Decision.FULL)) {
                return new Decided(d, null);
            }
            Changes c = Changes.of(records, d, srcRoot, path);
            if (!c.vouched()) {
                log.warn("the --changes pass {} cannot walk by the journal on this worker ({}): it walks everything "
                        + "below the directories it is given", d.requestId(), c.reason());
                return new Decided(new Changes.Decision(d.requestId(), d.key(), Changes.Decision.FULL, d.session(),
                        d.toSeq(), 0, c.reason()), null);
            }
            return new Decided(d, c);
        }
    }
}
