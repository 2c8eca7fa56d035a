import { addDays, addMonths } from '../domain/calendar.ts'
import { HavenError } from '../domain/errors.ts'
import {
  addCounts,
  disposalDecision,
  planFamilyDisposal,
  type CategoryCounts,
} from '../domain/outward/disposal.ts'
import type { CompiledPolicy } from '../domain/policy/engine.ts'
import { roleActingFor } from '../domain/policy/abilities.ts'
import type { Db } from '../storage/database.ts'
import {
  countFamiliesOnHold,
  familyLabels,
  listUnusedFamilies,
  listUnusedRecords,
} from '../storage/disposal.ts'
import {
  claimDisposalRun,
  countFamiliesToDestroy,
  exclusionsOfWaitingRuns,
  findDisposalRun,
  insertDisposalItems,
  insertDisposalRun,
  listRunItemsByReference,
  supersedeAwaitingRuns,
} from '../storage/disposal-runs.ts'
import { operatorActor, type Actor } from './actor.ts'
import { recordEvent } from './audit.ts'
import { todayAtCentre } from './case-access.ts'
import type { AppContext } from './context.ts'
import { carryOutDisposalRun, type DisposalCertificate } from './disposal-execution.ts'
import { listAllCentres } from './centres.ts'
import { inCentre, readInCentre } from './in-centre.ts'
import { notifyRoles } from './incidents.ts'
import {
  assertAbility,
  hasAbility,
  policyActor,
  policyInForce,
  requireAbility,
} from './policy-access.ts'

/** One thing due for disposal: a family (its due categories), or a record standing alone. */
export interface DueItem {
  kind: 'family' | 'incident' | 'guidance'
  id: string
  lastUsedOn: string
  dueOn: string
  destroy: CategoryCounts
  keep: CategoryCounts
  isWhollyDestroyed: boolean
  /** A family's reference (never a name) and how many people it holds. */
  reference?: string | undefined
  people?: number | undefined
}

export interface DisposalPlan {
  asOf: string
  policyVersion: number
  items: DueItem[]
  destroy: CategoryCounts
  keep: CategoryCounts
  familiesOnHold: number
  approvers: string[] | 'automatic'
  /** The policy's years without use (RETAIN). */
  retentionYears: number
}

/**
 * What is due for disposal today (RETAIN), as the centre's policy decides it record by
 * record: families unused for the policy's years (every category it does not keep), and
 * records with no family unused as long. Families on legal hold are counted, never listed.
 */
export async function planDisposal(
  trx: Db,
  centreId: string,
  policy: CompiledPolicy,
  today: string,
  /** Who plans: a person, or the operator's daily schedule. */
  by: Actor,
): Promise<DisposalPlan> {
  const decider = policyActor(by, 'none')
  const cutoff = addDays(addMonths(today, -12 * policy.parameters.retention.years), 3)
  const items: DueItem[] = []
  let destroy: CategoryCounts = {}
  let keep: CategoryCounts = {}
  for (let afterId = ''; ;) {
    const page = await listUnusedFamilies(trx, centreId, cutoff, { afterId, limit: 1000 })
    if (page.length === 0) break
    afterId = page.at(-1)?.id ?? afterId
    const due: DueItem[] = []
    for (const family of page) {
      const plan = planFamilyDisposal(
        policy,
        decider,
        { lastUsedOn: family.lastUsedOn, isOnLegalHold: false, counts: family.counts },
        today,
      )
      if (!plan) continue
      due.push({ kind: 'family', id: family.id, lastUsedOn: family.lastUsedOn, ...plan })
      destroy = addCounts(destroy, plan.destroy)
      keep = addCounts(keep, plan.keep)
    }
    const labels = await familyLabels(
      trx,
      centreId,
      due.map((i) => i.id),
    )
    for (const item of due) items.push({ ...item, ...labels.get(item.id) })
  }
  for (const record of await listUnusedRecords(trx, centreId, cutoff)) {
    const decision = disposalDecision(
      policy,
      decider,
      record.category,
      record.lastUsedOn,
      false,
      today,
    )
    const counts = { [record.category]: 1 }
    if (decision.effect === 'deny') {
      if (decision.retention?.verdict === 'keep_indefinitely') keep = addCounts(keep, counts)
      continue
    }
    items.push({
      kind: record.kind,
      id: record.id,
      lastUsedOn: record.lastUsedOn,
      dueOn: decision.retention?.dueOn ?? today,
      destroy: counts,
      keep: {},
      isWhollyDestroyed: true,
    })
    destroy = addCounts(destroy, counts)
  }
  const retention = policy.parameters.retention
  return {
    asOf: today,
    policyVersion: policy.ref.version,
    items,
    destroy,
    keep,
    familiesOnHold: await countFamiliesOnHold(trx, centreId),
    approvers: retention.isAutomatic ? 'automatic' : [...retention.approvedBy],
    retentionYears: retention.years,
  }
}

/** The plan without storing anything: `haven retention run --dry-run`. */
export async function previewDisposal(ctx: AppContext, centreId: string): Promise<DisposalPlan> {
  return readInCentre(ctx, centreId, async (trx) =>
    planDisposal(
      trx,
      centreId,
      await policyInForce(ctx, trx, centreId),
      todayAtCentre(ctx),
      operatorActor(centreId),
    ),
  )
}

export interface RunOutcome {
  runId: string | undefined
  status: 'nothing_due' | 'awaiting_approval' | 'completed' | 'unchanged'
  due: number
  /** How many families the run destroys now: the number its approval names (decision 0041). */
  familiesToDestroy: number
  certificate?: DisposalCertificate
}

/**
 * Plans a disposal run and keeps it for approval by the roles the policy names (they are told
 * by message, which says nothing of what is due), or carries it out at once where the policy
 * makes disposal automatic. A run still waiting with exactly the same items is left as it is;
 * a different one replaces it.
 */
export async function startDisposalRun(
  ctx: AppContext,
  centreId: string,
  by: Actor | undefined,
): Promise<RunOutcome> {
  // The scan reads outside the write transaction (on SQLite it would hold every request up for
  // as long as it takes); carrying out decides each family again, so nothing rests on it alone.
  const planned = await readInCentre(ctx, centreId, async (db) =>
    planDisposal(
      db,
      centreId,
      await policyInForce(ctx, db, centreId),
      todayAtCentre(ctx),
      by ?? operatorActor(centreId),
    ),
  )
  const stored = await inCentre(ctx, centreId, async (trx) => {
    const policy = await policyInForce(ctx, trx, centreId)
    // A policy published while the scan ran: plan again under the one in force (rare).
    const plan =
      policy.ref.version === planned.policyVersion
        ? planned
        : await planDisposal(
            trx,
            centreId,
            policy,
            todayAtCentre(ctx),
            by ?? operatorActor(centreId),
          )
    if (plan.items.length === 0) return { runId: undefined, plan, isUnchanged: false, families: 0 }
    const waiting = await waitingRunWithSameItems(trx, centreId, plan)
    if (waiting)
      return {
        runId: waiting,
        plan,
        isUnchanged: true,
        families: await countFamiliesToDestroy(trx, centreId, waiting),
      }
    // A family excluded from the run waiting is excluded from the one replacing it: the
    // person's decision was about what waits for approval, not about one row (decision 0041).
    const excluded = await exclusionsOfWaitingRuns(trx, centreId)
    await supersedeAwaitingRuns(trx, centreId)
    const runId = ctx.newId()
    await insertDisposalRun(trx, {
      id: runId,
      centreId,
      asOf: plan.asOf,
      status: 'awaiting_approval',
      policyVersion: plan.policyVersion,
      isAutomatic: plan.approvers === 'automatic',
      plannedAt: ctx.now().toISOString(),
      approvedBy: undefined,
      approvedRole: undefined,
      approvedAt: undefined,
      completedAt: undefined,
      certificate: undefined,
      retentionYears: plan.retentionYears,
    })
    await insertDisposalItems(
      trx,
      centreId,
      plan.items.map((item) => ({
        id: ctx.newId(),
        runId,
        itemKind: item.kind,
        itemId: item.id,
        lastUsedOn: item.lastUsedOn,
        dueOn: item.dueOn,
        counts: {
          destroy: item.destroy,
          keep: item.keep,
          whole: item.isWhollyDestroyed,
          ...(item.people === undefined ? {} : { people: item.people }),
        },
        outcome: undefined,
        reference: item.reference,
        kept: item.kind === 'family' ? excluded.get(item.id) : undefined,
      })),
    )
    await recordEvent(trx, {
      type: 'disposal.planned',
      at: ctx.now(),
      centreId,
      actorId: by?.accountId,
      subjectId: runId,
      details: { items: plan.items.length, destroy: plan.destroy, keep: plan.keep },
    })
    if (plan.approvers !== 'automatic')
      await notifyRoles(ctx, trx, centreId, policy.parameters.retention.approvedBy)
    return {
      runId,
      plan,
      isUnchanged: false,
      families: await countFamiliesToDestroy(trx, centreId, runId),
    }
  })
  const due = stored.plan.items.length
  const familiesToDestroy = stored.families
  if (stored.runId === undefined)
    return { runId: undefined, status: 'nothing_due', due: 0, familiesToDestroy }
  if (stored.isUnchanged)
    return { runId: stored.runId, status: 'unchanged', due, familiesToDestroy }
  if (stored.plan.approvers !== 'automatic')
    return { runId: stored.runId, status: 'awaiting_approval', due, familiesToDestroy }
  const approval = { by: 'automatic', role: 'automatic', at: ctx.now().toISOString() }
  const claimed = await inCentre(ctx, centreId, (trx) =>
    claimDisposalRun(trx, centreId, stored.runId, approval),
  )
  if (!claimed) throw new HavenError('conflict', 'this run was replaced or approved meanwhile')
  const certificate = await carryOutDisposalRun(
    ctx,
    centreId,
    stored.runId,
    by ?? operatorActor(centreId),
  )
  return { runId: stored.runId, status: 'completed', due, familiesToDestroy, certificate }
}

async function waitingRunWithSameItems(
  trx: Db,
  centreId: string,
  plan: DisposalPlan,
): Promise<string | undefined> {
  const waiting = await trx
    .selectFrom('disposal_runs')
    .select('id')
    .where('centre_id', '=', centreId)
    .where('status', '=', 'awaiting_approval')
    .where('approved_at', 'is', null)
    .executeTakeFirst()
  if (!waiting) return undefined
  const items = await listRunItemsByReference(trx, centreId, waiting.id, {
    offset: 0,
    limit: 1e9,
  })
  // A family held since the plan is no longer due, and is not planned again: the run that
  // lists it as held stays as it is (and says so on its certificate).
  const before = items
    .filter((i) => i.kept?.as !== 'held' && !i.isFamilyOnHold)
    .map((i) => `${i.itemKind}:${i.itemId}`)
    .sort()
  const now = plan.items.map((i) => `${i.kind}:${i.id}`).sort()
  return before.length === now.length && before.every((v, i) => v === now[i])
    ? waiting.id
    : undefined
}

/** What an approver confirms: the number of families the run destroys, as the page showed it. */
export interface ApprovalConfirmation {
  familiesToDestroy: number
  /** The run's version the approver saw (pages always send it; the API may). */
  version?: number | undefined
}

/**
 * A coordinator or the Chair (the roles the policy names) approves a waiting run, and Haven
 * carries it out. Refused, citing RETAIN, for anyone else. The approver names how many
 * families the run destroys (and the page, the run's version): a number other than the run's
 * own now, or a run changed since, is refused, so an approval never destroys a family kept
 * out of the run after the approver looked (decision 0041).
 */
export async function approveDisposalRun(
  ctx: AppContext,
  actor: Actor,
  runId: string,
  confirmation: ApprovalConfirmation,
): Promise<DisposalCertificate> {
  const approval = await inCentre(ctx, actor.centreId, async (trx) => {
    const policy = await policyInForce(ctx, trx, actor.centreId)
    const run = await findDisposalRun(trx, actor.centreId, runId)
    if (!run || !hasAbility(policy, actor, 'read_disposals'))
      throw new HavenError('not_found', 'no such disposal run')
    assertAbility(policy, actor, 'approve_disposals')
    const role = roleActingFor('approve_disposals', policy.parameters, actor.roles)
    if (role === undefined) throw new HavenError('internal', 'an approver without a role')
    if (run.status !== 'awaiting_approval' || run.approvedAt !== undefined)
      throw new HavenError('conflict', `this run is ${run.status.replaceAll('_', ' ')}`)
    const families = await countFamiliesToDestroy(trx, actor.centreId, runId)
    if (confirmation.version !== undefined && confirmation.version !== run.version)
      throw new HavenError(
        'conflict',
        `this run has changed since you looked at it: it now destroys the records of ${familiesWord(families)}; check it again before you approve`,
        'familiesToDestroy',
      )
    if (confirmation.familiesToDestroy !== families)
      throw new HavenError(
        'conflict',
        `this run now destroys the records of ${familiesWord(families)}, not ${String(confirmation.familiesToDestroy)}: check it again before you approve`,
        'familiesToDestroy',
      )
    const at = ctx.now().toISOString()
    // The version read here, whatever the approver sent: a change committed between the count
    // and the claim makes the claim fail (a conditional update, with or without the lock).
    const claim = { by: actor.accountId, role, at, version: run.version }
    if (!(await claimDisposalRun(trx, actor.centreId, runId, claim)))
      throw new HavenError('conflict', 'this run was approved, changed or replaced meanwhile')
    await recordEvent(trx, {
      type: 'disposal.approved',
      at: ctx.now(),
      centreId: actor.centreId,
      actorId: actor.accountId,
      subjectId: runId,
      details: { role, families, version: run.version },
    })
    return run
  })
  return carryOutDisposalRun(ctx, actor.centreId, approval.id, actor)
}

/** "1 family", "23 families". */
export const familiesWord = (n: number): string => `${String(n)} ${n === 1 ? 'family' : 'families'}`

/**
 * The server's daily disposal (RETAIN): at every centre, plan a run (or carry it out where the
 * policy makes disposal automatic). Returns how many centres have a new or completed run.
 */
export async function runDailyDisposal(ctx: AppContext): Promise<number> {
  let started = 0
  for (const centre of await listAllCentres(ctx)) {
    const outcome = await startDisposalRun(ctx, centre.id, undefined)
    if (outcome.status === 'awaiting_approval' || outcome.status === 'completed') started += 1
  }
  return started
}

/** The coordinator or the committee plans a run now, rather than waiting for the daily one. */
export async function planDisposalRunNow(ctx: AppContext, actor: Actor): Promise<RunOutcome> {
  await requireAbility(ctx, actor, 'read_disposals')
  return startDisposalRun(ctx, actor.centreId, actor)
}
