package pdm.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpServer;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import pdm.testkit.Pdm;
import pdm.testkit.RichTree;
import pdm.testkit.TreeComparer;

/** elastic_url pointing at an Elasticsearch that never answers must not hold up a copy. */
class ElasticLoggingTest {
    @TempDir
    Path tmp;

    @Test
    @Timeout(120)
    void aCopyWithAHangingElasticsearchCompletesExactly() throws Exception {
        CountDownLatch never = new CountDownLatch(1);
        HttpServer hanging = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        hanging.createContext("/", x -> {
            try {
                never.await();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });
        hanging.setExecutor(Executors.newCachedThreadPool());
        hanging.start();
        try {
            Path src = tmp.resolve("src");
            Path dst = Files.createDirectories(tmp.resolve("dst"));
            RichTree.build(src, false);
            Path cfg = Pdm.config(tmp, src, dst);
            Files.writeString(cfg, "elastic_url = \"http://elastic:pw@127.0.0.1:" + hanging.getAddress().getPort()
                    + "\"\n" + Files.readString(cfg));

            Pdm.Result r = Pdm.run("copy", "panda", "badger", "/", "--config", cfg.toString(), "--json");

            assertThat(r.exit()).as(r.err()).isZero();
            TreeComparer.assertSameTree(src, dst);
            assertThat(r.err()).doesNotContain("pw@");
        } finally {
            never.countDown();
            hanging.stop(0);
        }
    }

    @Test
    @Timeout(120)
    void aCopyWithElasticsearchOnADeadPortCompletesExactly() throws Exception {
        int dead;
        try (ServerSocket s = new ServerSocket(0)) {
            dead = s.getLocalPort(); // closed again: connections are refused
        }
        Path src = tmp.resolve("src");
        Path dst = Files.createDirectories(tmp.resolve("dst"));
        RichTree.build(src, false);
        Path cfg = Pdm.config(tmp, src, dst);
        Files.writeString(cfg, "elastic_url = \"http://elastic:pw@127.0.0.1:" + dead + "\"\n" + Files.readString(cfg));

        Pdm.Result r = Pdm.run("copy", "panda", "badger", "/", "--config", cfg.toString(), "--json");

        assertThat(r.exit()).as(r.err()).isZero();
        TreeComparer.assertSameTree(src, dst);
        assertThat(r.err()).doesNotContain("pw@").doesNotContain(":pw");
    }
}
