/** What the cleanup's TriggerObject RPCs answer (shared by the Worker and the object). */

/** A trigger the cleanup retired (or, in a dry run, would retire). */
export type RetiredItem = { name: string; lastActivityAt: number };

/** A trigger the cleanup deleted (or, in a dry run, would delete). */
export type DeletedItem = { name: string; retiredAt: number };
