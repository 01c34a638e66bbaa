package pdm.lustre;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.OptionalInt;
import org.junit.jupiter.api.Test;
import pdm.config.LustreOptions;
import pdm.config.LustreOptions.Stripe;

/** The policy alone: which size gets which stripe count, which name which MDT. */
class LustreTargetTest {
    private static final long GIB = 1L << 30;

    private static LustreTarget target(Stripe stripe, int mds) {
        return new LustreTarget(new LustreOptions(stripe, LustreOptions.ORIGINAL, mds, "lfs"));
    }

    @Test
    void theOriginalThresholdsStripeFilesAboveEachSize() {
        LustreTarget t = target(Stripe.SIZE, 0);
        // decimal, as the original's lustre_backend.go: 10 * 1000000000 bytes and so on
        assertThat(t.stripeCount(0)).isEmpty();
        assertThat(t.stripeCount(10_000_000_000L)).as("exactly 10 GB is not above it").isEmpty();
        assertThat(t.stripeCount(10_000_000_001L)).isEqualTo(OptionalInt.of(5));
        assertThat(t.stripeCount(100_000_000_000L)).isEqualTo(OptionalInt.of(5));
        assertThat(t.stripeCount(100_000_000_001L)).isEqualTo(OptionalInt.of(10));
        assertThat(t.stripeCount(1_000_000_000_000L)).isEqualTo(OptionalInt.of(10));
        assertThat(t.stripeCount(1_000_000_000_001L)).isEqualTo(OptionalInt.of(50));
        assertThat(t.stripeCount(Long.MAX_VALUE)).isEqualTo(OptionalInt.of(50));
    }

    @Test
    void otherModesAskNoStripeCountBySize() {
        assertThat(target(Stripe.NONE, 0).stripeCount(2000 * GIB)).isEmpty();
        assertThat(target(Stripe.SOURCE, 0).stripeCount(2000 * GIB)).isEmpty();
        LustreTarget custom = new LustreTarget(new LustreOptions(Stripe.SIZE,
                List.of(new LustreOptions.Threshold(8192, 3), new LustreOptions.Threshold(1024, 2)), 0, "lfs"));
        assertThat(custom.stripeCount(1024)).isEmpty();
        assertThat(custom.stripeCount(1025)).isEqualTo(OptionalInt.of(2));
        assertThat(custom.stripeCount(9000)).isEqualTo(OptionalInt.of(3));
    }

    @Test
    void theMdtIsFnv1aOfTheNameBytes() {
        // FNV-1a 64 published test vectors: "a" -> af63dc4c8601ec8c, "foobar" -> 85944171f73967e8
        assertThat(LustreTarget.mdtOf(bytes("a"), 1000)).isEqualTo((int) Long.remainderUnsigned(0xaf63dc4c8601ec8cL, 1000));
        assertThat(LustreTarget.mdtOf(bytes("foobar"), 7)).isEqualTo((int) Long.remainderUnsigned(0x85944171f73967e8L, 7));
        assertThat(LustreTarget.mdtOf(new byte[]{(byte) 0xe9, (byte) 0xff}, 3)).isBetween(0, 2);
        assertThat(target(Stripe.SIZE, 0).mdtOf(Path.of("a"))).as("mds off").isEmpty();
        assertThat(target(Stripe.SIZE, 1).mdtOf(Path.of("anything"))).isEqualTo(OptionalInt.of(0));
    }

    @Test
    void namesSpreadOverEveryMdt() {
        int[] per = new int[4];
        for (int i = 0; i < 400; i++) {
            per[LustreTarget.mdtOf(bytes("user" + i), 4)]++;
        }
        assertThat(java.util.stream.IntStream.of(per).boxed().toList()).allSatisfy(n -> assertThat(n).isBetween(60, 140));
    }

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }
}
