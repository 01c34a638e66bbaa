/** Linux system calls through java.lang.foreign: per-architecture constants, errno, and a typed face over fds and name bytes. */
package pdm.fs.linux;
