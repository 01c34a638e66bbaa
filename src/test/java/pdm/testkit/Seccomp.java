package pdm.testkit;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * System calls the kernel seems not to have, or a container's seccomp profile refuses: a program
 * that installs a seccomp filter failing some call numbers with an errno, then runs a command under
 * it (with its children). For calls strace cannot name, as newer calls than it knows (strace 6.1
 * and listxattrat). The same filter can kill the process as it enters one ioctl request, which
 * strace cannot aim at (it tells ioctls apart by path and count only). Built with gcc from the
 * source below, once per test directory.
 */
public final class Seccomp {
    private static final String SOURCE = """
            #include <errno.h>
            #include <linux/filter.h>
            #include <linux/seccomp.h>
            #include <stddef.h>
            #include <stdio.h>
            #include <stdlib.h>
            #include <string.h>
            #include <sys/prctl.h>
            #include <unistd.h>
            /*
             * nosys NR[/ARG1][,...] ERRNO|kill COMMAND...: COMMAND with the system calls NR (where
             * their second argument's low 32 bits are ARG1, if given) failing with ERRNO, or
             * killing the process there before the kernel runs them (SIGSYS).
             */
            int main(int argc, char **argv) {
                if (argc < 4) { fprintf(stderr, "usage: nosys NR[/ARG1][,...] ERRNO|kill COMMAND...\\n"); return 125; }
                unsigned action = strcmp(argv[2], "kill") == 0 ? SECCOMP_RET_KILL_PROCESS
                        : SECCOMP_RET_ERRNO | (atoi(argv[2]) & SECCOMP_RET_DATA);
                struct sock_filter f[128];
                int n = 0;
                for (char *spec = strtok(argv[1], ","); spec != NULL && n < 120; spec = strtok(NULL, ",")) {
                    char *arg = strchr(spec, '/');
                    f[n++] = (struct sock_filter) BPF_STMT(BPF_LD | BPF_W | BPF_ABS, offsetof(struct seccomp_data, nr));
                    if (arg == NULL) {
                        f[n++] = (struct sock_filter) BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, (unsigned) atoi(spec), 0, 1);
                    } else {
                        f[n++] = (struct sock_filter) BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, (unsigned) atoi(spec), 0, 3);
                        f[n++] = (struct sock_filter) BPF_STMT(BPF_LD | BPF_W | BPF_ABS, offsetof(struct seccomp_data, args[1]));
                        f[n++] = (struct sock_filter) BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K,
                                (unsigned) strtoul(arg + 1, NULL, 0), 0, 1);
                    }
                    f[n++] = (struct sock_filter) BPF_STMT(BPF_RET | BPF_K, action);
                }
                f[n++] = (struct sock_filter) BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ALLOW);
                struct sock_fprog prog = { (unsigned short) n, f };
                if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) || prctl(PR_SET_SECCOMP, SECCOMP_MODE_FILTER, &prog)) {
                    perror("nosys: seccomp"); return 125;
                }
                execvp(argv[3], argv + 3);
                perror("nosys: exec"); return 126;
            }
            """;

    private Seccomp() {
    }

    /**
     * The command prefix that runs what follows it with the system calls {@code numbers}
     * ("465" or "465,468") failing with {@code errno} (a number). Skips the test without gcc;
     * fails instead under CI=true.
     */
    public static List<String> failing(Path workDir, String numbers, int errno) throws IOException {
        return List.of(wrapper(workDir).toString(), numbers, Integer.toString(errno));
    }

    /**
     * The command prefix that runs what follows it until it makes the system call {@code number}
     * with {@code arg1} as its second argument (an ioctl's request), where the kernel kills it
     * (SIGSYS, exit 159) before the call runs: a crash at one exact point, which strace cannot
     * aim at one ioctl request. Skips the test without gcc; fails instead under CI=true.
     */
    public static List<String> killingAt(Path workDir, int number, long arg1) throws IOException {
        return List.of(wrapper(workDir).toString(), number + "/0x" + Long.toHexString(arg1), "kill");
    }

    private static Path wrapper(Path workDir) throws IOException {
        boolean gcc = Tools.has("gcc");
        if (!gcc && "true".equalsIgnoreCase(System.getenv("CI"))) {
            throw new AssertionError("needs gcc to build the seccomp wrapper; under CI=true it must be there");
        }
        assumeTrue(gcc, "needs gcc to build the seccomp wrapper");
        Path bin = workDir.resolve("nosys");
        if (!Files.isExecutable(bin)) {
            Path c = Files.writeString(workDir.resolve("nosys.c"), SOURCE);
            String out = Tools.run("gcc", "-O1", "-o", bin.toString(), c.toString());
            if (!Files.isExecutable(bin)) {
                throw new AssertionError("gcc did not build the seccomp wrapper: " + out);
            }
        }
        return bin;
    }
}
