/** The pdm command line: thin picocli commands over the engine. */
package pdm.cli;
