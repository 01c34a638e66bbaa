/** A mounted filesystem: safe, symlink-proof path resolution, metadata, reads and writes. */
package pdm.fs;
