/** The pdm command line, the top layer: thin picocli commands over the engine (embedded) and pdm.cluster (distributed). */
package pdm.cli;
