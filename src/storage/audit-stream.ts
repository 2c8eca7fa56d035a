import { DatabaseSync } from 'node:sqlite'
import pg from 'pg'
import type { StoredAuditValues } from '../domain/audit-range.ts'
import type { Db } from './database.ts'

/**
 * Reading the audit log fast, for `haven audit verify` at scale (issue 15). Each reader has
 * its own connection (a worker thread's), reads one range of the whole log in order, and
 * hands rows on one at a time without keeping them: memory stays flat however long the log.
 */

/** Where a reader of its own connects: the SQLite file, or the PostgreSQL URL. */
export type AuditSource = { dialect: 'sqlite'; file: string } | { dialect: 'postgres'; url: string }

/** The columns in the order of `StoredAuditValues`. */
const COLUMNS =
  'seq, chain, chain_seq, centre_id, at, type, actor_id, subject_id, details, prev_hash, hash'

/**
 * Rows per page read from SQLite: fewer cost more in calls, more cost more memory and garbage
 * collection (measured on a million entries: 500 as fast as 1,000, with 40 MB less per thread).
 */
const SQLITE_PAGE = 500

/**
 * Every entry with a place in the whole log from `from` to `to`, in order, from the source:
 * as the values of its columns (`StoredAuditValues`), each array handed on and not kept.
 */
export async function streamAuditRange(
  source: AuditSource,
  from: number,
  to: number,
  onRow: (row: StoredAuditValues) => void,
): Promise<void> {
  if (source.dialect === 'sqlite') {
    const db = new DatabaseSync(source.file, { readOnly: true, timeout: 10_000 })
    try {
      // Pages of rows by `all`, which costs less per row than stepping `iterate`; one read
      // transaction, so every page is read from the same snapshot of the file.
      const statement = db.prepare(
        `select ${COLUMNS} from audit_log where seq > ? and seq <= ? order by seq limit ${String(SQLITE_PAGE)}`,
      )
      statement.setReturnArrays(true)
      db.exec('begin')
      let after = from - 1
      for (;;) {
        const rows = statement.all(after, to) as unknown as StoredAuditValues[]
        for (const row of rows) onRow(row)
        const last = rows.at(-1)
        if (last === undefined || rows.length < SQLITE_PAGE) break
        after = last[0]
      }
      db.exec('commit')
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
      const { rows } = await client.query<[...StoredAuditValues]>({
        text: `select ${COLUMNS} from audit_log where seq > $1 and seq <= $2 order by seq limit 20000`,
        values: [after, to],
        rowMode: 'array',
      })
      for (const r of rows) onRow(r)
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
  onRow: (row: StoredAuditValues) => void,
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
      onRow([
        r.seq,
        r.chain,
        r.chain_seq,
        r.centre_id,
        r.at,
        r.type,
        r.actor_id,
        r.subject_id,
        r.details,
        r.prev_hash,
        r.hash,
      ])
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
