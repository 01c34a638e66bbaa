/**
 * The change journal (docs/change-journal.md): {@code pdm watch} records which directories below
 * a PATH changed, and a {@code --changes} pass asks it for a mark and for what changed since the
 * mark of the last complete pass of its kind, or for the reason it cannot say.
 */
package pdm.journal;
