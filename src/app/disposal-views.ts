import { ukDateOf } from '../domain/calendar.ts'
import { KEEP_REASON_MAX } from './contracts/retention.ts'
import { HavenError } from '../domain/errors.ts'
import { disposalCertificateDocument } from '../domain/outward/documents.ts'
import { categoryWords, roleWords } from '../domain/policy/words.ts'
import { findCentre } from '../storage/centres.ts'
import type { Db } from '../storage/database.ts'
import {
  countFamiliesToDestroy,
  countStandaloneItems,
  findDisposalRun,
  findRunFamily,
  keepItemOut,
  listDisposalItems,
  listDisposalRuns as listStoredRuns,
  listRunItemsByReference,
  moveRunVersion,
  moveVersionOfRunsWithFamily,
  type KeptOut,
  type ListedDisposalItem,
  type StoredDisposalItem,
  type StoredDisposalRun,
} from '../storage/disposal-runs.ts'
import { findFamily, findLegalHold, setFamilyLegalHold } from '../storage/families.ts'
import type { Actor } from './actor.ts'
import { recordEvent } from './audit.ts'
import type { AppContext } from './context.ts'
import type { DisposalCertificate } from './disposal-execution.ts'
import { auditedRead, inCentre } from './in-centre.ts'
import { renderPdf } from './pdf.ts'
import { policyInForce, requireAbility } from './policy-access.ts'

export interface DisposalRunView {
  id: string
  asOf: string
  status: string
  policyVersion: number
  isAutomatic: boolean
  plannedAt: string
  approved: { by: string | null; role: string | null; at: string } | null
  completedAt: string | null
  certificate: Record<string, unknown> | null
  /** Moved on by every change to what the run destroys; an approval from a page names it. */
  version: number
  /** The policy's years without use the run was planned under (null: an older run). */
  retentionYears: number | null
}

async function assertReader(ctx: AppContext, actor: Actor): Promise<void> {
  await requireAbility(ctx, actor, 'read_disposals')
}

const runView = (run: StoredDisposalRun): DisposalRunView => ({
  id: run.id,
  asOf: run.asOf,
  status:
    run.status === 'awaiting_approval' && run.approvedAt !== undefined ? 'in_progress' : run.status,
  policyVersion: run.policyVersion,
  isAutomatic: run.isAutomatic,
  plannedAt: run.plannedAt,
  approved:
    run.approvedAt === undefined
      ? null
      : { by: run.approvedBy ?? null, role: run.approvedRole ?? null, at: run.approvedAt },
  completedAt: run.completedAt ?? null,
  certificate: run.certificate ?? null,
  version: run.version,
  retentionYears: run.retentionYears ?? null,
})

/** How the policy in force disposes (RETAIN): its years, and whether runs wait for approval. */
export async function retentionInForce(
  ctx: AppContext,
  actor: Actor,
): Promise<{ years: number; isAutomatic: boolean }> {
  await assertReader(ctx, actor)
  return auditedRead(ctx, actor.centreId, async (trx) => {
    const { retention } = (await policyInForce(ctx, trx, actor.centreId)).parameters
    return { years: retention.years, isAutomatic: retention.isAutomatic }
  })
}

/** The centre's disposal runs, newest first (RETAIN): for the coordinator and the committee. */
export async function listDisposalRuns(ctx: AppContext, actor: Actor): Promise<DisposalRunView[]> {
  await assertReader(ctx, actor)
  return auditedRead(ctx, actor.centreId, async (trx) =>
    (await listStoredRuns(trx, actor.centreId, 100)).map(runView),
  )
}

/**
 * One run and a page of its items: what is due, family by family (ids, references, dates and
 * counts by category; the coordinator opens a family to see who it is, as the policy lets
 * them), and how many families it would destroy now.
 */
export async function readDisposalRun(
  ctx: AppContext,
  actor: Actor,
  runId: string,
  page: { afterId: string; limit: number },
): Promise<DisposalRunView & { familiesToDestroy: number; items: StoredDisposalItem[] }> {
  await assertReader(ctx, actor)
  return auditedRead(ctx, actor.centreId, async (trx) => {
    const run = await runOf(trx, actor, runId)
    const items = await listDisposalItems(trx, actor.centreId, runId, page)
    const familiesToDestroy = await countFamiliesToDestroy(trx, actor.centreId, runId)
    return { ...runView(run), familiesToDestroy, items }
  })
}

/** Where an item of a run stands. */
export type DisposalItemState = 'to_destroy' | 'held' | 'excluded' | 'disposed' | 'skipped'

/** An item of a run as its page shows it: by reference, what goes, what stays, why it is due. */
export interface DisposalItemView {
  itemKind: StoredDisposalItem['itemKind']
  itemId: string
  reference: string | undefined
  lastUsedOn: string
  dueOn: string
  destroy: Record<string, number>
  keep: Record<string, number>
  people: number | undefined
  isWhollyDestroyed: boolean
  state: DisposalItemState
  /** How and why a person kept it out of the run (the reason is shown to disposal's readers only). */
  kept: KeptOut | undefined
}

const stateOf = (item: ListedDisposalItem): DisposalItemState => {
  if (item.outcome === 'disposed') return 'disposed'
  if (item.kept) return item.kept.as
  if (item.isFamilyOnHold && item.itemKind === 'family') return 'held'
  return item.outcome === 'skipped' ? 'skipped' : 'to_destroy'
}

/**
 * A run as its page shows it (RETAIN): a page of its items, families by reference, each with
 * what it destroys and keeps and why it is due; how many families it destroys now and how many
 * records with no family; whether the reader may keep a family out of it or approve it.
 */
export async function reviewDisposalRun(
  ctx: AppContext,
  actor: Actor,
  runId: string,
  page: { number: number; size: number },
): Promise<
  DisposalRunView & {
    familiesToDestroy: number
    standaloneRecords: number
    items: DisposalItemView[]
    hasNext: boolean
  }
> {
  await assertReader(ctx, actor)
  return auditedRead(ctx, actor.centreId, async (trx) => {
    const run = await runOf(trx, actor, runId)
    const listed = await listRunItemsByReference(trx, actor.centreId, runId, {
      offset: (page.number - 1) * page.size,
      limit: page.size + 1,
    })
    return {
      ...runView(run),
      familiesToDestroy: await countFamiliesToDestroy(trx, actor.centreId, runId),
      standaloneRecords: await countStandaloneItems(trx, actor.centreId, runId),
      hasNext: listed.length > page.size,
      items: listed.slice(0, page.size).map(itemView),
    }
  })
}

/** An item of a run as its pages show it. */
function itemView(item: ListedDisposalItem): DisposalItemView {
  return {
    itemKind: item.itemKind,
    itemId: item.itemId,
    reference: item.reference,
    lastUsedOn: item.lastUsedOn,
    dueOn: item.dueOn,
    destroy: item.counts.destroy,
    keep: item.counts.keep,
    people: item.counts.people,
    isWhollyDestroyed: item.counts.whole,
    state: stateOf(item),
    kept: item.kept,
  }
}

/** One family of a run, for the page that keeps it out: its reference and where it stands. */
export async function readRunFamily(
  ctx: AppContext,
  actor: Actor,
  runId: string,
  familyId: string,
): Promise<{ run: DisposalRunView; item: DisposalItemView }> {
  await assertReader(ctx, actor)
  return auditedRead(ctx, actor.centreId, async (trx) => {
    const run = await runOf(trx, actor, runId)
    const item = await findRunFamily(trx, actor.centreId, runId, familyId)
    if (!item) throw new HavenError('not_found', 'no such family in this run')
    return {
      run: runView(run),
      item: itemView(item),
    }
  })
}

/**
 * Keeps a family out of a waiting run (RETAIN), with a reason: `held` puts it on legal hold
 * (kept by every run until the hold is lifted), `excluded` leaves it out of this run only
 * (and the run replacing this one, should the daily plan replace it before approval). The
 * run's version moves on, so an approval drawn before this is refused; once a run is
 * approved nothing can be taken out of it. The reason is kept with the run's item (and, for a
 * hold, the family); the audit entry says a reason was given, never what it says.
 */
export async function keepFamilyOutOfRun(
  ctx: AppContext,
  actor: Actor,
  runId: string,
  familyId: string,
  input: { as: 'held' | 'excluded'; reason: string },
): Promise<{ as: 'held' | 'excluded'; familiesToDestroy: number }> {
  await assertReader(ctx, actor)
  const reason = input.reason.trim()
  if (reason === '')
    throw new HavenError(
      'invalid_input',
      input.as === 'held' ? 'say why the family is held' : 'say why the family is left out',
      'reason',
    )
  if (reason.length > KEEP_REASON_MAX)
    throw new HavenError(
      'invalid_input',
      `must be ${String(KEEP_REASON_MAX)} characters or fewer`,
      'reason',
    )
  return inCentre(ctx, actor.centreId, async (trx) => {
    const run = await runOf(trx, actor, runId)
    const item = await findRunFamily(trx, actor.centreId, runId, familyId)
    if (!item) throw new HavenError('not_found', 'no such family in this run')
    // Before the family itself is looked at: once approved, the run may have destroyed it.
    if (run.status !== 'awaiting_approval' || run.approvedAt !== undefined)
      throw new HavenError(
        'conflict',
        `this run is ${run.approvedAt === undefined ? run.status.replaceAll('_', ' ') : 'approved'}: nothing can be kept out of it now`,
      )
    const family = await findFamily(trx, actor.centreId, familyId)
    if (!family) throw new HavenError('not_found', 'no such family in this run')
    if (item.kept !== undefined || family.disposedOn !== undefined)
      throw new HavenError('conflict', `this family is already ${item.kept?.as ?? 'disposed of'}`)
    const at = ctx.now().toISOString()
    // Both conditional: a run approved or replaced meanwhile, or the family kept out by someone
    // else first, changes nothing here (decision 0032).
    if (!(await moveRunVersion(trx, actor.centreId, runId)))
      throw new HavenError('conflict', 'this run was approved or replaced meanwhile')
    const kept = { as: input.as, reason, by: actor.accountId, at }
    if (!(await keepItemOut(trx, actor.centreId, runId, familyId, kept)))
      throw new HavenError('conflict', 'this family was kept out of the run meanwhile')
    if (input.as === 'held') {
      await setFamilyLegalHold(trx, actor.centreId, familyId, reason)
      await recordEvent(trx, {
        type: 'family.legal_hold',
        at: ctx.now(),
        centreId: actor.centreId,
        actorId: actor.accountId,
        subjectId: familyId,
        details: { isOnHold: true, runId },
      })
    }
    await recordEvent(trx, {
      type: 'disposal.family_kept',
      at: ctx.now(),
      centreId: actor.centreId,
      actorId: actor.accountId,
      subjectId: runId,
      details: { familyId, as: input.as, reasonGiven: true, reasonLength: reason.length },
    })
    return {
      as: input.as,
      familiesToDestroy: await countFamiliesToDestroy(trx, actor.centreId, runId),
    }
  })
}

async function runOf(trx: Db, actor: Actor, runId: string): Promise<StoredDisposalRun> {
  const run = await findDisposalRun(trx, actor.centreId, runId)
  if (!run) throw new HavenError('not_found', 'no such disposal run')
  return run
}

/** A completed run's certificate as PDF: counts, categories, clause, dates, who approved. */
export async function disposalCertificatePdf(
  ctx: AppContext,
  actor: Actor,
  runId: string,
): Promise<{ fileName: string; body: Uint8Array }> {
  await assertReader(ctx, actor)
  return auditedRead(ctx, actor.centreId, async (trx) => {
    const run = await runOf(trx, actor, runId)
    const centre = await findCentre(trx, actor.centreId)
    if (run.status !== 'completed' || run.certificate === undefined || !centre)
      throw new HavenError('not_found', 'a certificate exists once a run is completed')
    const c = run.certificate as unknown as DisposalCertificate
    await recordEvent(trx, {
      type: 'document.downloaded',
      at: ctx.now(),
      centreId: actor.centreId,
      actorId: actor.accountId,
      subjectId: runId,
      details: { document: 'disposal_certificate' },
    })
    const doc = disposalCertificateDocument({
      centreName: centre.name,
      runId,
      policyVersion: c.policyVersion,
      asOf: c.asOf,
      completedOn: ukDateOf(c.completedAt),
      approvedBy:
        c.approvedBy === 'automatic'
          ? 'the policy (automatic disposal)'
          : roleWords(c.approvedBy.role),
      families: c.families,
      standaloneRecords: c.standaloneRecords,
      destroyed: c.destroyed,
      kept: c.kept,
      skipped: c.skipped,
      keptBack: c.keptBack ?? [],
      categoryWords,
    })
    return {
      fileName: `disposal-certificate-${c.asOf}-${runId.slice(0, 8)}.pdf`,
      body: await renderPdf(doc, { centreName: centre.name, createdAt: ctx.now() }),
    }
  })
}

/**
 * Puts a family on legal hold, or lifts it (RETAIN): while held, nothing of it is destroyed,
 * whatever its age. The coordinator or the committee, with a reason.
 */
/**
 * Whether a family is on legal hold and why, for those who see and plan disposal (its page).
 * The reason is the coordinator's own words, so the read is audited like a record's.
 */
export async function readLegalHold(
  ctx: AppContext,
  actor: Actor,
  familyId: string,
): Promise<{ reference: string; isOnHold: boolean; reason: string | undefined }> {
  await assertReader(ctx, actor)
  return auditedRead(ctx, actor.centreId, async (trx) => {
    const hold = await findLegalHold(trx, actor.centreId, familyId)
    if (!hold || hold.isDisposed) throw new HavenError('not_found', 'no such family')
    await recordEvent(trx, {
      type: 'record.read',
      at: ctx.now(),
      centreId: actor.centreId,
      actorId: actor.accountId,
      subjectId: familyId,
      details: { resource: 'legal_hold' },
    })
    return { reference: hold.reference, isOnHold: hold.isOnHold, reason: hold.reason }
  })
}

export async function setLegalHold(
  ctx: AppContext,
  actor: Actor,
  familyId: string,
  input: { isOnHold: boolean; reason?: string | undefined },
): Promise<{ isOnHold: boolean }> {
  await assertReader(ctx, actor)
  if (input.isOnHold && (input.reason ?? '').trim() === '')
    throw new HavenError('invalid_input', 'say why the family is held', 'reason')
  return inCentre(ctx, actor.centreId, async (trx) => {
    const family = await findFamily(trx, actor.centreId, familyId)
    if (!family || family.disposedOn !== undefined)
      throw new HavenError('not_found', 'no such family')
    await setFamilyLegalHold(
      trx,
      actor.centreId,
      familyId,
      input.isOnHold ? (input.reason ?? '').trim() : undefined,
    )
    // What a waiting run destroys has changed: an approval drawn before this is refused.
    await moveVersionOfRunsWithFamily(trx, actor.centreId, familyId)
    await recordEvent(trx, {
      type: 'family.legal_hold',
      at: ctx.now(),
      centreId: actor.centreId,
      actorId: actor.accountId,
      subjectId: familyId,
      details: { isOnHold: input.isOnHold },
    })
    return { isOnHold: input.isOnHold }
  })
}
