/** What travels between the walk and the workers: immutable task records, their kinds and wire format (docs/message-format.md). */
package pdm.task;
