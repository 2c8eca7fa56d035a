import { HavenError } from '../domain/errors.ts'
import { isParent, isReferrer } from '../domain/policy/accounts.ts'
import type { Db } from '../storage/database.ts'
import { familyIdsOfAccount, familyReferences, findFamily } from '../storage/families.ts'
import { listSessionsOfFamily } from '../storage/sessions.ts'
import {
  findReferral,
  listAgencies,
  listReferralEvents,
  listReferrals,
} from '../storage/referrals.ts'
import type { Actor } from './actor.ts'
import { recordEvent } from './audit.ts'
import {
  linkAgencyOfReferrer,
  decideRecordRead,
  familiesOfReferrer,
  relationshipToFamily,
  todayAtCentre,
} from './case-access.ts'
import type { AppContext } from './context.ts'
import { auditedRead, inCentre } from './in-centre.ts'
import { decide, hasAbility, policyActor, policyInForce, requireAbility } from './policy-access.ts'

/** A referral's progress: what a referrer may follow (ATTEND), and the coordinator's inbox. */
export interface ReferralSummary {
  id: string
  familyId: string
  reference: string
  status: string
  receivedOn: string
  agency: { id: string; kind: string; name: string } | null
  version: number
}

/**
 * The referrals this actor may follow: all of them for the coordinator and staff (the
 * referrals inbox), a referrer's own agency's, a parent's own, nobody else's. Each is
 * decided by the policy (NDX, ATTEND, SAR) and the listing is audited.
 */
export async function listReferralSummaries(
  ctx: AppContext,
  actor: Actor,
  filter: { status?: string | undefined; limit: number; offset?: number },
): Promise<ReferralSummary[]> {
  const policy = await requireAbility(ctx, actor, 'follow_referrals')
  const isCaseWorker = hasAbility(policy, actor, 'see_all_families')
  return auditedRead(ctx, actor.centreId, async (trx) => {
    const familyIds = isCaseWorker ? undefined : await followedFamilies(ctx, trx, actor)
    const referrals = await listReferrals(trx, actor.centreId, {
      ...(familyIds === undefined ? {} : { familyIds }),
      ...(filter.status === undefined ? {} : { status: filter.status }),
      limit: filter.limit,
      offset: filter.offset ?? 0,
    })
    const agencies = new Map(
      (await listAgencies(trx, actor.centreId)).map((agency) => [agency.id, agency]),
    )
    const today = todayAtCentre(ctx)
    const references = await familyReferences(
      trx,
      actor.centreId,
      referrals.map((r) => r.familyId),
    )
    const summaries: ReferralSummary[] = []
    for (const referral of referrals) {
      const relationship = await relationshipToFamily(
        ctx,
        trx,
        policy,
        actor,
        referral.familyId,
        today,
      )
      const decision = decide(policy, {
        action: 'read',
        actor: policyActor(actor, relationship),
        resource: { type: 'referral' },
      })
      if (decision.effect === 'deny') continue
      const agency = referral.agencyId === undefined ? undefined : agencies.get(referral.agencyId)
      summaries.push({
        id: referral.id,
        familyId: referral.familyId,
        reference: references.get(referral.familyId) ?? '',
        status: referral.status,
        receivedOn: referral.receivedOn,
        agency: agency ? { id: agency.id, kind: agency.kind, name: agency.name } : null,
        version: referral.version,
      })
    }
    await recordEvent(trx, {
      type: 'records.listed',
      at: ctx.now(),
      centreId: actor.centreId,
      actorId: actor.accountId,
      details: { resource: 'referral', count: summaries.length },
    })
    return summaries
  })
}

/** The families whose referrals a referrer (their agency's) or a parent (their own) follows. */
async function followedFamilies(ctx: AppContext, trx: Db, actor: Actor): Promise<string[]> {
  const ids = new Set<string>()
  if (isReferrer(actor.roles))
    for (const id of await familiesOfReferrer(ctx, trx, actor)) ids.add(id)
  if (isParent(actor.roles))
    for (const row of await familyIdsOfAccount(trx, actor.centreId, actor.accountId))
      ids.add(row.familyId)
  return [...ids]
}

/** One referral: its progress, and as the policy allows, its sessions and its history. */
export interface ReferralDetail extends ReferralSummary {
  sessions?: { startsAt: string; endsAt: string; status: string }[]
  history?: { at: string; from: string | undefined; to: string }[]
  availability?: string | null
  courtOrder?: Record<string, string> | null
}

/**
 * A referral as this actor may see it (ATTEND: a referrer follows the progress of their own
 * agency's referral and the dates and times of its sessions, and nothing else; NDX: the
 * coordinator and staff see its history too). Refused is `not_found`, as missing is.
 */
export async function readReferral(
  ctx: AppContext,
  actor: Actor,
  referralId: string,
): Promise<ReferralDetail> {
  const detail = await auditedRead(ctx, actor.centreId, async (trx) => {
    const referral = await findReferral(trx, actor.centreId, referralId)
    if (!referral) return undefined
    const policy = await policyInForce(ctx, trx, actor.centreId)
    const { decision } = await decideRecordRead(ctx, trx, policy, actor, {
      familyId: referral.familyId,
      resource: 'referral',
      subjectId: referralId,
    })
    if (decision.effect === 'deny') return undefined
    const family = await findFamily(trx, actor.centreId, referral.familyId)
    const agency = (await listAgencies(trx, actor.centreId)).find((a) => a.id === referral.agencyId)
    const shows = (field: string) => !decision.redact.includes(field)
    const sessions = shows('session_times')
      ? (await listSessionsOfFamily(trx, actor.centreId, referral.familyId)).map((s) => ({
          startsAt: s.startsAt,
          endsAt: s.endsAt,
          status: s.status,
        }))
      : undefined
    const history = shows('history')
      ? (await listReferralEvents(trx, actor.centreId, referralId)).map((e) => ({
          at: e.at,
          from: e.fromStatus,
          to: e.toStatus,
        }))
      : undefined
    return {
      id: referral.id,
      familyId: referral.familyId,
      reference: family?.reference ?? '',
      status: referral.status,
      receivedOn: referral.receivedOn,
      agency: agency ? { id: agency.id, kind: agency.kind, name: agency.name } : null,
      version: referral.version,
      ...(sessions ? { sessions } : {}),
      ...(history ? { history } : {}),
      // When the family can come is the centre's to arrange with (never a referrer's view).
      ...(history ? { availability: referral.availability ?? null } : {}),
      ...(shows('court_order') && history
        ? { courtOrder: (referral.courtOrder as Record<string, string> | undefined) ?? null }
        : {}),
    }
  })
  if (!detail) throw new HavenError('not_found', 'no such referral')
  return detail
}

/** The agencies a referral may come from, for the forms that name one: the centre's for the
 * coordinator and staff, a referrer's own only. Names of organisations, not of people. */
export async function listAgencyChoices(
  ctx: AppContext,
  actor: Actor,
): Promise<{ id: string; kind: string; name: string }[]> {
  const policy = await requireAbility(ctx, actor, 'list_agencies')
  // Those who record on the centre's behalf choose from every agency.
  if (hasAbility(policy, actor, 'record_disclosures'))
    return auditedRead(ctx, actor.centreId, async (trx) =>
      (await listAgencies(trx, actor.centreId)).map((a) => ({
        id: a.id,
        kind: a.kind,
        name: a.name,
      })),
    )
  // A referrer has one, recorded on first use: this may write it, so it is not a bare read.
  return inCentre(ctx, actor.centreId, async (trx) => {
    const own = await linkAgencyOfReferrer(ctx, trx, actor)
    return (await listAgencies(trx, actor.centreId))
      .filter((a) => a.id === own)
      .map((a) => ({ id: a.id, kind: a.kind, name: a.name }))
  })
}
