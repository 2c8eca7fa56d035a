import { sql, type RawBuilder } from 'kysely'
import { readTablePage } from './backup-tables.ts'
import type { Db, DialectName } from './database.ts'

/**
 * A centre's rows, read for its export (docs/decisions/0046) a page at a time in each table's
 * physical order (SQLite's rowid, PostgreSQL's ctid), inside the caller's one snapshot: each
 * row is read once and the centre is never held in memory whole.
 */

/** Which rows of a table are the centre's. */
export type CentreRows = 'centre' | 'centre_row' | 'accounts'

function condition(scope: CentreRows, centreId: string): RawBuilder<unknown> {
  if (scope === 'centre_row') return sql`id = ${centreId}`
  if (scope === 'accounts')
    return sql`(id in (select account_id from account_roles where centre_id = ${centreId})
      or id in (select account_id from member_access_stops where centre_id = ${centreId}))`
  return sql`centre_id = ${centreId}`
}

/** How many of the table's rows are the centre's. */
export async function countCentreRows(
  db: Db,
  table: string,
  scope: CentreRows,
  centreId: string,
): Promise<number> {
  const { rows } = await sql<{ n: number | string }>`
    select count(*) as n from ${sql.table(table)} where ${condition(scope, centreId)}`.execute(db)
  return Number(rows[0]?.n ?? 0)
}

/** A page of the centre's rows of a table, after a position; and where to go on. */
export async function readCentreRowsPage(
  db: Db,
  dialect: DialectName,
  table: string,
  scope: CentreRows,
  centreId: string,
  after: string | undefined,
  limit: number,
): Promise<{ rows: Record<string, unknown>[]; next: string | undefined }> {
  return readTablePage(db, dialect, table, after, limit, condition(scope, centreId))
}

/** A table's columns, as the database lists them. */
export async function listTableColumns(
  db: Db,
  dialect: DialectName,
  table: string,
): Promise<string[]> {
  const { rows } =
    dialect === 'postgres'
      ? await sql<{ name: string }>`select column_name as name from information_schema.columns
          where table_schema = current_schema() and table_name = ${table}`.execute(db)
      : await sql<{ name: string }>`select name from pragma_table_info(${table})`.execute(db)
  return rows.map((r) => r.name).sort()
}

/** The sealed keys of some of a centre's families, to open their people's contact details. */
export async function findFamilyKeys(
  db: Db,
  centreId: string,
  familyIds: readonly string[],
): Promise<Map<string, { wrappedKey: string; keyVersion: number }>> {
  if (familyIds.length === 0) return new Map()
  const rows = await db
    .selectFrom('families')
    .select(['id', 'wrapped_key', 'key_version'])
    .where('centre_id', '=', centreId)
    .where('id', 'in', [...new Set(familyIds)])
    .execute()
  return new Map(rows.map((r) => [r.id, { wrappedKey: r.wrapped_key, keyVersion: r.key_version }]))
}
