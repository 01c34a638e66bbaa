package pdm.task;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.regex.Pattern;

/**
 * Task ids are derived, not random: a directory re-listed after a worker died publishes its
 * children under the same ids as the first time, so the job tracker sees duplicates as one
 * task and counts each exactly once. An id is 16 hex digits (64 bits of SHA-256).
 */
public final class TaskIds {
    private static final Pattern TASK_ID = Pattern.compile("[0-9a-f]{16}");

    private TaskIds() {
    }

    /** The root task of passIndex {@code passIndex} (0 for a single pass) of a job. */
    public static String root(String jobId, int passIndex) {
        return hash(jobId, "root", Integer.toString(passIndex));
    }

    /** A subdirectory task of a directory task. */
    public static String childDir(String parentId, String encodedName) {
        return hash(parentId, "dir", encodedName);
    }

    /** The {@code n}th file task a directory task published (per link shard, -1 for plain files). */
    public static String childFiles(String parentId, int shard, int n) {
        return hash(parentId, "files", shard + ":" + n);
    }

    /** The task that finishes a directory's metadata once its subtree is done. */
    public static String dirMeta(String dirTaskId) {
        return hash(dirTaskId, "dirmeta", "");
    }

    /**
     * Range {@code n} of the big file {@code encodedName} that file task {@code fileTaskId} met,
     * written into the temp file {@code encodedTemp}: a redelivered file task that finds the same
     * temp file publishes its ranges under the same ids; one that has to make a new temp file
     * (the first was removed) gets other ids, so ranges done into the first never count for it.
     */
    public static String range(String fileTaskId, String encodedName, String encodedTemp, int n) {
        return hash(fileTaskId, "range", encodedName + "/" + encodedTemp + "/" + n);
    }

    /** The task that places the big file {@code encodedName} of file task {@code fileTaskId} once its ranges are done. */
    public static String finish(String fileTaskId, String encodedName, String encodedTemp) {
        return hash(fileTaskId, "finish", encodedName + "/" + encodedTemp);
    }

    /** 16 hex digits of SHA-256 of {@code text}: a short name derived from a long one. */
    public static String hashOf(String text) {
        return hash(text, "name", "");
    }

    /** Job ids become part of names pdm creates on the target (.pdm-links-JOB): nothing but [A-Za-z0-9-]. */
    public static boolean isJobId(String id) {
        return id != null && id.matches("[A-Za-z0-9-]{1,64}");
    }

    /** A task id as {@link #hash} makes it: 16 lowercase hex digits. */
    public static boolean isTaskId(String id) {
        return id != null && TASK_ID.matcher(id).matches();
    }

    public static long toLong(String id) {
        if (id.length() != 16) {
            throw new IllegalArgumentException("task id must be 16 hex digits: " + id);
        }
        return Long.parseUnsignedLong(id, 16);
    }

    public static String toHex(long id) {
        return HexFormat.of().toHexDigits(id);
    }

    private static String hash(String a, String kind, String b) {
        try {
            MessageDigest sha = MessageDigest.getInstance("SHA-256");
            byte[] d = sha.digest((a + '\0' + kind + '\0' + b).getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(d, 0, 8);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JDK has SHA-256", e);
        }
    }
}
