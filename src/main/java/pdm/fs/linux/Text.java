package pdm.fs.linux;

/** A name's bytes as text for an error message: printable ASCII as it is, any other byte as \xNN. */
final class Text {
    private Text() {
    }

    static String of(byte[] name) {
        StringBuilder b = new StringBuilder(name.length);
        for (byte x : name) {
            int c = x & 0xff;
            if (c >= 0x20 && c < 0x7f && c != '\\') {
                b.append((char) c);
            } else {
                b.append(String.format("\\x%02x", c));
            }
        }
        return b.toString();
    }
}
