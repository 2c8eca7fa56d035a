import { closeSync, fsyncSync, openSync, writeSync } from 'node:fs'
import type { AuditCheckpoint } from '../domain/audit-checkpoint.ts'
import { HavenError } from '../domain/errors.ts'

/**
 * Hands checkpoints out as they are signed (issue 16): each is appended, one JSON line, to a
 * file the operator names outside the database (HAVEN_AUDIT_CHECKPOINT_FILE, on another
 * volume or a mounted share), and made durable before this returns. Someone who can rewrite
 * the database cannot rewrite what this file already holds, and `haven audit verify
 * --checkpoints FILE` checks the log against it. Checkpoints hold hashes and ids only.
 */
export function appendCheckpointFile(file: string, checkpoints: readonly AuditCheckpoint[]): void {
  if (checkpoints.length === 0) return
  let fd: number
  try {
    fd = openSync(file, 'a', 0o644)
  } catch {
    throw new HavenError('unavailable', `cannot write the checkpoint file ${file}`)
  }
  try {
    writeSync(fd, checkpoints.map((c) => `${JSON.stringify(c)}\n`).join(''))
    fsyncSync(fd)
  } catch {
    throw new HavenError('unavailable', `cannot write the checkpoint file ${file}`)
  } finally {
    closeSync(fd)
  }
}
