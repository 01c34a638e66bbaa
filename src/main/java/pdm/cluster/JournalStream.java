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
 * (COMPLETE) go to the small stream {@code pdm.journal.SRC.passes}, read whole; a decision names
 * the offsets of its interval in the journal stream, so that a pass on any node reads that
 * interval alone: what changed since the last pass, not all the stream holds.
 */
public final class JournalStream {
    private static final Logger log = LoggerFactory.getLogger(JournalStream.class);
    /** Kept by size: a pass whose marks the retention dropped walks everything (the records must be unbroken). */
    static final long MAX_BYTES = 2_000_000_000L;
    /** How long a root task waits for the watcher's mark. */
    static final long MARK_WAIT_MS = 60_000;
    /** How long a read of the stream may take to reach its own sentinel. */
    static final long READ_WAIT_MS = 120_000;
    /** How long a MARK the watcher answered may take to reach a reader following the stream. */
    static final long FOLLOW_WAIT_MS = 5_000;
    /** A read without a sentinel has reached the stream's end once nothing came for this long. */
    static final long IDLE_MS = 5_000;
    /** The passes stream holds a few records per pass: kept by size too, far beyond any site's history. */
    static final long PASSES_MAX_BYTES = 100_000_000L;
    private static final String READ = "READ";
    /** Deliveries a reader may hold unacknowledged (a stream consumer needs a prefetch). */
    private static final int PREFETCH = 2000;

    private JournalStream() {
    }

    public static String stream(String src) {
        return "pdm.journal." + src;
    }

    public static String marks(String src) {
        return "pdm.journal." + src + ".marks";
    }

    /** The decisions (SCOPE) and completions (COMPLETE) of SRC's distributed --changes passes. */
    public static String passes(String src) {
        return "pdm.journal." + src + ".passes";
    }

    private static void declare(Channel ch, String src) throws IOException {
        ch.queueDeclare(stream(src), true, false, false, Map.of("x-queue-type", "stream",
                "x-max-length-bytes", MAX_BYTES, "x-stream-max-segment-size-bytes", 50_000_000));
        declarePasses(ch, src);
        // (not durable: a request outlives neither the watcher nor its minute)
        ch.queueDeclare(marks(src), false, false, false, Map.of("x-message-ttl", (int) MARK_WAIT_MS));
    }

    private static void declarePasses(Channel ch, String src) throws IOException {
        ch.queueDeclare(passes(src), true, false, false, Map.of("x-queue-type", "stream",
                "x-max-length-bytes", PASSES_MAX_BYTES, "x-stream-max-segment-size-bytes", 10_000_000));
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

    /** A record of a stream with its offset there. */
    record At(long offset, JournalFile.Record record) {
    }

    /** Whether the stream {@code name} exists. */
    private static boolean exists(Connection c, String name) throws IOException {
        Channel probe = c.createChannel();
        try {
            probe.queueDeclarePassive(name);
            return true;
        } catch (IOException e) {
            return false; // (404: the probe channel is closed by the broker)
        } finally {
            Rabbit.closeQuietly(probe);
        }
    }

    /**
     * Every record of SRC's passes stream (decisions and completions, a few per pass), read
     * from its first offset up to a sentinel this reader publishes first (so it knows it has read
     * everything that was there); empty when no distributed --changes pass has run on SRC.
     */
    static List<JournalFile.Record> readPasses(Connection c, String src) throws IOException {
        if (!exists(c, passes(src))) {
            return List.of();
        }
        return read(c, passes(src), "first", at -> false).stream().map(At::record).toList();
    }

    /**
     * The first decision SRC's passes stream holds for {@code requestId}, read up to it (no
     * sentinel: readers of a decision known to be published would fill the stream with theirs;
     * should the stream seem to end without it, once more to a sentinel, to be sure); null where
     * it holds none.
     */
    static Changes.Decision decisionOnRecord(Connection c, String src, String requestId) throws IOException {
        if (!exists(c, passes(src))) {
            return null;
        }
        java.util.function.Predicate<At> decision = a -> {
            Changes.Decision d = Changes.Decision.of(a.record());
            return d != null && d.requestId().equals(requestId);
        };
        At at = scan(c, passes(src), "first", decision, a -> { }, false);
        if (at == null) {
            at = scan(c, passes(src), "first", decision, a -> { }, true);
        }
        return at == null ? null : Changes.Decision.of(at.record());
    }

    /**
     * The journal stream's records from offset {@code from} up to and including offset {@code to}
     * (where a decision's interval lies; one the retention dropped is missing, which the interval's
     * count of records shows), or up to its end where it holds no {@code to} (it was deleted and
     * made anew).
     */
    static List<JournalFile.Record> readInterval(Connection c, String src, long from, long to) throws IOException {
        if (from < 0 || to < from || !exists(c, stream(src))) {
            return List.of();
        }
        return read(c, stream(src), from, at -> at.offset() >= to).stream().map(At::record).toList();
    }

    /**
     * The records of {@code streamName} from {@code offset} (an x-stream-offset value) on, up to
     * the first {@code last} accepts, or else to a sentinel this reader publishes first.
     */
    private static List<At> read(Connection c, String streamName, Object offset, java.util.function.Predicate<At> last)
            throws IOException {
        List<At> out = new ArrayList<>();
        scan(c, streamName, offset, last, out::add, true);
        return List.copyOf(out); // (the consumer thread's writes come before scan's return)
    }

    /**
     * {@link #read}, handing each record to {@code each} instead of keeping it; returns the one
     * {@code last} accepted, or null. Without a {@code sentinel} (for a record known to be there,
     * so that readers do not fill a small stream with sentinels) it stops, returning null, once
     * nothing came for {@link #IDLE_MS}.
     */
    private static At scan(Connection c, String streamName, Object offset, java.util.function.Predicate<At> last,
                           java.util.function.Consumer<At> each, boolean withSentinel) throws IOException {
        String sentinel = UUID.randomUUID().toString();
        if (withSentinel) {
            publish(c, streamName, List.of(new JournalFile.Record(0, READ, "-", List.of(sentinel))));
        }
        java.util.concurrent.atomic.AtomicLong lastDelivery = new java.util.concurrent.atomic.AtomicLong();
        Channel ch = c.createChannel();
        try {
            ch.basicQos(PREFETCH);
            At[] found = {null};
            CountDownLatch end = new CountDownLatch(1);
            long[] unacked = {0};
            ch.basicConsume(streamName, false, Map.of("x-stream-offset", offset), (tag, d) -> {
                if (end.getCount() == 0) {
                    return;
                }
                lastDelivery.set(System.nanoTime());
                JournalFile.Record r = JournalFile.parse(new String(d.getBody(), StandardCharsets.US_ASCII).trim());
                At at = new At(offsetOf(d), r);
                boolean done;
                if (r != null && r.type().equals(READ)) {
                    done = r.fields().equals(List.of(sentinel));
                } else {
                    if (r != null) {
                        each.accept(at);
                    }
                    done = r != null && last.test(at);
                    if (done) {
                        found[0] = at;
                    }
                }
                // (acks only give the stream credit: one per hundred deliveries is enough)
                if (++unacked[0] >= 100 || done) {
                    ch.basicAck(d.getEnvelope().getDeliveryTag(), true);
                    unacked[0] = 0;
                }
                if (done) {
                    end.countDown();
                }
            }, tag -> end.countDown());
            lastDelivery.compareAndSet(0, System.nanoTime()); // (idle from consume-ok on, not from the set-up)
            long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(READ_WAIT_MS);
            while (!end.await(200, TimeUnit.MILLISECONDS)) {
                long now = System.nanoTime();
                if (!withSentinel && now - lastDelivery.get() > TimeUnit.MILLISECONDS.toNanos(IDLE_MS)) {
                    return null; // (read to its end: not there)
                }
                if (now - deadline > 0) {
                    throw new IOException("the stream " + streamName + " was not read to its end in "
                            + READ_WAIT_MS / 1000 + " s");
                }
            }
            return found[0]; // (the consumer thread's writes come before its countDown)
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while reading " + streamName, e);
        } finally {
            Rabbit.closeQuietly(ch);
        }
    }

    private static long offsetOf(com.rabbitmq.client.Delivery d) {
        Object o = d.getProperties().getHeaders() == null ? null : d.getProperties().getHeaders().get("x-stream-offset");
        return o instanceof Number n ? n.longValue() : -1;
    }

    /** Appends records to a stream, confirmed. */
    private static void publish(Connection c, String streamName, List<JournalFile.Record> records) throws IOException {
        Channel ch = c.createChannel();
        try {
            ch.confirmSelect();
            for (JournalFile.Record r : records) {
                ch.basicPublish("", streamName, MessageProperties.PERSISTENT_BASIC,
                        JournalFile.line(r).trim().getBytes(StandardCharsets.US_ASCII));
            }
            ch.waitForConfirmsOrDie(30_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while publishing to " + streamName, e);
        } catch (TimeoutException e) {
            throw new IOException("the broker did not confirm a record of " + streamName + " in 30 s", e);
        } finally {
            Rabbit.closeQuietly(ch);
        }
    }

    /** Appends records to SRC's passes stream (made where it is not there yet), confirmed. */
    static void publishPasses(Connection c, String src, List<JournalFile.Record> records) throws IOException {
        Channel ch = c.createChannel();
        try {
            declarePasses(ch, src);
        } finally {
            Rabbit.closeQuietly(ch);
        }
        publish(c, passes(src), records);
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
        publishPasses(c, src, done);
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
            List<JournalFile.Record> records = readPasses(c, src);
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

    /**
     * The watcher's answer to a mark request: its session and number, and the MARK record with
     * its offset in the journal stream (-1 and null where it was not seen there in time).
     */
    record MarkSeen(String session, long seq, long offset, JournalFile.Record record) {
    }

    /**
     * Asks SRC's watcher for a mark for {@code requestId}; null when none answered in time. The
     * journal stream is followed from its next record on while it is asked, so that the MARK
     * is seen with its offset, where the next pass of the key will start reading.
     */
    static MarkSeen askMark(Connection c, String src, String requestId) throws IOException {
        Channel follow = c.createChannel();
        Channel ch = c.createChannel();
        try {
            BlockingQueue<At> marks = new java.util.concurrent.LinkedBlockingQueue<>();
            follow.basicQos(PREFETCH);
            follow.basicConsume(stream(src), false, Map.of("x-stream-offset", "next"), (tag, d) -> {
                JournalFile.Record r = JournalFile.parse(new String(d.getBody(), StandardCharsets.US_ASCII).trim());
                if (r != null && Changes.isMarkFor(r, requestId)) {
                    marks.add(new At(offsetOf(d), r));
                }
                follow.basicAck(d.getEnvelope().getDeliveryTag(), false);
            }, tag -> { });
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
            String said = answer.poll(MARK_WAIT_MS, TimeUnit.MILLISECONDS);
            if (said == null) {
                return null;
            }
            String[] m = said.trim().split(" ");
            String session = m[0];
            long seq = Long.parseLong(m[1]);
            // (the watcher answers once the MARK is confirmed: it is on the stream, and comes soon;
            // unless it was written for an earlier attempt of this request, before the follower
            // started: the caller then looks for it, MarkSeen with no offset)
            long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(FOLLOW_WAIT_MS);
            for (long left; (left = deadline - System.nanoTime()) > 0; ) {
                At at = marks.poll(left, TimeUnit.NANOSECONDS);
                if (at != null && at.record().session().equals(session) && at.record().seq() == seq) {
                    return new MarkSeen(session, seq, at.offset(), at.record());
                }
            }
            return new MarkSeen(session, seq, -1, null);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while waiting for the watcher's mark", e);
        } finally {
            Rabbit.closeQuietly(ch);
            Rabbit.closeQuietly(follow);
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
            List<JournalFile.Record> passes = readPasses(c, src);
            Changes.Decision d = Changes.decided(passes, requestId);
            List<JournalFile.Record> interval = null;
            if (d == null) {
                Made made = decideNow(c, passes, requestId, src, key, srcRoot, path, noJournal, check);
                publishPasses(c, src, List.of(made.decision().record()));
                d = decisionOnRecord(c, src, requestId); // (the first on record, should two root tasks have raced)
                if (d == null) {
                    throw new IOException("the decision just published is not on " + passes(src));
                }
                interval = d.equals(made.decision()) ? made.interval() : null;
            }
            Decided out = decidedOf(c, src, d, interval, srcRoot, path);
            known.put(requestId, out);
            return out;
        }

        /**
         * A MARK the watcher answered that a follower did not see: one written for an earlier
         * attempt of this request (its root task delivered again before it published a decision),
         * found by reading the stream from the last complete pass's mark (it was written after
         * it), or from the first record where there is none; {@code answered} as it was where not found.
         */
        private static MarkSeen markOnStream(Connection c, String src, String requestId, MarkSeen answered,
                                             Changes.Decision from) throws IOException {
            Object start = from == null ? "first" : from.toOffset();
            At at;
            try {
                at = scan(c, stream(src), start, a -> Changes.isMarkFor(a.record(), requestId)
                        && a.record().session().equals(answered.session()) && a.record().seq() == answered.seq(),
                        a -> { }, true);
            } catch (IOException e) {
                // (not read to its end in time: a stream made anew shorter than the offset, or a
                // long one; a pass that walks everything is right, one that fails again is not)
                log.warn("the journal stream {} could not be read for this pass's mark: {}", stream(src), e.toString());
                return answered;
            }
            return at == null ? answered : new MarkSeen(answered.session(), answered.seq(), at.offset(), at.record());
        }

        /** A decision and the journal's records it was made from (null where it read none). */
        private record Made(Changes.Decision decision, List<JournalFile.Record> interval) {
        }

        private static Made decideNow(Connection c, List<JournalFile.Record> passes, String requestId, String src,
                                      String key, Path srcRoot, Path path, String noJournal,
                                      Function<Changes, String> check) throws IOException {
            if (noJournal != null) {
                return new Made(Changes.Decision.full(requestId, key, noJournal), null);
            }
            if (!exists(c, stream(src))) {
                return new Made(Changes.Decision.full(requestId, key, "no pdm watch of '" + src + "' with a broker "
                        + "configured has written the journal stream " + stream(src)
                        + " (start it, and keep it running between passes)"), null);
            }
            MarkSeen mark = askMark(c, src, requestId);
            if (mark == null) {
                return new Made(Changes.Decision.full(requestId, key, "no pdm watch of '" + src + "' answered a mark "
                        + "request in " + MARK_WAIT_MS / 1000 + " s, so the journal cannot vouch for the time since "
                        + "the last pass"), null);
            }
            // (the interval: from the mark of the last complete pass of this key to this one's)
            Changes.Decision from = Changes.lastComplete(passes, key);
            if (mark.offset() < 0) {
                mark = markOnStream(c, src, requestId, mark, from);
            }
            if (mark.offset() < 0) {
                return new Made(Changes.Decision.full(requestId, key, "the watcher's mark for this pass is not on "
                        + "the journal stream " + stream(src)), null);
            }
            List<JournalFile.Record> interval = from == null || from.toOffset() > mark.offset()
                    ? List.of(mark.record()) : readInterval(c, src, from.toOffset(), mark.offset());
            Changes ch = Changes.between(interval, requestId, mark.session(), mark.seq(), from, srcRoot, path);
            if (!ch.vouched()) {
                return new Made(new Changes.Decision(requestId, key, Changes.Decision.FULL, mark.session(),
                        mark.seq(), 0, ch.reason(), -1, mark.offset()), null);
            }
            String why = check.apply(ch);
            return new Made(new Changes.Decision(requestId, key, why == null ? Changes.Decision.CHANGES
                    : Changes.Decision.EVERYTHING, mark.session(), mark.seq(), from.toSeq(), why == null ? "" : why,
                    from.toOffset(), mark.offset()), interval);
        }

        @Override
        public synchronized Decided decided(String requestId, String src, Path srcRoot, Path path) throws IOException {
            Decided d = known.get(requestId);
            if (d != null) {
                return d;
            }
            Connection c = connection();
            Changes.Decision found = decisionOnRecord(c, src, requestId);
            if (found == null) {
                return null;
            }
            d = decidedOf(c, src, found, null, srcRoot, path);
            known.put(requestId, d);
            return d;
        }

        /** What a pass walks by {@code d}: the interval it names read from the journal stream (unless given). */
        private static Decided decidedOf(Connection c, String src, Changes.Decision d,
                                         List<JournalFile.Record> interval, Path srcRoot, Path path) throws IOException {
            if (d.mode().equals(Changes.Decision.FULL)) {
                return new Decided(d, null);
            }
            List<JournalFile.Record> records = interval != null ? interval
                    : readInterval(c, src, d.fromOffset(), d.toOffset());
            Changes ch = Changes.of(records, d, srcRoot, path);
            if (!ch.vouched()) {
                log.warn("the --changes pass {} cannot walk by the journal on this worker ({}): it walks everything "
                        + "below the directories it is given", d.requestId(), ch.reason());
                return new Decided(new Changes.Decision(d.requestId(), d.key(), Changes.Decision.FULL, d.session(),
                        d.toSeq(), 0, ch.reason(), -1, d.toOffset()), null);
            }
            return new Decided(d, ch);
        }
    }
}
