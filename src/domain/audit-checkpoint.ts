/**
 * A signed checkpoint of the audit log (clause SECURE; ENGINEERING.md §5): the sequence
 * number and hash of the newest entry at a moment, signed with Ed25519 by a key kept outside
 * the database. Handed to someone outside the system, it proves later that no entry up to
 * that point was changed, removed or reordered, and that the log was not cut short.
 */
export interface AuditCheckpoint {
  /** The chain (a centre's id, or '' for the installation's) and the entry's place in it. */
  chain: string
  seq: number
  hash: string
  at: string
  keyId: string
  /** Ed25519 signature of `checkpointMessage`, base64. */
  signature: string
  /**
   * 1: signed before chains were kept per centre, over the one chain there was (text v1,
   * without the chain); 2: names its chain (text v2).
   */
  version: 1 | 2
}

/** The exact bytes a checkpoint signs. */
export function checkpointMessage(
  checkpoint: Pick<AuditCheckpoint, 'chain' | 'seq' | 'hash' | 'at' | 'version'>,
): string {
  if (checkpoint.version === 1)
    return `haven-audit-checkpoint:v1:${String(checkpoint.seq)}:${checkpoint.hash}:${checkpoint.at}`
  return `haven-audit-checkpoint:v2:${checkpoint.chain}:${String(checkpoint.seq)}:${checkpoint.hash}:${checkpoint.at}`
}
