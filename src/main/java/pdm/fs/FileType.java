package pdm.fs;

/** The type bits of st_mode, as pdm needs to tell them apart. */
public enum FileType {
    FILE, DIR, SYMLINK, FIFO, CHAR_DEVICE, BLOCK_DEVICE, SOCKET;

    static FileType ofMode(int mode) {
        return switch (mode & 0170000) {
            case 0100000 -> FILE;
            case 0040000 -> DIR;
            case 0120000 -> SYMLINK;
            case 0010000 -> FIFO;
            case 0020000 -> CHAR_DEVICE;
            case 0060000 -> BLOCK_DEVICE;
            case 0140000 -> SOCKET;
            default -> throw new IllegalArgumentException("unknown file type in mode 0" + Integer.toOctalString(mode));
        };
    }

    /** The S_IFMT bits for mknod. */
    int modeBits() {
        return switch (this) {
            case FILE -> 0100000;
            case DIR -> 0040000;
            case SYMLINK -> 0120000;
            case FIFO -> 0010000;
            case CHAR_DEVICE -> 0020000;
            case BLOCK_DEVICE -> 0060000;
            case SOCKET -> 0140000;
        };
    }
}
