import { scopeToCentre } from '../storage/centre-scope.ts'
import { lockCentre } from '../storage/audit-log.ts'
import type { Db } from '../storage/database.ts'
import { deferAuditOf, deferredTogether, writeDeferredAudit } from './audit.ts'
import { HavenError } from '../domain/errors.ts'
import type { AppContext } from './context.ts'

/**
 * Runs a use case as one transaction scoped to a centre: what a signed-in actor does can
 * touch no other centre's rows, even through a query that forgot its centre condition
 * (PostgreSQL row-level security; see src/storage/centre-scope.ts).
 *
 * It is also the centre's one writer while it runs (docs/decisions/0031): on PostgreSQL the
 * centre's lock is taken first, so every check-then-write inside (a room free at that time,
 * a family not booked elsewhere, the next family reference, a consent not yet given) reads
 * what no one else is changing; on SQLite, BEGIN IMMEDIATE does the same for the whole file.
 * Centres do not wait for each other.
 */
export async function inCentre<T>(
  ctx: AppContext,
  centreId: string,
  work: (trx: Db) => Promise<T>,
): Promise<T> {
  if (ctx.page) throw new HavenError('internal', 'a page read does not write')
  return ctx.db.transaction().execute(async (trx) => {
    await lockCentre(trx, centreId)
    await scopeToCentre(trx, centreId)
    return work(trx)
  })
}

/**
 * A read of a centre's records whose only write is its own audit entries: one snapshot,
 * scoped to the centre, taking no centre lock, read only, so a write inside fails rather than
 * slipping past the lock (on PostgreSQL, repeatable read, so every query sees the database as
 * it was at the first: a read-only transaction there never fails to serialise; on SQLite, in
 * the server, one of the connections that only read, whose transaction is one snapshot of the
 * WAL: decision 0048; where there are none, the one connection, held, so nothing changes under
 * it). The audit entries it records are not written in it: once it has read, they are handed to the audit writer, which commits those of every
 * read waiting at that moment together (src/app/audit.ts), and only when they are committed
 * does this return. Nothing read leaves Haven without its entry in the log.
 */
export async function auditedRead<T>(
  ctx: AppContext,
  centreId: string,
  work: (trx: Db) => Promise<T>,
): Promise<T> {
  // Inside a page's read: the page's snapshot, whose entries the page writes.
  if (ctx.page) return work(pageDb(ctx, centreId))
  const builder = ctx.db.transaction().setAccessMode('read only')
  const { result, deferred } = await (
    ctx.dialect === 'postgres' ? builder.setIsolationLevel('repeatable read') : builder
  ).execute(async (trx) => {
    const deferred = deferAuditOf(trx)
    await scopeToCentre(trx, centreId)
    return { result: await work(trx), deferred }
  })
  await writeDeferredAudit(ctx, deferred)
  return result
}

/**
 * A long read scoped to a centre that must not hold everyone else up. On SQLite a transaction
 * holds the process's one connection from BEGIN to COMMIT, so here each query runs on its own
 * and other requests go on between them; on PostgreSQL, where reads block no one, it is an
 * `auditedRead`: scoped by row-level security, without the centre's lock. The reads are not
 * one snapshot on SQLite: use it only where what was read is decided again before anything is done
 * with it.
 */
export async function readInCentre<T>(
  ctx: AppContext,
  centreId: string,
  work: (db: Db) => Promise<T>,
): Promise<T> {
  if (ctx.page || ctx.dialect === 'postgres') return auditedRead(ctx, centreId, work)
  return work(ctx.db)
}

/**
 * Every read of a page as one snapshot, one transaction and one group-committed batch of
 * audit entries: `work` is given a context whose use cases (`auditedRead`, `readInCentre`,
 * `requireAbility` and the rest) read through the page's transaction rather than each
 * opening its own, and read the centre's policy in force once. A use case that writes
 * (`inCentre`) is refused inside it: a page that writes is not a read. Each use case still
 * decides and records its own entries, as when called alone; they are committed together
 * once the page has read everything, before anything is shown.
 */
export async function onePageRead<T>(
  ctx: AppContext,
  centreId: string,
  work: (page: AppContext) => Promise<T>,
): Promise<T> {
  if (ctx.page) {
    pageDb(ctx, centreId)
    return work(ctx)
  }
  return auditedRead(ctx, centreId, (trx) =>
    work({ ...ctx, db: trx, page: { centreId, policies: new Map() } }),
  )
}

/**
 * Parts of a page's read that do not depend on one another, asked at once: their statements
 * reach the page's connection together, so the page waits for the database a few times rather
 * than once per statement (each wait, under load, is a turn behind every other request). Each
 * part decides and records as when called alone; its audit entries join the page's in the order
 * the parts are given. Every part is waited for, even when one fails, before the first failure
 * is thrown. Outside a read whose entries are held back (a page's), the parts run one after
 * another, as they were written.
 */
export async function pageTogether<T extends readonly unknown[]>(
  ctx: AppContext,
  ...parts: { [K in keyof T]: (page: AppContext) => Promise<T[K]> }
): Promise<T> {
  // Outside a page's read no entries are held back, and deferredTogether runs them in turn.
  const asked = parts.map((part) => (db: Db) => part({ ...ctx, db }))
  return (await deferredTogether(ctx.db, asked)) as unknown as T
}

/** The page's transaction, for a use case of the page's centre only. */
function pageDb(ctx: AppContext, centreId: string): Db {
  if (ctx.page?.centreId !== centreId)
    throw new HavenError('internal', "a page reads only its own centre's records")
  return ctx.db
}
