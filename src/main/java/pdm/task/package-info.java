/** What travels between the walk and the workers: immutable task records, the same for every transport. */
package pdm.task;
