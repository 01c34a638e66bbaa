/** How tasks reach workers: the interface the engine needs and its in-process implementation. */
package pdm.transport;
