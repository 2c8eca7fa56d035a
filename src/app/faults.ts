import {
  classifyDatabaseError,
  describeDatabaseFault,
  type DatabaseFault,
} from '../storage/database-errors.ts'

export type { DatabaseFault }

/**
 * Whether an error is the database failing (busy, gone, full, a collision) rather than a bug,
 * and what may be logged of it: the kind and the engine's code, never a message or a value
 * (docs/decisions/0029-overload-and-faults.md).
 */
export function databaseFaultOf(
  error: unknown,
): { fault: DatabaseFault; logFields: Record<string, string | number> } | undefined {
  const fault = classifyDatabaseError(error)
  return fault === undefined ? undefined : { fault, logFields: describeDatabaseFault(error) }
}
