import { PostgresAdapter, sql } from 'kysely'
import type { Db } from './database.ts'

/** A centre: the tenant every other record belongs to. */
export interface Centre {
  id: string
  slug: string
  name: string
  isDemo: boolean
  /** Named on the public front page: the centre's choice, off unless it says so. */
  isPubliclyListed: boolean
  createdAt: string
  /** When the centre was closed on this installation (docs/decisions/0047); unset while open. */
  closedAt?: string | undefined
}

type CentreSelection = {
  id: string
  slug: string
  name: string
  is_demo: number
  publicly_listed: number
  created_at: string
  closed_at: string | null
}

function toCentre(row: CentreSelection): Centre {
  return {
    id: row.id,
    slug: row.slug,
    name: row.name,
    isDemo: row.is_demo === 1,
    isPubliclyListed: row.publicly_listed === 1,
    createdAt: row.created_at,
    closedAt: row.closed_at ?? undefined,
  }
}

const CENTRE_COLUMNS = [
  'id',
  'slug',
  'name',
  'is_demo',
  'publicly_listed',
  'created_at',
  'closed_at',
] as const

export async function insertCentre(db: Db, centre: Centre): Promise<void> {
  await db
    .insertInto('centres')
    .values({
      id: centre.id,
      slug: centre.slug,
      name: centre.name,
      is_demo: centre.isDemo ? 1 : 0,
      publicly_listed: centre.isPubliclyListed ? 1 : 0,
      created_at: centre.createdAt,
    })
    .execute()
}

export async function findCentreBySlug(db: Db, slug: string): Promise<Centre | undefined> {
  const row = await db
    .selectFrom('centres')
    .select(CENTRE_COLUMNS)
    .where('slug', '=', slug)
    .executeTakeFirst()
  return row && toCentre(row)
}

export async function listCentres(db: Db): Promise<Centre[]> {
  const rows = await db
    .selectFrom('centres')
    .select(CENTRE_COLUMNS)
    .orderBy('created_at')
    .orderBy('id')
    .execute()
  return rows.map(toCentre)
}

/** The centres that chose to be named on the front page: names and slugs, nothing else. */
export async function listPubliclyListedCentres(
  db: Db,
): Promise<{ name: string; slug: string; isDemo: boolean }[]> {
  const rows = await db
    .selectFrom('centres')
    .select(['name', 'slug', 'is_demo'])
    .where('publicly_listed', '=', 1)
    .where('closed_at', 'is', null)
    .orderBy('name')
    .orderBy('slug')
    .execute()
  return rows.map((row) => ({ name: row.name, slug: row.slug, isDemo: row.is_demo === 1 }))
}

export async function isCentrePubliclyListed(db: Db, centreId: string): Promise<boolean> {
  const row = await db
    .selectFrom('centres')
    .select('publicly_listed')
    .where('id', '=', centreId)
    .executeTakeFirst()
  return row?.publicly_listed === 1
}

export async function setCentrePubliclyListed(
  db: Db,
  centreId: string,
  isListed: boolean,
): Promise<void> {
  await db
    .updateTable('centres')
    .set({ publicly_listed: isListed ? 1 : 0 })
    .where('id', '=', centreId)
    .execute()
}

export async function countCentres(db: Db): Promise<number> {
  const row = await db
    .selectFrom('centres')
    .select((eb) => eb.fn.countAll<number | string>().as('count'))
    .executeTakeFirstOrThrow()
  return Number(row.count)
}

/**
 * Serialises centre creation across processes for the rest of the transaction. SQLite's
 * transactions already hold the write lock from BEGIN IMMEDIATE; PostgreSQL takes an advisory
 * lock, so "create only if there is none" cannot run twice at once.
 */
export async function lockCentreCreation(trx: Db): Promise<void> {
  if (trx.getExecutor().adapter instanceof PostgresAdapter) {
    await sql`select pg_advisory_xact_lock(7243001)`.execute(trx)
  }
}

export async function findCentre(db: Db, id: string): Promise<Centre | undefined> {
  const row = await db
    .selectFrom('centres')
    .select(CENTRE_COLUMNS)
    .where('id', '=', id)
    .executeTakeFirst()
  return row && toCentre(row)
}

/** Closes a centre, or reopens it with `undefined`. True when the centre's state changed. */
export async function setCentreClosedAt(
  db: Db,
  centreId: string,
  closedAt: string | undefined,
): Promise<boolean> {
  const result = await db
    .updateTable('centres')
    .set({ closed_at: closedAt ?? null })
    .where('id', '=', centreId)
    .where('closed_at', closedAt === undefined ? 'is not' : 'is', null)
    .executeTakeFirst()
  return result.numUpdatedRows > 0n
}

export async function isSecondFactorRequiredForAll(db: Db, centreId: string): Promise<boolean> {
  const row = await db
    .selectFrom('centres')
    .select('requires_second_factor_for_all')
    .where('id', '=', centreId)
    .executeTakeFirst()
  return row?.requires_second_factor_for_all === 1
}

export async function setSecondFactorRequiredForAll(
  db: Db,
  centreId: string,
  required: boolean,
): Promise<void> {
  await db
    .updateTable('centres')
    .set({ requires_second_factor_for_all: required ? 1 : 0 })
    .where('id', '=', centreId)
    .execute()
}

/** Minutes between one parent's arrival (or departure) and the other's, at this centre. */
export async function staggerMinutesOf(db: Db, centreId: string): Promise<number> {
  const row = await db
    .selectFrom('centres')
    .select('stagger_minutes')
    .where('id', '=', centreId)
    .executeTakeFirst()
  return row?.stagger_minutes ?? 15
}

export async function setStaggerMinutes(db: Db, centreId: string, minutes: number): Promise<void> {
  await db
    .updateTable('centres')
    .set({ stagger_minutes: minutes })
    .where('id', '=', centreId)
    .execute()
}

/** How many centres hold real families (a demo centre's are made up): a host has two or more. */
export async function countRealCentres(db: Db): Promise<number> {
  const { n } = await db
    .selectFrom('centres')
    .select((eb) => eb.fn.countAll<number | string>().as('n'))
    .where('is_demo', '=', 0)
    .executeTakeFirstOrThrow()
  return Number(n)
}
