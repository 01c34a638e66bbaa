/** pdm, the parallel data mover: the error family shared by every layer. */
package pdm;
