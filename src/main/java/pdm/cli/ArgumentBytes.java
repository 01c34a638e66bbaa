package pdm.cli;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.Charset;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import pdm.fs.linux.NameBytes;

/**
 * The arguments as the process was given them. The JVM decodes its arguments in the locale's
 * charset and puts U+FFFD for bytes that do not decode ({@code t\xff} in a UTF-8 locale), so pdm
 * would act on a name the user never typed: copy into a new directory of another name, or say that
 * a source that exists does not. An argument holding U+FFFD is checked against its bytes in
 * {@code /proc/self/cmdline} and refused when they do not decode; a name that really holds U+FFFD
 * passes.
 */
final class ArgumentBytes {
    private static final char REPLACED = '\uFFFD';

    private ArgumentBytes() {
    }

    /** Why these arguments cannot be taken as given (what to do instead), or null when they can. */
    static String refusal(String[] args) {
        boolean suspect = false;
        for (String a : args) {
            suspect |= a.indexOf(REPLACED) >= 0;
        }
        if (!suspect) {
            return null;
        }
        List<byte[]> raw;
        try {
            raw = split(Files.readAllBytes(Path.of("/proc/self/cmdline")));
        } catch (IOException | RuntimeException e) {
            raw = List.of(); // (not readable: every suspect argument is refused)
        }
        Charset charset = Charset.forName(System.getProperty("sun.jnu.encoding", "UTF-8"), Charset.defaultCharset());
        for (int i = 0; i < args.length; i++) {
            if (args[i].indexOf(REPLACED) < 0) {
                continue;
            }
            int at = raw.size() - args.length + i;
            byte[] bytes = at >= 0 && at < raw.size() ? raw.get(at) : null;
            if (bytes == null || !decodes(bytes, charset)) {
                String shown = bytes == null ? args[i] : NameBytes.text(bytes);
                return "argument '" + shown + "' holds bytes that are not " + charset.name()
                        + " (the locale's charset), so pdm cannot take it as typed; give a directory above it"
                        + " (pdm copies names below its PATH byte for byte), or set LC_ALL to a locale whose"
                        + " charset reads these bytes";
            }
        }
        return null;
    }

    private static boolean decodes(byte[] bytes, Charset charset) {
        try {
            charset.newDecoder().decode(ByteBuffer.wrap(bytes));
            return true;
        } catch (CharacterCodingException e) {
            return false;
        }
    }

    /** The NUL-terminated strings of a /proc cmdline. */
    private static List<byte[]> split(byte[] cmdline) {
        List<byte[]> out = new ArrayList<>();
        int start = 0;
        for (int i = 0; i < cmdline.length; i++) {
            if (cmdline[i] == 0) {
                out.add(java.util.Arrays.copyOfRange(cmdline, start, i));
                start = i + 1;
            }
        }
        if (start < cmdline.length) {
            out.add(java.util.Arrays.copyOfRange(cmdline, start, cmdline.length));
        }
        return out;
    }
}
