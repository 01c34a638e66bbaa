package pdm.engine;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import pdm.fs.linux.NameBytes;
import pdm.testkit.Pdm;

/** Any name the kernel allows (1..255 bytes, no '/' or NUL, not . or ..) arrives byte for byte. */
class ByteNamesRoundTripTest {

    @Provide
    Arbitrary<byte[]> name() {
        return Arbitraries.bytes().filter(b -> b != 0 && b != '/').array(byte[].class).ofMinSize(1).ofMaxSize(255)
                .filter(b -> !Arrays.equals(b, new byte[]{'.'}) && !Arrays.equals(b, new byte[]{'.', '.'}));
    }

    @Property(tries = 50)
    void anyByteNameRoundTrips(@ForAll("name") byte[] name) throws IOException {
        Path tmp = Files.createTempDirectory("pdm-names");
        try {
            Path src = Files.createDirectory(tmp.resolve("src"));
            Path dst = tmp.resolve("dst");
            byte[] content = Arrays.copyOf(name, name.length + 1);
            Files.write(src.resolve(NameBytes.path(name)), content);

            Pdm.Result r = Pdm.run("copy", "--json", "--dir-workers", "1", "--file-workers", "1",
                    src.toString(), dst.toString());

            assertThat(r.exit()).as(r.toString()).isZero();
            List<Path> listed = new ArrayList<>();
            try (var ds = Files.newDirectoryStream(dst)) {
                ds.forEach(listed::add);
            }
            assertThat(listed).hasSize(1);
            assertThat(NameBytes.bytes(listed.get(0).getFileName())).isEqualTo(name);
            assertThat(Files.readAllBytes(listed.get(0))).isEqualTo(content);
        } finally {
            try (Stream<Path> all = Files.walk(tmp)) {
                for (Path p : all.sorted(Comparator.reverseOrder()).toList()) {
                    Files.delete(p);
                }
            }
        }
    }
}
