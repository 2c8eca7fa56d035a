import type { Selectable } from 'kysely'
import type { Db } from './database.ts'
import type { DisposalItemRow, DisposalRunRow } from './schema-outward.ts'

/** A disposal run: what was due on a day, who approved it, and its certificate. */
export interface StoredDisposalRun {
  id: string
  centreId: string
  asOf: string
  status: 'awaiting_approval' | 'completed' | 'superseded'
  policyVersion: number
  isAutomatic: boolean
  plannedAt: string
  approvedBy: string | undefined
  approvedRole: string | undefined
  approvedAt: string | undefined
  completedAt: string | undefined
  certificate: Record<string, unknown> | undefined
  /** Moved on by every change to what the run destroys; an approval names it. */
  version: number
  /** The policy's years without use when the run was planned (undefined: before migration 0016). */
  retentionYears: number | undefined
}

/** How a person kept a family out of a run: a legal hold, or this run only; why, who, when. */
export interface KeptOut {
  as: 'held' | 'excluded'
  reason: string | undefined
  by: string | undefined
  at: string | undefined
}

export interface StoredDisposalItem {
  id: string
  runId: string
  itemKind: 'family' | 'incident' | 'guidance'
  itemId: string
  lastUsedOn: string
  dueOn: string
  /** Counts by category: { destroy: {...}, keep: {...}, whole: boolean }, and the people. */
  counts: {
    destroy: Record<string, number>
    keep: Record<string, number>
    whole: boolean
    /** The family's people when planned (undefined for records alone and older runs). */
    people?: number | undefined
  }
  outcome: 'disposed' | 'skipped' | undefined
  /** The family's reference (never a name); undefined for a record standing alone. */
  reference: string | undefined
  /** Kept out of the run by a person (undefined: to be destroyed as planned). */
  kept: KeptOut | undefined
}

/** A run as it is first written: its version starts at 1. */
export type NewDisposalRun = Omit<StoredDisposalRun, 'version' | 'retentionYears'> & {
  retentionYears?: number | undefined
}

export async function insertDisposalRun(db: Db, run: NewDisposalRun): Promise<void> {
  await db
    .insertInto('disposal_runs')
    .values({
      id: run.id,
      centre_id: run.centreId,
      as_of: run.asOf,
      status: run.status,
      policy_version: run.policyVersion,
      is_automatic: run.isAutomatic ? 1 : 0,
      planned_at: run.plannedAt,
      approved_by: run.approvedBy ?? null,
      approved_role: run.approvedRole ?? null,
      approved_at: run.approvedAt ?? null,
      completed_at: run.completedAt ?? null,
      certificate: run.certificate === undefined ? null : JSON.stringify(run.certificate),
      retention_years: run.retentionYears ?? null,
    })
    .execute()
}

export async function insertDisposalItems(
  db: Db,
  centreId: string,
  items: readonly StoredDisposalItem[],
): Promise<void> {
  for (let i = 0; i < items.length; i += 200) {
    await db
      .insertInto('disposal_items')
      .values(
        items.slice(i, i + 200).map((item) => ({
          id: item.id,
          centre_id: centreId,
          run_id: item.runId,
          item_kind: item.itemKind,
          item_id: item.itemId,
          last_used_on: item.lastUsedOn,
          due_on: item.dueOn,
          counts: JSON.stringify(item.counts),
          outcome: item.outcome ?? null,
          reference: item.reference ?? null,
          kept_as: item.kept?.as ?? null,
          kept_reason: item.kept?.reason ?? null,
          kept_by: item.kept?.by ?? null,
          kept_at: item.kept?.at ?? null,
        })),
      )
      .execute()
  }
}

/** Every run still awaiting approval is replaced by a newer one. */
export async function supersedeAwaitingRuns(db: Db, centreId: string): Promise<void> {
  await db
    .updateTable('disposal_runs')
    .set({ status: 'superseded' })
    .where('centre_id', '=', centreId)
    .where('status', '=', 'awaiting_approval')
    .execute()
}

/**
 * Claims a run for approval: false when it was approved, or replaced, first, or (given the
 * version the approver saw) changed since.
 */
export async function claimDisposalRun(
  db: Db,
  centreId: string,
  id: string,
  approval: { by: string; role: string; at: string; version?: number | undefined },
): Promise<boolean> {
  let query = db
    .updateTable('disposal_runs')
    .set({ approved_by: approval.by, approved_role: approval.role, approved_at: approval.at })
    .where('centre_id', '=', centreId)
    .where('id', '=', id)
    .where('status', '=', 'awaiting_approval')
    .where('approved_at', 'is', null)
  if (approval.version !== undefined) query = query.where('version', '=', approval.version)
  const result = await query.executeTakeFirst()
  return result.numUpdatedRows === 1n
}

/**
 * Moves a waiting run's version on (what it destroys has changed): false when the run was
 * approved or replaced first. A conditional update, so it holds without the centre's lock too.
 */
export async function moveRunVersion(db: Db, centreId: string, id: string): Promise<boolean> {
  const result = await db
    .updateTable('disposal_runs')
    .set((eb) => ({ version: eb('version', '+', 1) }))
    .where('centre_id', '=', centreId)
    .where('id', '=', id)
    .where('status', '=', 'awaiting_approval')
    .where('approved_at', 'is', null)
    .executeTakeFirst()
  return result.numUpdatedRows === 1n
}

/** Moves on the version of every waiting run that lists the family (its hold changed). */
export async function moveVersionOfRunsWithFamily(
  db: Db,
  centreId: string,
  familyId: string,
): Promise<void> {
  await db
    .updateTable('disposal_runs')
    .set((eb) => ({ version: eb('version', '+', 1) }))
    .where('centre_id', '=', centreId)
    .where('status', '=', 'awaiting_approval')
    .where('approved_at', 'is', null)
    .where((eb) =>
      eb.exists(
        eb
          .selectFrom('disposal_items as i')
          .select('i.id')
          .where('i.centre_id', '=', centreId)
          .whereRef('i.run_id', '=', 'disposal_runs.id')
          .where('i.item_id', '=', familyId),
      ),
    )
    .execute()
}

/** Marks a family of a run as kept out of it: false when it already was. */
export async function keepItemOut(
  db: Db,
  centreId: string,
  runId: string,
  familyId: string,
  kept: { as: 'held' | 'excluded'; reason: string; by: string; at: string },
): Promise<boolean> {
  const result = await db
    .updateTable('disposal_items')
    .set({ kept_as: kept.as, kept_reason: kept.reason, kept_by: kept.by, kept_at: kept.at })
    .where('centre_id', '=', centreId)
    .where('run_id', '=', runId)
    .where('item_id', '=', familyId)
    .where('item_kind', '=', 'family')
    .where('kept_as', 'is', null)
    .where('outcome', 'is', null)
    .executeTakeFirst()
  return result.numUpdatedRows === 1n
}

/**
 * How many families the run would destroy now: its families not kept out of it, not on legal
 * hold and not already disposed of. The count an approval must name.
 */
export async function countFamiliesToDestroy(
  db: Db,
  centreId: string,
  runId: string,
): Promise<number> {
  const row = await db
    .selectFrom('disposal_items as i')
    .innerJoin('families as f', (j) =>
      j.onRef('f.centre_id', '=', 'i.centre_id').onRef('f.id', '=', 'i.item_id'),
    )
    .select((eb) => eb.fn.countAll<string | number>().as('n'))
    .where('i.centre_id', '=', centreId)
    .where('i.run_id', '=', runId)
    .where('i.item_kind', '=', 'family')
    .where('i.kept_as', 'is', null)
    .where('f.is_on_legal_hold', '=', 0)
    .where('f.disposed_on', 'is', null)
    .executeTakeFirstOrThrow()
  return Number(row.n)
}

/** How many records standing alone (no family) the run lists. */
export async function countStandaloneItems(
  db: Db,
  centreId: string,
  runId: string,
): Promise<number> {
  const row = await db
    .selectFrom('disposal_items')
    .select((eb) => eb.fn.countAll<string | number>().as('n'))
    .where('centre_id', '=', centreId)
    .where('run_id', '=', runId)
    .where('item_kind', '!=', 'family')
    .executeTakeFirstOrThrow()
  return Number(row.n)
}

/** Families kept out of earlier waiting runs (this run only), to carry into the run replacing them. */
export async function exclusionsOfWaitingRuns(
  db: Db,
  centreId: string,
): Promise<Map<string, KeptOut>> {
  const rows = await db
    .selectFrom('disposal_items as i')
    .innerJoin('disposal_runs as r', (j) =>
      j.onRef('r.centre_id', '=', 'i.centre_id').onRef('r.id', '=', 'i.run_id'),
    )
    .select(['i.item_id', 'i.kept_reason', 'i.kept_by', 'i.kept_at'])
    .where('i.centre_id', '=', centreId)
    .where('r.status', '=', 'awaiting_approval')
    .where('r.approved_at', 'is', null)
    .where('i.kept_as', '=', 'excluded')
    .execute()
  return new Map(
    rows.map((r) => [
      r.item_id,
      {
        as: 'excluded',
        reason: r.kept_reason ?? undefined,
        by: r.kept_by ?? undefined,
        at: r.kept_at ?? undefined,
      },
    ]),
  )
}

/** An item of a run as a page lists it: with whether its family is on legal hold now. */
export interface ListedDisposalItem extends StoredDisposalItem {
  isFamilyOnHold: boolean
}

/**
 * A page of a run's items in the order a person looks for them: families by reference, then
 * records standing alone. A run's items never change, so a page by position is stable.
 */
export async function listRunItemsByReference(
  db: Db,
  centreId: string,
  runId: string,
  page: { offset: number; limit: number },
): Promise<ListedDisposalItem[]> {
  const rows = await db
    .selectFrom('disposal_items as i')
    .leftJoin('families as f', (j) =>
      j.onRef('f.centre_id', '=', 'i.centre_id').onRef('f.id', '=', 'i.item_id'),
    )
    .selectAll('i')
    .select('f.is_on_legal_hold')
    .where('i.centre_id', '=', centreId)
    .where('i.run_id', '=', runId)
    .orderBy('i.reference', (ob) => ob.asc().nullsLast())
    .orderBy('i.item_id')
    .limit(page.limit)
    .offset(page.offset)
    .execute()
  return rows.map((row) => ({ ...toItem(row), isFamilyOnHold: row.is_on_legal_hold === 1 }))
}

/** One family of a run, with whether it is on legal hold now. */
export async function findRunFamily(
  db: Db,
  centreId: string,
  runId: string,
  familyId: string,
): Promise<ListedDisposalItem | undefined> {
  const row = await db
    .selectFrom('disposal_items as i')
    .leftJoin('families as f', (j) =>
      j.onRef('f.centre_id', '=', 'i.centre_id').onRef('f.id', '=', 'i.item_id'),
    )
    .selectAll('i')
    .select('f.is_on_legal_hold')
    .where('i.centre_id', '=', centreId)
    .where('i.run_id', '=', runId)
    .where('i.item_id', '=', familyId)
    .where('i.item_kind', '=', 'family')
    .executeTakeFirst()
  return row && { ...toItem(row), isFamilyOnHold: row.is_on_legal_hold === 1 }
}

/** The families a run kept back, by reference: held (a legal hold, by a person or found at carrying out) or excluded. */
export async function familiesKeptBack(
  db: Db,
  centreId: string,
  runId: string,
): Promise<{ reference: string; as: 'held' | 'excluded' }[]> {
  const rows = await db
    .selectFrom('disposal_items as i')
    .leftJoin('families as f', (j) =>
      j.onRef('f.centre_id', '=', 'i.centre_id').onRef('f.id', '=', 'i.item_id'),
    )
    .select(['i.reference', 'i.kept_as', 'f.is_on_legal_hold'])
    .where('i.centre_id', '=', centreId)
    .where('i.run_id', '=', runId)
    .where('i.item_kind', '=', 'family')
    .where('i.outcome', '=', 'skipped')
    .where((eb) => eb.or([eb('i.kept_as', 'is not', null), eb('f.is_on_legal_hold', '=', 1)]))
    .orderBy('i.reference')
    .execute()
  return rows.map((r) => ({
    reference: r.reference ?? '',
    as: r.kept_as === 'excluded' ? 'excluded' : 'held',
  }))
}

export async function completeDisposalRun(
  db: Db,
  centreId: string,
  id: string,
  change: { completedAt: string; certificate: Record<string, unknown> },
): Promise<void> {
  await db
    .updateTable('disposal_runs')
    .set({
      status: 'completed',
      completed_at: change.completedAt,
      certificate: JSON.stringify(change.certificate),
    })
    .where('centre_id', '=', centreId)
    .where('id', '=', id)
    .execute()
}

export async function setItemOutcomes(
  db: Db,
  centreId: string,
  runId: string,
  itemIds: readonly string[],
  outcome: 'disposed' | 'skipped',
): Promise<void> {
  if (itemIds.length === 0) return
  await db
    .updateTable('disposal_items')
    .set({ outcome })
    .where('centre_id', '=', centreId)
    .where('run_id', '=', runId)
    .where('item_id', 'in', [...itemIds])
    .execute()
}

export async function findDisposalRun(
  db: Db,
  centreId: string,
  id: string,
): Promise<StoredDisposalRun | undefined> {
  const row = await db
    .selectFrom('disposal_runs')
    .selectAll()
    .where('centre_id', '=', centreId)
    .where('id', '=', id)
    .executeTakeFirst()
  return row && toRun(row)
}

export async function listDisposalRuns(
  db: Db,
  centreId: string,
  limit: number,
): Promise<StoredDisposalRun[]> {
  const rows = await db
    .selectFrom('disposal_runs')
    .selectAll()
    .where('centre_id', '=', centreId)
    .orderBy('planned_at', 'desc')
    .orderBy('id')
    .limit(limit)
    .execute()
  return rows.map(toRun)
}

export async function listDisposalItems(
  db: Db,
  centreId: string,
  runId: string,
  page: { afterId: string; limit: number },
): Promise<StoredDisposalItem[]> {
  const rows = await db
    .selectFrom('disposal_items')
    .selectAll()
    .where('centre_id', '=', centreId)
    .where('run_id', '=', runId)
    .where('item_id', '>', page.afterId)
    .orderBy('item_id')
    .limit(page.limit)
    .execute()
  return rows.map(toItem)
}

/** The ledger of what was destroyed: ids and categories, never content; never changed. */
export interface LedgerEntry {
  id: string
  centreId: string
  runId: string
  itemKind: string
  itemId: string
  categories: string[]
  disposedAt: string
}

export async function appendLedger(db: Db, entries: readonly LedgerEntry[]): Promise<void> {
  for (let i = 0; i < entries.length; i += 200) {
    await db
      .insertInto('disposal_ledger')
      .values(
        entries.slice(i, i + 200).map((e) => ({
          id: e.id,
          centre_id: e.centreId,
          run_id: e.runId,
          item_kind: e.itemKind,
          item_id: e.itemId,
          categories: JSON.stringify(e.categories),
          disposed_at: e.disposedAt,
        })),
      )
      .execute()
  }
}

export async function listLedger(db: Db, since?: string): Promise<LedgerEntry[]> {
  let query = db.selectFrom('disposal_ledger').selectAll()
  if (since !== undefined) query = query.where('disposed_at', '>', since)
  const rows = await query.orderBy('disposed_at').orderBy('id').execute()
  return rows.map((row) => ({
    id: row.id,
    centreId: row.centre_id,
    runId: row.run_id,
    itemKind: row.item_kind,
    itemId: row.item_id,
    categories: JSON.parse(row.categories) as string[],
    disposedAt: row.disposed_at,
  }))
}

function toItem(row: Selectable<DisposalItemRow>): StoredDisposalItem {
  return {
    id: row.id,
    runId: row.run_id,
    itemKind:
      row.item_kind === 'family'
        ? 'family'
        : row.item_kind === 'guidance'
          ? 'guidance'
          : 'incident',
    itemId: row.item_id,
    lastUsedOn: row.last_used_on,
    dueOn: row.due_on,
    counts: JSON.parse(row.counts) as StoredDisposalItem['counts'],
    outcome:
      row.outcome === 'disposed' ? 'disposed' : row.outcome === 'skipped' ? 'skipped' : undefined,
    reference: row.reference ?? undefined,
    kept:
      row.kept_as === 'held' || row.kept_as === 'excluded'
        ? {
            as: row.kept_as,
            reason: row.kept_reason ?? undefined,
            by: row.kept_by ?? undefined,
            at: row.kept_at ?? undefined,
          }
        : undefined,
  }
}

function toRun(row: Selectable<DisposalRunRow>): StoredDisposalRun {
  return {
    id: row.id,
    centreId: row.centre_id,
    asOf: row.as_of,
    status:
      row.status === 'completed'
        ? 'completed'
        : row.status === 'superseded'
          ? 'superseded'
          : 'awaiting_approval',
    policyVersion: row.policy_version,
    isAutomatic: row.is_automatic === 1,
    plannedAt: row.planned_at,
    approvedBy: row.approved_by ?? undefined,
    approvedRole: row.approved_role ?? undefined,
    approvedAt: row.approved_at ?? undefined,
    completedAt: row.completed_at ?? undefined,
    certificate:
      row.certificate === null
        ? undefined
        : (JSON.parse(row.certificate) as Record<string, unknown>),
    version: row.version,
    retentionYears: row.retention_years ?? undefined,
  }
}
