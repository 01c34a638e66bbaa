package pdm.job;

/** One item that did not end as it should, with the reason, for the summary and --json. */
public record Failure(String path, String error) {
}
