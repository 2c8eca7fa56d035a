import { sql } from 'kysely'
import type { Db } from './database.ts'
import { migrations } from './migrations/index.ts'

/**
 * Small questions `haven doctor` asks of the database (src/app/doctor.ts). Each is one cheap
 * query through an index: none reads a whole table of a large installation.
 */

/** SQLite's quick check (no index cross-check) and its journal mode. */
export async function sqliteHealth(db: Db): Promise<{ quickCheck: string; journalMode: string }> {
  const check = await sql<{ quick_check: string }>`pragma quick_check(1)`.execute(db)
  const mode = await sql<{ journal_mode: string }>`pragma journal_mode`.execute(db)
  return {
    quickCheck: check.rows[0]?.quick_check ?? 'no answer',
    journalMode: mode.rows[0]?.journal_mode ?? 'unknown',
  }
}

/** Migrations this Haven knows that the database has not had (none on an up-to-date one). */
export async function pendingMigrations(db: Db): Promise<string[]> {
  const { rows } = await sql<{ name: string }>`select name from haven_migrations`.execute(db)
  const applied = new Set(rows.map((r) => r.name))
  return Object.keys(migrations).filter((name) => !applied.has(name))
}

/** When the newest audit entry was written; undefined for an empty log. */
export async function newestAuditEntryAt(db: Db): Promise<string | undefined> {
  const row = await db
    .selectFrom('audit_log')
    .select('at')
    .orderBy('seq', 'desc')
    .limit(1)
    .executeTakeFirst()
  return row?.at
}

/** When the oldest audit entry was written: about when the installation began. */
export async function oldestAuditEntryAt(db: Db): Promise<string | undefined> {
  const row = await db
    .selectFrom('audit_log')
    .select('at')
    .orderBy('seq')
    .limit(1)
    .executeTakeFirst()
  return row?.at
}

/** The newest entry of this type in the installation's own chain (''), e.g. backup.made. */
export async function newestInstallationEvent(db: Db, type: string): Promise<string | undefined> {
  const row = await db
    .selectFrom('audit_log')
    .select('at')
    .where('chain', '=', '')
    .where('type', '=', type)
    .orderBy('seq', 'desc')
    .limit(1)
    .executeTakeFirst()
  return row?.at
}

/**
 * When the oldest audit entry not covered by a checkpoint signed at or before `at` was
 * written; undefined when every entry is covered. A checkpoint signs its chain's head, so
 * every entry up to the highest place signed by then is covered.
 */
export async function oldestEntryNotCoveredBy(db: Db, at: string): Promise<string | undefined> {
  const covered = await db
    .selectFrom('audit_checkpoints')
    .select((eb) => eb.fn.max('seq').as('upTo'))
    .where('at', '<=', at)
    .executeTakeFirst()
  const upTo = covered?.upTo ?? 0
  const row = await db
    .selectFrom('audit_log')
    .select('at')
    .where('seq', '>', upTo)
    .orderBy('seq')
    .limit(1)
    .executeTakeFirst()
  return row?.at
}

/** How many messages are set aside: centres' (on their pages) and the installation's own (on none). */
export async function countSetAsideMessages(
  db: Db,
): Promise<{ ofCentres: number; ofInstallation: number }> {
  const rows = await db
    .selectFrom('outbox')
    .select((eb) => [
      eb.case().when('centre_id', 'is', null).then(1).else(0).end().as('isOwn'),
      eb.fn.countAll<number>().as('n'),
    ])
    .where('sent_at', 'is', null)
    .where('set_aside_at', 'is not', null)
    .groupBy('isOwn')
    .execute()
  const count = (own: number) => rows.find((r) => r.isOwn === own)?.n ?? 0
  return { ofCentres: count(0), ofInstallation: count(1) }
}

/** The ids of the database's own disposal ledger: what the ledger file must also hold. */
export async function ledgerEntryIds(db: Db): Promise<string[]> {
  const rows = await db.selectFrom('disposal_ledger').select('id').execute()
  return rows.map((r) => r.id)
}
