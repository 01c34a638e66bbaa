import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Connection;
import com.rabbitmq.client.ConnectionFactory;
import java.nio.charset.StandardCharsets;
import java.util.List;
import pdm.journal.JournalFile;

/**
 * The history a long-lived watcher leaves on a journal stream: N records of another session
 * (no pass of the running watcher reads them), published, confirmed, to pdm.journal.NAME.
 *
 *   java -cp target/pdm.jar bench/StreamHistory.java URI NAME N
 */
public class StreamHistory {
    public static void main(String[] a) throws Exception {
        ConnectionFactory f = new ConnectionFactory();
        f.setUri(a[0]);
        int n = Integer.parseInt(a[2]);
        try (Connection c = f.newConnection("pdm bench history")) {
            Channel ch = c.createChannel();
            ch.confirmSelect();
            for (int i = 1; i <= n; i++) {
                String line = JournalFile.line(new JournalFile.Record(i, JournalFile.DIR, "history",
                        List.of("E", "ZGlyL3N1Yi9maWxlLTEyMzQ1Ng"))).trim();
                ch.basicPublish("", "pdm.journal." + a[1], null, line.getBytes(StandardCharsets.US_ASCII));
                if (i % 10_000 == 0) {
                    ch.waitForConfirmsOrDie(60_000);
                }
            }
            ch.waitForConfirmsOrDie(60_000);
        }
    }
}
