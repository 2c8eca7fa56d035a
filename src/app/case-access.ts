import { isParent, isReferrer, isVolunteer, workerKindOf } from '../domain/policy/accounts.ts'
import { addDays, ukToday } from '../domain/calendar.ts'
import type { CompiledPolicy } from '../domain/policy/engine.ts'
import { decide } from '../domain/policy/engine.ts'
import { hasValidCheck } from '../domain/policy/other-rules.ts'
import { CHECK_LEVELS } from '../domain/policy/document.ts'
import type { Relationship } from '../domain/policy/request.ts'
import type { Db } from '../storage/database.ts'
import { familyIdsOfAccount, type PersonRecord } from '../storage/families.ts'
import { findAgencyOfRole } from '../storage/accounts.ts'
import {
  agencyIdOfReferrer,
  agencyIdsOfFamily,
  familyIdsOfAgency,
  findAgencyNamed,
  findOrCreateAgency,
  setAgencyOfReferrer,
} from '../storage/referrals.ts'
import {
  assignedSessions,
  isAcquainted,
  listChecks,
  workersOfSessions,
  type StoredCheck,
} from '../storage/workers.ts'
import type { Decision } from '../domain/policy/decision.ts'
import type { Actor } from './actor.ts'
import { recordEvent } from './audit.ts'
import type { AppContext } from './context.ts'

/**
 * Who the actor is to a family's records, worked out from the database for the policy
 * engine (NDX, ATTEND, SAR, CONTACT, CHECKS):
 * - `self`: a parent reading their own family;
 * - `referrer_of_family`: a referrer whose agency referred the family;
 * - `assigned`: a worker on one of the family's sessions from the day before to the day
 *   after, whose checks meet the policy on the day and who has not declared they know the
 *   family (a lapsed check loses access the moment it lapses);
 * - `none` otherwise.
 */
export async function relationshipToFamily(
  ctx: AppContext,
  trx: Db,
  policy: CompiledPolicy,
  actor: Actor,
  familyId: string,
  today: string,
  /** The families in the worker's reach today, when the caller has them already. */
  inReach?: readonly string[],
): Promise<Relationship> {
  if (isParent(actor.roles)) {
    const own = await familyIdsOfAccount(trx, actor.centreId, actor.accountId)
    if (own.some((row) => row.familyId === familyId)) return 'self'
  }
  if (isReferrer(actor.roles)) {
    const agencyId = await agencyOfReferrer(ctx, trx, actor)
    if (
      agencyId !== undefined &&
      (await agencyIdsOfFamily(trx, actor.centreId, familyId)).includes(agencyId)
    )
      return 'referrer_of_family'
  }
  // Staff read case records by their role; "assigned" is what a volunteer reads by.
  if (isVolunteer(actor.roles)) {
    const ids = inReach ?? (await familiesInReach(trx, policy, actor, today))
    if (ids.includes(familyId)) return 'assigned'
  }
  return 'none'
}

/**
 * Who the actor is to one person: the person themselves; the other parent (a parent of the
 * same family reading someone else's record); otherwise as to the family.
 */
export async function relationshipToPerson(
  ctx: AppContext,
  trx: Db,
  policy: CompiledPolicy,
  actor: Actor,
  person: PersonRecord,
  today: string,
): Promise<Relationship> {
  const family = await relationshipToFamily(ctx, trx, policy, actor, person.familyId, today)
  return relationshipThroughFamily(actor, person, family)
}

/** Who the actor is to one person, given who they are to the person's family. */
export function relationshipThroughFamily(
  actor: Actor,
  person: Pick<PersonRecord, 'accountId' | 'kind'>,
  family: Relationship,
): Relationship {
  if (person.accountId !== undefined && person.accountId === actor.accountId) return 'self'
  if (family === 'self') return person.kind === 'child' ? 'self' : 'other_parent'
  return family
}

/**
 * Whether the actor may see a family's records at all: the engine's read of the family for
 * who they are to it (NDX, ATTEND), as readFamily decides it. A use case that refuses an
 * action on a family's record answers someone who may not see the record exactly as it
 * answers for a record that does not exist (`not_found`), and keeps its refusal, with the
 * policy's clauses, for those who may see it: a refusal would tell the others it exists.
 */
export async function maySeeFamily(
  ctx: AppContext,
  trx: Db,
  policy: CompiledPolicy,
  actor: Actor,
  familyId: string,
  /** Who the actor is to the family, when the caller has it already. */
  known?: Relationship,
): Promise<boolean> {
  const relationship =
    known ?? (await relationshipToFamily(ctx, trx, policy, actor, familyId, todayAtCentre(ctx)))
  const decision = decide(policy, {
    action: 'read',
    actor: { roles: actor.roles, relationship, hasSecondFactor: actor.hasSecondFactor },
    resource: { type: 'family' },
  })
  return decision.effect === 'permit'
}

/**
 * The families a worker may see today: those on sessions they are assigned to from the day
 * before to the day after, while their checks meet the policy and they do not know the family.
 */
export async function familiesInReach(
  trx: Db,
  policy: CompiledPolicy,
  actor: Actor,
  today: string,
): Promise<string[]> {
  const sessions = await assignedSessions(trx, actor.centreId, actor.accountId, {
    from: `${addDays(today, -1)}T00:00`,
    to: `${addDays(today, 1)}T23:59`,
  })
  if (sessions.length === 0) return []
  const checks = (await listChecks(trx, actor.centreId, [actor.accountId])).flatMap(policyCheck)
  const reach: string[] = []
  for (const familyId of new Set(sessions.map((s) => s.familyId))) {
    const decision = decide(policy, {
      action: 'assign',
      actor: { roles: actor.roles, relationship: 'none', hasSecondFactor: actor.hasSecondFactor },
      worker: {
        kind: workerKindOf(actor.roles),
        checks,
        isAcquaintedWithFamily: await isAcquainted(trx, actor.centreId, actor.accountId, familyId),
      },
      isAlongsideCheckedWorker: await isAlongsideCheckedWorker(
        trx,
        policy,
        actor.centreId,
        sessions.filter((s) => s.familyId === familyId).map((s) => s.sessionId),
        actor.accountId,
        today,
      ),
      on: today,
    })
    if (decision.effect === 'permit') reach.push(familyId)
  }
  return reach
}

/**
 * CHECKS: whether another worker with a clear check in date on the day is on one of these
 * sessions (a volunteer whose check is under way shadows such a worker, where the policy lets
 * them).
 */
export async function isAlongsideCheckedWorker(
  trx: Db,
  policy: CompiledPolicy,
  centreId: string,
  sessionIds: readonly string[],
  accountId: string,
  on: string,
): Promise<boolean> {
  const others = [
    ...new Set(
      (await workersOfSessions(trx, centreId, sessionIds))
        .map((row) => row.accountId)
        .filter((id) => id !== accountId),
    ),
  ]
  if (others.length === 0) return false
  const checks = await listChecks(trx, centreId, others)
  return others.some((other) =>
    hasValidCheck(
      checks.filter((check) => check.accountId === other).flatMap(policyCheck),
      on,
      policy.parameters.checks,
    ),
  )
}

/** The families a referrer's agency referred. */
export async function familiesOfReferrer(
  ctx: AppContext,
  trx: Db,
  actor: Actor,
): Promise<string[]> {
  const agencyId = await agencyOfReferrer(ctx, trx, actor)
  return agencyId === undefined ? [] : familyIdsOfAgency(trx, actor.centreId, agencyId)
}

/**
 * The agency a referrer acts for: the one they are linked to, or else the one their
 * invitation named, if the centre has it yet. It writes nothing, so that reads stay reads
 * (an agency that does not exist yet has referred no family).
 */
export async function agencyOfReferrer(
  _ctx: AppContext,
  trx: Db,
  actor: Actor,
): Promise<string | undefined> {
  if (!isReferrer(actor.roles)) return undefined
  const known = await agencyIdOfReferrer(trx, actor.centreId, actor.accountId)
  if (known !== undefined) return known
  const named = await findAgencyOfRole(trx, actor.centreId, actor.accountId)
  if (!named) return undefined
  return (await findAgencyNamed(trx, actor.centreId, named.kind, named.name))?.id
}

/**
 * The agency a referrer acts for, made and linked on first use when their invitation named
 * it, so that colleagues from one agency follow the same families (ATTEND). For use cases
 * that write (a referral, a request for disclosure); reads use `agencyOfReferrer`.
 */
export async function linkAgencyOfReferrer(
  ctx: AppContext,
  trx: Db,
  actor: Actor,
): Promise<string | undefined> {
  if (!isReferrer(actor.roles)) return undefined
  const known = await agencyIdOfReferrer(trx, actor.centreId, actor.accountId)
  if (known !== undefined) return known
  const named = await findAgencyOfRole(trx, actor.centreId, actor.accountId)
  if (!named) return undefined
  const agency = await findOrCreateAgency(trx, {
    id: ctx.newId(),
    centreId: actor.centreId,
    kind: named.kind,
    name: named.name,
    createdAt: ctx.now().toISOString(),
  })
  await setAgencyOfReferrer(trx, actor.centreId, actor.accountId, agency.id)
  return agency.id
}

/** A stored check as the engine reads it; an unknown level or outcome counts for nothing. */
export function policyCheck(check: StoredCheck) {
  const level = CHECK_LEVELS.find((l) => l === check.level)
  const outcome = (['clear', 'pending', 'concerns'] as const).find((o) => o === check.outcome)
  if (level === undefined || outcome === undefined) return []
  return [
    {
      kind: check.kind === 'crb' ? ('crb' as const) : ('dbs' as const),
      level,
      outcome,
      issuedOn: check.issuedOn,
      renewalDueOn: check.renewalDueOn,
    },
  ]
}

/** Today at the centre: the UK date, whatever the server's time zone. */
export function todayAtCentre(ctx: AppContext): string {
  return ukToday(ctx.now())
}

/**
 * Decides a read of one of a family's records (NDX, ATTEND, SAR, CONTACT) from the actor's
 * roles and relationship to the family, and writes the read, or the refusal, to the audit
 * log in the caller's transaction: every read of a record goes through here.
 */
export async function decideRecordRead(
  ctx: AppContext,
  trx: Db,
  policy: CompiledPolicy,
  actor: Actor,
  read: { familyId: string; resource: 'family' | 'referral' | 'session'; subjectId: string },
): Promise<{ decision: Decision; relationship: Relationship }> {
  const relationship = await relationshipToFamily(
    ctx,
    trx,
    policy,
    actor,
    read.familyId,
    todayAtCentre(ctx),
  )
  const decision = decide(policy, {
    action: 'read',
    actor: { roles: actor.roles, relationship, hasSecondFactor: actor.hasSecondFactor },
    resource: { type: read.resource },
  })
  await recordEvent(trx, {
    type: decision.effect === 'permit' ? 'record.read' : 'record.refused',
    at: ctx.now(),
    centreId: actor.centreId,
    actorId: actor.accountId,
    subjectId: read.subjectId,
    details: { resource: read.resource, relationship, clauses: decision.clauses },
  })
  return { decision, relationship }
}
