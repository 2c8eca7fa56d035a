/**
 * A signed checkpoint of the audit log (clause SECURE; ENGINEERING.md §5): the sequence
 * number and hash of the newest entry at a moment, signed with Ed25519 by a key kept outside
 * the database. Handed to someone outside the system, it proves later that no entry up to
 * that point was changed, removed or reordered, and that the log was not cut short.
 */
export interface AuditCheckpoint {
  seq: number
  hash: string
  at: string
  keyId: string
  /** Ed25519 signature of `checkpointMessage`, base64. */
  signature: string
}

/** The exact bytes a checkpoint signs. */
export function checkpointMessage(
  checkpoint: Pick<AuditCheckpoint, 'seq' | 'hash' | 'at'>,
): string {
  return `haven-audit-checkpoint:v1:${String(checkpoint.seq)}:${checkpoint.hash}:${checkpoint.at}`
}
