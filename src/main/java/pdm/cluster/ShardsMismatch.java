package pdm.cluster;

import pdm.PdmException;

/**
 * This node's {@code [rabbitmq] queue_shards} is not the one the broker's queues of a pair are
 * laid out for. Not a blip: a worker consuming fewer shards than others publish to would leave
 * tasks unserved, so a worker ends (exit 2) and a submit is refused, with what to do.
 */
public final class ShardsMismatch extends PdmException {
    /** The broker's marker says another count. */
    ShardsMismatch(String src, String tgt, int mine, String brokers, String marker) {
        super("queue_shards = " + mine + " in this node's config, but the queues of " + src + "->" + tgt
                + " on this broker are sharded " + brokers + " way(s) (recorded by " + marker + "): every node of "
                + "a pair must use the same [rabbitmq] queue_shards; set it to " + brokers + ", or, to change it, "
                + "stop every worker, wait for the pair's queues to drain, run rabbitmqctl delete_queue " + marker
                + " and start them all with the new value");
    }

    /** Tasks wait in a queue of another layout. */
    ShardsMismatch(String src, String tgt, int mine, String queue, long waiting) {
        super("queue_shards = " + mine + " in this node's config, but " + queue + " still holds " + waiting
                + " task message(s) of " + src + "->" + tgt + " from another queue_shards, which no worker "
                + "with this value would consume; finish them with the value they were sent with, then change it");
    }
}
