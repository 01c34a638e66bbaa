/** What travels between the walk and the workers: immutable task records and their wire format (docs/message-format.md). */
package pdm.task;
