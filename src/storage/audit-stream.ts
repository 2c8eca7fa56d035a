import { DatabaseSync } from 'node:sqlite'
import pg from 'pg'
import type { StoredAuditRow } from '../domain/audit-range.ts'
import type { Db } from './database.ts'

/**
 * Reading the audit log fast, for `haven audit verify` at scale (issue 15). Each reader has
 * its own connection (a worker thread's), reads one range of the whole log in order, and
 * hands rows on one at a time without keeping them: memory stays flat however long the log.
 */

/** Where a reader of its own connects: the SQLite file, or the PostgreSQL URL. */
export type AuditSource = { dialect: 'sqlite'; file: string } | { dialect: 'postgres'; url: string }

const COLUMNS =
  'seq, chain, chain_seq, centre_id, at, type, actor_id, subject_id, details, prev_hash, hash'

type RowArray = [
  number,
  string,
  number | null,
  string | null,
  string,
  string,
  string | null,
  string | null,
  string,
  string,
  string,
]

function rowOf(r: RowArray): StoredAuditRow {
  return {
    logSeq: r[0],
    chain: r[1],
    chainSeq: r[2],
    centreId: r[3],
    at: r[4],
    type: r[5],
    actorId: r[6],
    subjectId: r[7],
    details: r[8],
    prevHash: r[9],
    hash: r[10],
  }
}

/** Every entry with a place in the whole log from `from` to `to`, in order, from the source. */
export async function streamAuditRange(
  source: AuditSource,
  from: number,
  to: number,
  onRow: (row: StoredAuditRow) => void,
): Promise<void> {
  if (source.dialect === 'sqlite') {
    const db = new DatabaseSync(source.file, { readOnly: true, timeout: 10_000 })
    try {
      const statement = db.prepare(
        `select ${COLUMNS} from audit_log where seq >= ? and seq <= ? order by seq`,
      )
      statement.setReturnArrays(true)
      for (const r of statement.iterate(from, to)) onRow(rowOf(r as unknown as RowArray))
    } finally {
      db.close()
    }
    return
  }
  const types = new pg.TypeOverrides()
  types.setTypeParser(pg.types.builtins.INT8, (value: string) => Number(value))
  const client = new pg.Client({ connectionString: source.url, types })
  client.on('error', () => {
    // A dropped connection fails the query below, which reports it.
  })
  await client.connect()
  try {
    // One snapshot for the whole range, read in pages.
    await client.query('begin isolation level repeatable read read only')
    let after = from - 1
    for (;;) {
      const { rows } = await client.query<RowArray>({
        text: `select ${COLUMNS} from audit_log where seq > $1 and seq <= $2 order by seq limit 20000`,
        values: [after, to],
        rowMode: 'array',
      })
      for (const r of rows) onRow(rowOf(r))
      const last = rows.at(-1)
      if (last === undefined || rows.length < 20000) break
      after = last[0]
    }
    await client.query('commit')
  } finally {
    await client.end()
  }
}

/** The same range through the open database, in pages: for a log with no source of its own. */
export async function readAuditRange(
  db: Db,
  from: number,
  to: number,
  onRow: (row: StoredAuditRow) => void,
): Promise<void> {
  let after = from - 1
  for (;;) {
    const rows = await db
      .selectFrom('audit_log')
      .selectAll()
      .where('seq', '>', after)
      .where('seq', '<=', to)
      .orderBy('seq')
      .limit(5_000)
      .execute()
    for (const r of rows)
      onRow({
        logSeq: r.seq,
        chain: r.chain,
        chainSeq: r.chain_seq,
        centreId: r.centre_id,
        at: r.at,
        type: r.type,
        actorId: r.actor_id,
        subjectId: r.subject_id,
        details: r.details,
        prevHash: r.prev_hash,
        hash: r.hash,
      })
    const last = rows.at(-1)
    if (last === undefined || rows.length < 5_000) return
    after = last.seq
  }
}

/** The first and last place in the whole log, or undefined when it is empty. */
export async function auditLogBounds(db: Db): Promise<{ from: number; to: number } | undefined> {
  const row = await db
    .selectFrom('audit_log')
    .select(({ fn }) => [
      fn.min<number | null>('seq').as('from'),
      fn.max<number | null>('seq').as('to'),
    ])
    .executeTakeFirst()
  if (row?.from == null || row.to == null) return undefined
  return { from: row.from, to: row.to }
}
