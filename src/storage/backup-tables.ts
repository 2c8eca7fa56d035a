import { sql, type RawBuilder } from 'kysely'
import type { Db, DialectName } from './database.ts'

/**
 * Whole tables, read and written as rows of plain values, for backups (docs/decisions/0016).
 * The migration tables (and which Havens migrated) are not copied: a restore migrates its
 * own database first. Nor are
 * the answers kept for retries (decision 0030): they live a day, and a restored database
 * starts with none.
 */
const SKIPPED = new Set([
  'haven_migrations',
  'haven_migration_lock',
  'haven_versions',
  'idempotency_keys',
])
/** Parents before children, so that foreign keys hold as rows go in; the rest after. */
const FIRST = [
  'centres',
  'accounts',
  'families',
  'rooms',
  'people',
  'contact_sessions',
  'agencies',
  'referrals',
  'referral_events',
]

/** Every table of the schema, as the database itself lists them, sorted. */
export async function listSchemaTables(db: Db, dialect: DialectName): Promise<string[]> {
  const { rows } =
    dialect === 'postgres'
      ? await sql<{ name: string }>`select table_name as name from information_schema.tables
          where table_schema = current_schema() and table_type = 'BASE TABLE'`.execute(db)
      : await sql<{ name: string }>`select name from sqlite_master
          where type = 'table' and name not like 'sqlite_%'`.execute(db)
  return rows.map((r) => r.name).sort()
}

export async function listBackupTables(db: Db, dialect: DialectName): Promise<string[]> {
  const names = (await listSchemaTables(db, dialect)).filter((n) => !SKIPPED.has(n))
  return [
    ...FIRST.filter((n) => names.includes(n)),
    ...names.filter((n) => !FIRST.includes(n)).sort(),
  ]
}

/**
 * A page of a table in its physical order (SQLite's rowid, PostgreSQL's ctid), from after a
 * position: inside one snapshot, each row is read once. Returns the rows and where to go on.
 * `where`: only the rows it holds for (a centre's, for its export); every row by default.
 */
export async function readTablePage(
  db: Db,
  dialect: DialectName,
  table: string,
  after: string | undefined,
  limit: number,
  where: RawBuilder<unknown> = sql`1 = 1`,
): Promise<{ rows: Record<string, unknown>[]; next: string | undefined }> {
  const position = dialect === 'postgres' ? sql`ctid` : sql`rowid`
  const from =
    after === undefined
      ? sql``
      : dialect === 'postgres'
        ? sql`and ctid > ${after}::tid`
        : sql`and rowid > ${Number(after)}`
  const { rows } = await sql<Record<string, unknown>>`
    select ${position} as haven_position, * from ${sql.table(table)}
    where ${where} ${from}
    order by ${position} limit ${limit}`.execute(db)
  const last = rows.at(-1)
  const next = rows.length < limit || !last ? undefined : String(last.haven_position)
  return {
    rows: rows.map((row) => {
      const copy = { ...row }
      delete copy.haven_position
      return copy
    }),
    next,
  }
}

/** Inserts rows into a table as they were read. */
export async function insertRows(
  db: Db,
  table: string,
  rows: readonly Record<string, unknown>[],
): Promise<void> {
  if (rows.length === 0) return
  const columns = Object.keys(rows[0] ?? {})
  for (let i = 0; i < rows.length; i += 100) {
    const batch = rows.slice(i, i + 100)
    await sql`insert into ${sql.table(table)} (${sql.join(columns.map((c) => sql.ref(c)))})
      values ${sql.join(
        batch.map((row) => sql`(${sql.join(columns.map((c) => row[c] ?? null))})`),
      )}`.execute(db)
  }
}

/** How many rows a table holds. */
export async function countRows(db: Db, table: string): Promise<number> {
  const { rows } = await sql<{
    n: number | string
  }>`select count(*) as n from ${sql.table(table)}`.execute(db)
  return Number(rows[0]?.n ?? 0)
}

/**
 * Gathers the planner's statistics after a bulk load (a restore): without them PostgreSQL
 * guesses, and can read every row of a centre where one index would do, until autovacuum
 * analyses the tables. SQLite's ANALYZE does the same for its planner.
 */
export async function gatherStatistics(db: Db): Promise<void> {
  await sql`analyze`.execute(db)
}

/**
 * What SQLite's whole-file check finds wrong (every page read: `pragma quick_check`), or
 * undefined when the file is sound. Not made at open, where it would make every start pay for
 * reading the whole file (docs/decisions/0028); made before a backup, so that a damaged file
 * is found while older backups are still kept. PostgreSQL checks its own pages as it reads.
 */
export async function findDamage(db: Db, dialect: DialectName): Promise<string | undefined> {
  if (dialect === 'postgres') return undefined
  const { rows } = await sql<{ quick_check: string }>`pragma quick_check`.execute(db)
  const problems = rows.map((r) => r.quick_check).filter((line) => line !== 'ok')
  return problems.length === 0 ? undefined : (problems[0] ?? 'unknown damage')
}
