package pdm.task;

/**
 * A task with everything a worker on another node needs to act on it: which job, which
 * pass, between which configured filesystems, with which options.
 *
 * @param taskId unique per published task, so a worker can recognise a redelivery
 * @param src    source filesystem name from config.toml
 * @param tgt    target filesystem name from config.toml
 */
public record TaskMessage(String jobId, String taskId, Action action, String src, String tgt, JobOptions options,
                          Task task) {
}
