/** pdm, the parallel data mover. The root package, below every layer: the error family, secret masking and host ids they share. */
package pdm;
