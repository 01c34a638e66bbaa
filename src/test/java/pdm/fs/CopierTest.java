package pdm.fs;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import pdm.fs.linux.Sys;
import pdm.testkit.Fx;

/** The data mover: exact bytes, holes exactly where the source has them (by SEEK_DATA, not by content). */
class CopierTest {
    @TempDir
    Path tmp;

    private Path copy(Path in) throws IOException {
        Path out = tmp.resolve("out");
        Files.deleteIfExists(out);
        try (FsRoot root = new FsRoot("t", tmp, true); Dir d = root.open(Names.ROOT);
             FileHandle a = d.openRead(in.getFileName()); FileHandle b = d.create(out.getFileName())) {
            assertThat(Copier.copy(a, b, Files.size(in))).isEqualTo(Files.size(in));
        }
        return out;
    }

    @ParameterizedTest
    @ValueSource(ints = {0, 1, 4095, 4096, 4097, 8192, (1 << 20) - 1, 1 << 20, (1 << 20) + 1, 3 * (1 << 20) + 5})
    void everySizeArrivesExactly(int size) throws IOException {
        byte[] data = Fx.random(size, size);
        for (int i = 0; i < size; i += 3 * 4096) {
            java.util.Arrays.fill(data, i, Math.min(size, i + 2 * 4096), (byte) 0);
        }
        Path in = Files.write(tmp.resolve("in"), data);
        assertThat(Files.readAllBytes(copy(in))).isEqualTo(data);
    }

    @Test
    void writtenZerosStayWrittenAndHolesStayHoles() throws IOException {
        // 8 MiB of written zeros, then an 8 MiB hole, then one byte
        Path in = tmp.resolve("in");
        try (RandomAccessFile f = new RandomAccessFile(in.toFile(), "rw")) {
            f.write(new byte[8 << 20]);
            f.seek((16 << 20));
            f.write(7);
        }
        Path out = copy(in);

        assertThat(Files.readAllBytes(out)).isEqualTo(Files.readAllBytes(in));
        assertThat(Fx.allocatedBlocks(out)).as("blocks of the copy, as the source has them")
                .isEqualTo(Fx.allocatedBlocks(in));
        assertThat(dataAt(out, 0)).as("the written zeros are data").isZero();
        assertThat(dataAt(out, 8 << 20)).as("the hole is a hole").isGreaterThanOrEqualTo(12 << 20);
    }

    @Test
    void aTrailingHoleStaysAHole() throws IOException {
        Path in = Files.write(tmp.resolve("in"), new byte[]{1, 2, 3});
        try (RandomAccessFile f = new RandomAccessFile(in.toFile(), "rw")) {
            f.setLength(131073); // truncate -s 131073: a hole to the end
        }
        Path out = copy(in);

        assertThat(Files.size(out)).isEqualTo(131073);
        assertThat(Fx.allocatedBlocks(out)).as("no block allocated for the trailing hole")
                .isEqualTo(Fx.allocatedBlocks(in));
        assertThat(Files.readAllBytes(out)).isEqualTo(Files.readAllBytes(in));
    }

    @Test
    void anEmptyFileAndAFileOfOnlyAHole() throws IOException {
        Path empty = Files.write(tmp.resolve("in"), new byte[0]);
        assertThat(Files.size(copy(empty))).isZero();
        Path hole = tmp.resolve("hole");
        try (RandomAccessFile f = new RandomAccessFile(hole.toFile(), "rw")) {
            f.setLength(1 << 20);
        }
        Path out = copy(hole);
        assertThat(Files.size(out)).isEqualTo(1 << 20);
        assertThat(Fx.allocatedBlocks(out)).isZero();
    }

    /**
     * Between two filesystems (tmpfs to the temp dir's) copy_file_range is refused (EXDEV) and
     * sendfile carries the data (pread/pwrite where it is refused too): the same exact bytes and holes.
     */
    @Test
    void acrossFilesystemsTheFallbackIsJustAsExact() throws IOException {
        Path shm = Path.of("/dev/shm");
        org.junit.jupiter.api.Assumptions.assumeTrue(Files.isDirectory(shm)
                && !Files.getFileStore(shm).equals(Files.getFileStore(tmp)), "needs /dev/shm on another filesystem");
        Path dir = Files.createTempDirectory(shm, "pdm-copier");
        try {
            Path in = dir.resolve("in");
            byte[] head = Fx.random(3 << 20, 5);
            try (RandomAccessFile f = new RandomAccessFile(in.toFile(), "rw")) {
                f.write(head);
                f.seek(16 << 20);
                f.write(head, 0, 4096);
                f.setLength(24 << 20);
            }
            Path out = tmp.resolve("out");
            try (FsRoot from = new FsRoot("s", dir, false); Dir s = from.open(Names.ROOT);
                 FsRoot to = new FsRoot("t", tmp, true); Dir t = to.open(Names.ROOT);
                 FileHandle a = s.openRead(Path.of("in")); FileHandle b = t.create(Path.of("out"))) {
                assertThat(Copier.copy(a, b, Files.size(in))).isEqualTo(24 << 20);
            }
            assertThat(Files.readAllBytes(out)).isEqualTo(Files.readAllBytes(in));
            assertThat(pdm.testkit.TreeComparer.dataExtents(out)).as("data where the source has data")
                    .isEqualTo("[0-3145728,16777216-16781312]");
            for (int size : new int[]{0, 1, 4095, 4097, (1 << 20) + 1, 3 * (1 << 20) + 5}) {
                byte[] data = Fx.random(size, size);
                Files.write(in, data);
                Files.delete(out);
                try (FsRoot from = new FsRoot("s", dir, false); Dir s = from.open(Names.ROOT);
                     FsRoot to = new FsRoot("t", tmp, true); Dir t = to.open(Names.ROOT);
                     FileHandle a = s.openRead(Path.of("in")); FileHandle b = t.create(Path.of("out"))) {
                    assertThat(Copier.copy(a, b, size)).isEqualTo(size);
                }
                assertThat(Files.readAllBytes(out)).as("%d bytes", size).isEqualTo(data);
            }
        } finally {
            Fx.deleteTree(dir);
        }
    }

    @Test
    void sameContent() throws IOException {
        Files.write(tmp.resolve("a"), Fx.random(3 << 20, 1));
        Files.write(tmp.resolve("b"), Fx.random(3 << 20, 1));
        byte[] other = Fx.random(3 << 20, 1);
        other[(2 << 20) + 7] ^= 1;
        Files.write(tmp.resolve("c"), other);
        Files.write(tmp.resolve("d"), java.util.Arrays.copyOf(other, (3 << 20) - 1));
        assertThat(same("a", "b")).isTrue();
        assertThat(same("a", "c")).isFalse();
        assertThat(same("c", "d")).isFalse();
    }

    private boolean same(String x, String y) throws IOException {
        try (FsRoot root = new FsRoot("t", tmp, true); Dir d = root.open(Names.ROOT);
             FileHandle a = d.openRead(Path.of(x)); FileHandle b = d.openRead(Path.of(y))) {
            return Copier.sameContent(a, b);
        }
    }

    private static long dataAt(Path p, long offset) throws IOException {
        try (FsRoot root = new FsRoot("t", p.getParent(), false); Dir d = root.open(Names.ROOT);
             FileHandle f = d.openRead(p.getFileName())) {
            return Sys.seek(f.fd(), offset, true);
        }
    }
}
