import type { Selectable } from 'kysely'
import type { Db } from './database.ts'
import type { DisposalRunRow } from './schema-outward.ts'

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
}

export interface StoredDisposalItem {
  id: string
  runId: string
  itemKind: 'family' | 'incident' | 'guidance'
  itemId: string
  lastUsedOn: string
  dueOn: string
  /** Counts by category: { destroy: {...}, keep: {...}, whole: boolean } */
  counts: { destroy: Record<string, number>; keep: Record<string, number>; whole: boolean }
  outcome: 'disposed' | 'skipped' | undefined
}

export async function insertDisposalRun(db: Db, run: StoredDisposalRun): Promise<void> {
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

/** Claims a run for approval: false when it was approved, or replaced, first. */
export async function claimDisposalRun(
  db: Db,
  centreId: string,
  id: string,
  approval: { by: string; role: string; at: string },
): Promise<boolean> {
  const result = await db
    .updateTable('disposal_runs')
    .set({ approved_by: approval.by, approved_role: approval.role, approved_at: approval.at })
    .where('centre_id', '=', centreId)
    .where('id', '=', id)
    .where('status', '=', 'awaiting_approval')
    .where('approved_at', 'is', null)
    .executeTakeFirst()
  return result.numUpdatedRows === 1n
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
  return rows.map((row) => ({
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
  }))
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
  }
}
