/** The walk over directory pairs and the passes (copy, delete, dirtimes, verify) that are strategies over it. */
package pdm.engine;
