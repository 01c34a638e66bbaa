package pdm.cli;

import picocli.CommandLine.Option;

/** {@code --retry-auth} of the long-running broker clients (worker, monitor). */
final class RetryAuthOption {
    @Option(names = "--retry-auth", description = {"When the broker refuses the user (wrong password, no "
            + "permission), keep retrying with backoff instead of exiting with status 2."})
    boolean retryAuth;
}
