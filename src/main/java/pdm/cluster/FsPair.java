package pdm.cluster;

import java.util.ArrayList;
import java.util.List;
import java.util.TreeMap;
import pdm.config.DataSource;
import pdm.config.PdmConfig;

/** A source/target pair of configured filesystems: what a worker serves, what has its own task queues. */
public record FsPair(DataSource src, DataSource tgt) {
    @Override
    public String toString() {
        return src.name() + "->" + tgt.name();
    }

    /** Every pair of configured filesystems whose target may be written, as sdsc/pdm's worker serves them. */
    public static List<FsPair> servedBy(PdmConfig config) {
        List<FsPair> out = new ArrayList<>();
        for (DataSource s : new TreeMap<>(config.datasources()).values()) {
            for (DataSource t : new TreeMap<>(config.datasources()).values()) {
                if (s != t && t.write()) {
                    out.add(new FsPair(s, t));
                }
            }
        }
        return out;
    }
}
