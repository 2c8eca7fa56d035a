import { addDays, addMonths } from '../domain/calendar.ts'
import { HavenError } from '../domain/errors.ts'
import {
  addCounts,
  disposalDecision,
  planFamilyDisposal,
  type CategoryCounts,
} from '../domain/outward/disposal.ts'
import type { CompiledPolicy } from '../domain/policy/engine.ts'
import type { Db } from '../storage/database.ts'
import {
  countRecordsOfFamilies,
  destroyFamilyRecords,
  familyStatesForReapply,
  ledgerIdsPresent,
  destroyStandaloneRecords,
  flushDeletedPages,
  listUnusedFamilies,
} from '../storage/disposal.ts'
import {
  appendLedger,
  completeDisposalRun,
  familiesKeptBack,
  findDisposalRun,
  listDisposalItems,
  setItemOutcomes,
  type LedgerEntry,
  type StoredDisposalItem,
} from '../storage/disposal-runs.ts'
import { recordEvent } from './audit.ts'
import { appendLedgerFile, markLedgerBatch, readLedgerFile } from './disposal-ledger-file.ts'
import { todayAtCentre } from './case-access.ts'
import type { AppContext } from './context.ts'
import { inCentre } from './in-centre.ts'
import type { Actor } from './actor.ts'
import { policyActor, policyInForce } from './policy-access.ts'

const PAGE = 250

/** What a disposal run destroyed, with no personal data: counts, categories, clause, who, when. */
export interface DisposalCertificate {
  runId: string
  clause: 'RETAIN'
  policyVersion: number
  asOf: string
  completedAt: string
  approvedBy: { role: string; accountId: string } | 'automatic'
  families: { wholly: number; partly: number }
  standaloneRecords: number
  destroyed: CategoryCounts
  kept: CategoryCounts
  skipped: number
  /**
   * The families kept back, by reference (never a name, never the reason given): on legal
   * hold (kept until it is lifted) or excluded from this run by a person (decision 0041).
   */
  keptBack?: { reference: string; as: 'held' | 'excluded' }[]
}

/**
 * Carries out an approved run, a page of items per transaction: each family is decided again
 * on today's facts (one used or put on hold since the plan is skipped), its key and sealed
 * fields destroyed first, then its due records; each item goes into the disposal ledger
 * (ids and categories only), which outlives backups. Resumable: a page done stays done.
 */
export async function carryOutDisposalRun(
  ctx: AppContext,
  centreId: string,
  runId: string,
  /** Who carries it out: the approver, or the operator's schedule where disposal is automatic. */
  by: Actor,
): Promise<DisposalCertificate> {
  let destroyed: CategoryCounts = {}
  let kept: CategoryCounts = {}
  let skipped = 0
  const families = { wholly: 0, partly: 0 }
  let standaloneRecords = 0
  for (let afterId = ''; ;) {
    const batch = ctx.newId()
    const page = await inCentre(ctx, centreId, async (trx) => {
      const items = await listDisposalItems(trx, centreId, runId, { afterId, limit: PAGE })
      const policy = await policyInForce(ctx, trx, centreId)
      const done = await destroyPage(ctx, trx, centreId, policy, runId, items, by, batch)
      return { items, done }
    })
    // On a failure the batch stays unmarked, so its lines destroy nothing at a restore: the
    // commit's outcome may be unknown (a connection lost during COMMIT), so it is settled
    // later from the database (settleLedgerFile), not guessed here.
    if (page.done.wroteLedger)
      await markLedgerBatch(ctx.disposalLedgerFile, ctx.masterKey, batch, 'committed')
    if (page.items.length === 0) break
    afterId = page.items.at(-1)?.itemId ?? afterId
    destroyed = addCounts(destroyed, page.done.destroyed)
    kept = addCounts(kept, page.done.kept)
    skipped += page.done.skipped
    families.wholly += page.done.wholly
    families.partly += page.done.partly
    standaloneRecords += page.done.standalone
  }
  await flushDeletedPages(ctx.db, ctx.dialect)
  return inCentre(ctx, centreId, async (trx) => {
    const run = await findDisposalRun(trx, centreId, runId)
    if (!run) throw new HavenError('not_found', 'no such disposal run')
    const certificate: DisposalCertificate = {
      runId,
      clause: 'RETAIN',
      policyVersion: run.policyVersion,
      asOf: run.asOf,
      completedAt: ctx.now().toISOString(),
      approvedBy:
        run.approvedRole === 'automatic' || run.approvedRole === undefined
          ? 'automatic'
          : { role: run.approvedRole, accountId: run.approvedBy ?? '' },
      families,
      standaloneRecords,
      destroyed,
      kept,
      skipped,
      keptBack: await familiesKeptBack(trx, centreId, runId),
    }
    await completeDisposalRun(trx, centreId, runId, {
      completedAt: certificate.completedAt,
      certificate: { ...certificate },
    })
    await recordEvent(trx, {
      type: 'disposal.completed',
      at: ctx.now(),
      centreId,
      subjectId: runId,
      details: { families, standaloneRecords, destroyed, skipped },
    })
    return certificate
  })
}

async function destroyPage(
  ctx: AppContext,
  trx: Db,
  centreId: string,
  policy: CompiledPolicy,
  runId: string,
  items: readonly StoredDisposalItem[],
  by: Actor,
  batch: string,
) {
  const today = todayAtCentre(ctx)
  const decider = policyActor(by, 'none')
  const pending = items.filter((i) => i.outcome === undefined)
  // A family a person kept out of the run (held or excluded) is never destroyed by it.
  const familyItems = pending.filter((i) => i.itemKind === 'family' && i.kept === undefined)
  const fresh = await listUnusedFamilies(
    trx,
    centreId,
    addDays(addMonths(today, -12 * policy.parameters.retention.years), 3),
    { afterId: '', limit: familyItems.length, ids: familyItems.map((i) => i.itemId) },
  )
  const plans = fresh.flatMap((family) => {
    const plan = planFamilyDisposal(
      policy,
      decider,
      { lastUsedOn: family.lastUsedOn, isOnLegalHold: false, counts: family.counts },
      today,
    )
    return plan ? [{ id: family.id, ...plan }] : []
  })
  const records = pending.filter((i) => i.itemKind !== 'family')
  const stillDue = records.filter((record) => {
    const category = Object.keys(record.counts.destroy)[0] ?? 'incident'
    return (
      disposalDecision(policy, decider, category as 'incident', record.lastUsedOn, false, today)
        .effect === 'permit'
    )
  })
  const on = today
  await destroyFamilyRecords(
    trx,
    centreId,
    plans.map((p) => ({
      id: p.id,
      destroy: Object.keys(p.destroy),
      keep: Object.keys(p.keep),
      isWhollyDestroyed: p.isWhollyDestroyed,
    })),
    on,
  )
  await destroyStandaloneRecords(
    trx,
    centreId,
    stillDue.map((r) => ({
      kind: r.itemKind === 'guidance' ? 'guidance' : 'incident',
      id: r.itemId,
    })),
  )
  const disposedIds = [...plans.map((p) => p.id), ...stillDue.map((r) => r.itemId)]
  const disposed = new Set(disposedIds)
  await setItemOutcomes(trx, centreId, runId, disposedIds, 'disposed')
  await setItemOutcomes(
    trx,
    centreId,
    runId,
    pending.filter((i) => !disposed.has(i.itemId)).map((i) => i.itemId),
    'skipped',
  )
  const at = ctx.now().toISOString()
  const ledger = [
    ...plans.map((p) => ({
      id: ctx.newId(),
      centreId,
      runId,
      itemKind: 'family',
      itemId: p.id,
      categories: Object.keys(p.destroy),
      disposedAt: at,
    })),
    ...stillDue.map((r) => ({
      id: ctx.newId(),
      centreId,
      runId,
      itemKind: r.itemKind,
      itemId: r.itemId,
      categories: Object.keys(r.counts.destroy),
      disposedAt: at,
    })),
  ]
  await appendLedger(trx, ledger)
  // Outside the database too, before this transaction commits (docs/decisions/0016): the
  // intent, marked committed once it has (carryOutDisposalRun).
  await appendLedgerFile(ctx.disposalLedgerFile, ctx.masterKey, ledger, batch)
  let destroyed: CategoryCounts = {}
  let kept: CategoryCounts = {}
  for (const p of plans) {
    destroyed = addCounts(destroyed, p.destroy)
    kept = addCounts(kept, p.keep)
  }
  for (const r of stillDue) destroyed = addCounts(destroyed, r.counts.destroy)
  return {
    destroyed,
    kept,
    skipped: pending.length - disposed.size,
    wholly: plans.filter((p) => p.isWhollyDestroyed).length,
    partly: plans.filter((p) => !p.isWhollyDestroyed).length,
    standalone: stillDue.length,
    wroteLedger: ctx.disposalLedgerFile !== undefined && ledger.length > 0,
  }
}

/** A ledger line not applied again, and why. */
export interface SkippedDisposal {
  centreId: string
  itemId: string
  reason: 'legal_hold' | 'used_since'
}

/**
 * Applies again, inside the caller's transaction (a restore's), every disposal in the ledger
 * that the database has not seen (RETAIN): the same categories of the same families and
 * records are destroyed, keys first, as they were. Never a family on legal hold, nor one used
 * after its line was written (the line then cannot be the disposal of this family as it is
 * now): those are skipped and reported.
 */
export async function reapplyDisposalsIn(
  ctx: AppContext,
  trx: Db,
  entries: readonly LedgerEntry[],
): Promise<{ applied: number; skipped: SkippedDisposal[] }> {
  let applied = 0
  const skipped: SkippedDisposal[] = []
  const centres = [...new Set(entries.map((e) => e.centreId))]
  for (const centreId of centres) {
    const own = entries.filter((e) => e.centreId === centreId)
    for (let i = 0; i < own.length; i += PAGE) {
      const page = own.slice(i, i + PAGE)
      const seen = await ledgerIdsPresent(
        trx,
        page.map((e) => e.id),
      )
      const unseen = page.filter((e) => !seen.has(e.id))
      const skippedBefore = skipped.length
      const states = await familyStatesForReapply(
        trx,
        centreId,
        unseen.filter((e) => e.itemKind === 'family').map((e) => e.itemId),
      )
      const due = unseen.filter((e) => {
        const state = e.itemKind === 'family' ? states.get(e.itemId) : undefined
        if (state === undefined) return true
        const reason = state.isOnLegalHold
          ? 'legal_hold'
          : state.lastActivityAt > e.disposedAt
            ? 'used_since'
            : undefined
        if (reason !== undefined) skipped.push({ centreId, itemId: e.itemId, reason })
        return reason === undefined
      })
      const families = due.filter((e) => e.itemKind === 'family' && states.has(e.itemId))
      const counts = await countRecordsOfFamilies(
        trx,
        centreId,
        families.map((e) => e.itemId),
      )
      await destroyFamilyRecords(
        trx,
        centreId,
        families.map((e) => {
          const keep = Object.entries(counts.get(e.itemId) ?? {})
            .filter(([category, n]) => n > 0 && !e.categories.includes(category))
            .map(([category]) => category)
          return {
            id: e.itemId,
            destroy: e.categories,
            keep,
            isWhollyDestroyed: keep.length === 0,
          }
        }),
        todayAtCentre(ctx),
      )
      await destroyStandaloneRecords(
        trx,
        centreId,
        due
          .filter((e) => e.itemKind !== 'family')
          .map((e) => ({
            kind: e.itemKind === 'guidance' ? 'guidance' : 'incident',
            id: e.itemId,
          })),
      )
      await appendLedger(trx, due)
      const skippedHere = skipped.length - skippedBefore
      if (due.length > 0 || skippedHere > 0)
        await recordEvent(trx, {
          type: 'disposal.reapplied',
          at: ctx.now(),
          centreId,
          details: { items: due.length, skipped: skippedHere },
        })
      applied += due.length
    }
  }
  return { applied, skipped }
}

/** A batch younger than this may belong to a disposal still running: it is left alone. */
const SETTLE_AFTER_MS = 10 * 60_000

/**
 * Settles the ledger file's batches that have no mark (issue 16): a crash between a
 * disposal's commit and its mark, or a failure (whose commit may or may not have happened).
 * The database's own ledger says which: its lines are there if the disposal committed. Run
 * when the server starts and daily; batches written in the last ten minutes are left for a
 * later run, as another process may still be carrying them out. Returns how many batches
 * were marked each way.
 */
export async function settleLedgerFile(
  ctx: AppContext,
): Promise<{ committed: number; abandoned: number }> {
  const file = ctx.disposalLedgerFile
  const settled = { committed: 0, abandoned: 0 }
  if (file === undefined) return settled
  const { unmarked } = readLedgerFile(file, ctx.masterKey)
  const settledBefore = new Date(ctx.now().getTime() - SETTLE_AFTER_MS).toISOString()
  for (const [batch, entries] of unmarked) {
    if (entries.some((e) => e.disposedAt > settledBefore)) continue
    const present = await ledgerIdsPresent(
      ctx.db,
      entries.map((e) => e.id),
    )
    const mark = present.size > 0 ? 'committed' : 'abandoned'
    await markLedgerBatch(file, ctx.masterKey, batch, mark)
    settled[mark] += 1
  }
  return settled
}
