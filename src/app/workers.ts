import { addDays, isIsoDate } from '../domain/calendar.ts'
import type { CheckLevel } from '../domain/policy/document.ts'
import { HavenError } from '../domain/errors.ts'
import { checkLapsesOn } from '../domain/policy/other-rules.ts'
import { rolesFor } from '../domain/policy/abilities.ts'
import { isWorker, workerKindOf } from '../domain/policy/accounts.ts'
import { listAccountsOfCentre, listRolesOfCentre } from '../storage/accounts.ts'
import { listCentres } from '../storage/centres.ts'
import type { Db } from '../storage/database.ts'
import { findFamily } from '../storage/families.ts'
import { findSession, sessionsOverlapping } from '../storage/sessions.ts'
import { lastReminderDay, markReminderDays } from '../storage/reminders.ts'
import {
  insertAcquaintance,
  insertCheck,
  insertSessionWorker,
  isAcquainted,
  listChecks,
  type StoredCheck,
} from '../storage/workers.ts'
import type { Actor } from './actor.ts'
import { recordEvent } from './audit.ts'
import type { AppContext } from './context.ts'
import { openWithMasterKey, sealWithMasterKey } from './field-crypto.ts'
import { auditedRead, inCentre } from './in-centre.ts'
import { notifyRoles } from './incidents.ts'
import { isAlongsideCheckedWorker, policyCheck, todayAtCentre } from './case-access.ts'
import { decide, policyActor, policyInForce, requireAbility } from './policy-access.ts'
import { describeClash, overlapWindow } from './sessions.ts'

export interface CheckInput {
  accountId: string
  kind: 'dbs' | 'crb'
  level: CheckLevel
  certificateReference?: string | undefined
  issuedOn: string
  renewalDueOn: string
  outcome: 'clear' | 'pending' | 'concerns'
}

export interface WorkerView {
  accountId: string
  displayName: string
  roles: string[]
  /** The earliest renewal date of a clear check, or null when there is none. */
  renewalDueOn: string | null
  isRenewalDueSoon: boolean
  /** Present only for the roles the policy lets see check results (CHECKS). */
  checks?: {
    id: string
    kind: string
    level: string
    issuedOn: string
    renewalDueOn: string
    outcome: string
    certificateReference: string | null
  }[]
}

const SOON_DAYS = 60

/** Records a worker's check (CHECKS): the certificate reference sealed under the master key. */
export async function recordCheck(
  ctx: AppContext,
  actor: Actor,
  input: CheckInput,
): Promise<{ checkId: string }> {
  await requireAbility(ctx, actor, 'record_checks')
  if (
    !isIsoDate(input.issuedOn) ||
    !isIsoDate(input.renewalDueOn) ||
    input.renewalDueOn <= input.issuedOn
  )
    throw new HavenError(
      'invalid_input',
      'a check is renewed after it is issued, on real dates',
      'renewalDueOn',
    )
  if (input.issuedOn > todayAtCentre(ctx))
    throw new HavenError(
      'invalid_input',
      'a check is recorded once it has been issued: that date is still to come',
      'issuedOn',
    )
  return inCentre(ctx, actor.centreId, async (trx) => {
    await assertWorker(trx, actor.centreId, input.accountId, 'path')
    const checkId = ctx.newId()
    await insertCheck(trx, {
      id: checkId,
      centreId: actor.centreId,
      accountId: input.accountId,
      kind: input.kind,
      level: input.level,
      certificateCiphertext:
        input.certificateReference === undefined
          ? undefined
          : sealWithMasterKey(
              ctx.masterKey,
              `check:${checkId}`,
              Buffer.from(input.certificateReference),
            ),
      issuedOn: input.issuedOn,
      renewalDueOn: input.renewalDueOn,
      outcome: input.outcome,
      recordedBy: actor.accountId,
      createdAt: ctx.now().toISOString(),
      version: 1,
    })
    await recordEvent(trx, {
      type: 'check.recorded',
      at: ctx.now(),
      centreId: actor.centreId,
      actorId: actor.accountId,
      subjectId: checkId,
      details: { accountId: input.accountId, level: input.level, outcome: input.outcome },
    })
    return { checkId }
  })
}

/**
 * The centre's workers and when their checks fall due for renewal (a reminder sixty days
 * ahead); the checks themselves only for the roles the policy names (CHECKS). Read as the
 * policy decides (NDX: coordinator, chair, management), and audited.
 */
export async function listWorkers(ctx: AppContext, actor: Actor): Promise<WorkerView[]> {
  return auditedRead(ctx, actor.centreId, async (trx) => {
    const policy = await policyInForce(ctx, trx, actor.centreId)
    const decision = decide(policy, {
      action: 'read',
      actor: policyActor(actor, 'none'),
      resource: { type: 'worker' },
    })
    if (decision.effect === 'deny')
      throw new HavenError('forbidden', decision.reasons.join('; '), undefined, decision.clauses)
    const showsChecks = !decision.redact.includes('check_result')
    const roles = (await listRolesOfCentre(trx, actor.centreId)).filter((r) => isWorker([r.role]))
    const ids = [...new Set(roles.map((r) => r.accountId))]
    const accounts = (await listAccountsOfCentre(trx, actor.centreId)).filter((a) =>
      ids.includes(a.id),
    )
    const checks = await listChecks(trx, actor.centreId, ids)
    const today = todayAtCentre(ctx)
    await recordEvent(trx, {
      type: 'records.listed',
      at: ctx.now(),
      centreId: actor.centreId,
      actorId: actor.accountId,
      details: { resource: 'worker', count: accounts.length, checks: showsChecks },
    })
    return accounts.map((account) => {
      const own = checks.filter((c) => c.accountId === account.id)
      const due = own
        .map((c) => ({ ...c, lapsesOn: checkLapsesOn(c, policy.parameters.checks) }))
        .filter((c) => c.outcome === 'clear' && c.lapsesOn > today)
        .map((c) => c.lapsesOn)
        .sort()
        .at(-1)
      return {
        accountId: account.id,
        displayName: account.displayName,
        roles: roles.filter((r) => r.accountId === account.id).map((r) => r.role),
        renewalDueOn: due ?? null,
        isRenewalDueSoon: due === undefined || due <= addDays(today, SOON_DAYS),
        ...(showsChecks ? { checks: own.map((c) => presentCheck(ctx, c)) } : {}),
      }
    })
  })
}

/**
 * Assigns a worker to a session (CHECKS): the engine decides from their checks on the day of
 * the session and whether they have said they know the family; a refusal names the clause.
 */
export async function assignWorker(
  ctx: AppContext,
  actor: Actor,
  sessionId: string,
  accountId: string,
): Promise<{ clauses: string[] }> {
  await requireAbility(ctx, actor, 'assign_workers')
  return inCentre(ctx, actor.centreId, async (trx) => {
    const session = await findSession(trx, actor.centreId, sessionId)
    if (!session) throw new HavenError('not_found', 'no such session')
    const workerRoles = await assertWorker(trx, actor.centreId, accountId)
    // A worker is in one room at a time; checked inside the centre's one writer (0032).
    const [clash] = await sessionsOverlapping(trx, actor.centreId, {
      workerId: accountId,
      ...overlapWindow(session, session.id),
    })
    if (clash)
      throw new HavenError(
        'conflict',
        `this worker already works another session at that time (${describeClash(clash, session.startsAt.slice(0, 10))})`,
        'accountId',
      )
    const policy = await policyInForce(ctx, trx, actor.centreId)
    const decision = decide(policy, {
      action: 'assign',
      actor: policyActor(actor, 'none'),
      worker: {
        kind: workerKindOf(workerRoles),
        checks: (await listChecks(trx, actor.centreId, [accountId])).flatMap(policyCheck),
        isAcquaintedWithFamily: await isAcquainted(
          trx,
          actor.centreId,
          accountId,
          session.familyId,
        ),
      },
      isAlongsideCheckedWorker: await isAlongsideCheckedWorker(
        trx,
        policy,
        actor.centreId,
        [sessionId],
        accountId,
        session.startsAt.slice(0, 10),
      ),
      on: session.startsAt.slice(0, 10),
    })
    await recordEvent(trx, {
      type: decision.effect === 'permit' ? 'worker.assigned' : 'worker.assignment_refused',
      at: ctx.now(),
      centreId: actor.centreId,
      actorId: actor.accountId,
      subjectId: sessionId,
      details: { accountId, clauses: decision.clauses },
    })
    if (decision.effect === 'deny')
      return {
        refused: new HavenError(
          'conflict',
          decision.reasons.join('; '),
          'accountId',
          decision.clauses,
        ),
      }
    await insertSessionWorker(trx, {
      centreId: actor.centreId,
      sessionId,
      accountId,
      assignedAt: ctx.now().toISOString(),
      assignedBy: actor.accountId,
    })
    return { clauses: decision.clauses }
  }).then((result) => {
    if ('refused' in result) throw result.refused
    return result
  })
}

/**
 * A worker declares that they know a family (CHECKS): from then on they are neither
 * assigned to its sessions nor shown its record. The coordinator may record it for them.
 */
export async function declareAcquaintance(
  ctx: AppContext,
  actor: Actor,
  familyId: string,
  accountId: string = actor.accountId,
): Promise<void> {
  await requireAbility(
    ctx,
    actor,
    accountId === actor.accountId ? 'declare_acquaintance' : 'declare_acquaintance_for_others',
  )
  await inCentre(ctx, actor.centreId, async (trx) => {
    if (!(await findFamily(trx, actor.centreId, familyId)))
      throw new HavenError('not_found', 'no such family')
    await assertWorker(trx, actor.centreId, accountId)
    await insertAcquaintance(trx, {
      centreId: actor.centreId,
      accountId,
      familyId,
      declaredAt: ctx.now().toISOString(),
    })
    await recordEvent(trx, {
      type: 'acquaintance.declared',
      at: ctx.now(),
      centreId: actor.centreId,
      actorId: actor.accountId,
      subjectId: familyId,
      details: { accountId },
    })
  })
}

function presentCheck(ctx: AppContext, check: StoredCheck) {
  return {
    id: check.id,
    kind: check.kind,
    level: check.level,
    issuedOn: check.issuedOn,
    renewalDueOn: check.renewalDueOn,
    outcome: check.outcome,
    certificateReference:
      check.certificateCiphertext === undefined
        ? null
        : openWithMasterKey(
            ctx.masterKey,
            `check:${check.id}`,
            check.certificateCiphertext,
          ).toString(),
  }
}

/** The worker's roles here; someone who is not a worker here is missing (in a path) or wrong (in a body). */
async function assertWorker(
  trx: Db,
  centreId: string,
  accountId: string,
  where: 'path' | 'body' = 'body',
): Promise<string[]> {
  const roles = (await listRolesOfCentre(trx, centreId))
    .filter((r) => r.accountId === accountId)
    .map((r) => r.role)
  if (!isWorker(roles))
    throw where === 'path'
      ? new HavenError('not_found', 'no such worker')
      : new HavenError('invalid_input', 'that account is not a worker at this centre', 'accountId')
  return roles
}

/** Days before a check falls due on which the coordinator is reminded. */
const REMINDER_DAYS = [60, 14]
/** Days the server was down are caught up, as far back as this. */
const CATCH_UP_DAYS = 30

/**
 * Renewal reminders (CHECKS): on the day a clear check is 60 and 14 days from falling due, the
 * coordinator is sent a message that says how many, and nothing else; Haven shows whose.
 * Run daily by the server, and at start. Each centre's days are remembered (issue 16): a
 * restart on a day already worked out sends nothing again, and the days the server was down
 * (up to 30) are worked out on the next run, in one message. Several servers on one database
 * take the centre's lock, so only one works a day out. Returns how many centres were reminded.
 */
export async function sendRenewalReminders(ctx: AppContext): Promise<number> {
  const today = todayAtCentre(ctx)
  let reminded = 0
  for (const centre of await listCentres(ctx.db)) {
    if (centre.closedAt !== undefined) continue
    await inCentre(ctx, centre.id, async (trx) => {
      const last = await lastReminderDay(trx, centre.id, 'checks_renewal')
      if (last !== undefined && last >= today) return
      const earliest = addDays(today, -(CATCH_UP_DAYS - 1))
      let day = last === undefined ? today : addDays(last, 1)
      if (day < earliest) day = earliest
      const days: string[] = []
      for (; day <= today; day = addDays(day, 1)) days.push(day)
      const reminderOn = new Set(days.flatMap((d) => REMINDER_DAYS.map((n) => addDays(d, n))))
      const { parameters } = await policyInForce(ctx, trx, centre.id)
      const rules = parameters.checks
      const due = (await listChecks(trx, centre.id)).filter(
        (c) => c.outcome === 'clear' && reminderOn.has(checkLapsesOn(c, rules)),
      )
      await markReminderDays(trx, centre.id, 'checks_renewal', days, ctx.now().toISOString())
      if (due.length === 0) return
      await notifyRoles(ctx, trx, centre.id, rolesFor('record_checks', parameters))
      await recordEvent(trx, {
        type: 'checks.renewal_reminder',
        at: ctx.now(),
        centreId: centre.id,
        details: { checks: due.length, days: days.length },
      })
      reminded += 1
    })
  }
  return reminded
}
