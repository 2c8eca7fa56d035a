import { DatabaseSync } from 'node:sqlite'
import { entryHash } from '../../src/domain/audit-chain.ts'

/**
 * What an insider with the database file and Haven's source can do (issue 16's attack):
 * change the first entry of a centre's chain and recompute every hash after it, so that the
 * chain holds together on its own. Only checkpoints held outside the database catch it.
 * The log's guards must already be dropped.
 */
export function rewriteChain(file: string): void {
  const db = new DatabaseSync(file)
  try {
    const rows = db
      .prepare(
        `select seq, chain_seq, centre_id, at, type, actor_id, subject_id, details, prev_hash
         from audit_log where chain <> '' order by seq`,
      )
      .all() as {
      seq: number
      chain_seq: number | null
      centre_id: string | null
      at: string
      type: string
      actor_id: string | null
      subject_id: string | null
      details: string
      prev_hash: string
    }[]
    let prev: string | undefined
    for (const [i, row] of rows.entries()) {
      const type = i === 0 ? 'centre.renamed' : row.type
      const prevHash = prev ?? row.prev_hash
      const hash = entryHash(
        row.chain_seq ?? row.seq,
        row.centre_id,
        row.at,
        type,
        row.actor_id,
        row.subject_id,
        row.details,
        prevHash,
      )
      db.prepare('update audit_log set type = ?, prev_hash = ?, hash = ? where seq = ?').run(
        type,
        prevHash,
        hash,
        row.seq,
      )
      prev = hash
    }
  } finally {
    db.close()
  }
}
