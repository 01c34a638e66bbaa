package pdm;

/** Keeps passwords out of what pdm prints and logs. */
public final class Secrets {
    private Secrets() {
    }

    /**
     * A URL with its password replaced by {@code ***}: {@code amqp://pdm:***@mq:5672/}. Up to
     * the last {@code @}, so a password holding {@code @} or {@code /} is hidden too (a path
     * holding an {@code @} is hidden with it: better too much than a password).
     */
    public static String mask(String url) {
        if (url == null) {
            return "";
        }
        return url.replaceAll("(?<=://)([^:/@]*):.*@", "$1:***@");
    }
}
