import type { PolicyRequest } from '../policy/request.ts'
import type { Decision } from '../policy/decision.ts'
import type { RecordCategory } from '../policy/document.ts'
import type { CompiledPolicy } from '../policy/engine.ts'
import { decide } from '../policy/engine.ts'
import type { Role } from '../roles.ts'

/**
 * What a disposal run decides (RETAIN). A family's records are used together: the last
 * business activity on any of them (a session, a referral moving, a consent, a disclosure, a
 * correction) is the family's last use, and once the policy's years have passed since, every
 * category of its records that the policy does not keep indefinitely is destroyed together,
 * keys first. Records that stand alone (an accident book entry, an incident or a guidance
 * request with no family) have their own last use.
 *
 * A family's safeguarding concerns and the disclosures made because someone was at risk of
 * violence are its safeguarding records; the disclosures made because a child was at risk are
 * its records of child protection. Where the policy keeps those (Birmingham), they stay when the
 * rest of the family goes, with the family's reference and its people's names (never their
 * contact details, and never the family's key) so that they still say whom they are about.
 */
export const FAMILY_CATEGORIES = [
  'family_record',
  'referral',
  'session_record',
  'consent',
  'disclosure_register',
  'incident',
  'safeguarding',
  'child_protection',
  'accident_book',
  'guidance_request',
] as const satisfies readonly RecordCategory[]
export type FamilyCategory = (typeof FAMILY_CATEGORIES)[number]

export type CategoryCounts = Partial<Record<FamilyCategory, number>>

export interface FamilyDisposal {
  /** The categories destroyed now, with their counts. */
  destroy: CategoryCounts
  /** The categories the policy keeps, with their counts (they stay, named by the family). */
  keep: CategoryCounts
  /** Nothing is kept: the family row itself goes. */
  isWhollyDestroyed: boolean
  dueOn: string
}

/** The policy's decision on one category of records last used on a day. */
export function disposalDecision(
  policy: CompiledPolicy,
  /** Who disposes: the person planning or approving, or the operator's schedule (RETAIN). */
  by: PolicyRequest['actor'],
  category: RecordCategory,
  lastUsedOn: string,
  isOnLegalHold: boolean,
  today: string,
): Decision {
  return decide(policy, {
    action: 'dispose',
    actor: by,
    record: { category, lastUsedOn, isOnLegalHold },
    today,
  })
}

/**
 * What happens to one family's records today: undefined when nothing is due (in use, on
 * legal hold); otherwise what is destroyed and what is kept, category by category, each the
 * engine's own decision. The family's own record (people, contact details, key) is always
 * due with the rest: no policy keeps contact details for ever.
 */
export function planFamilyDisposal(
  policy: CompiledPolicy,
  by: PolicyRequest['actor'],
  family: { lastUsedOn: string; isOnLegalHold: boolean; counts: CategoryCounts },
  today: string,
): FamilyDisposal | undefined {
  const own = disposalDecision(
    policy,
    by,
    'family_record',
    family.lastUsedOn,
    family.isOnLegalHold,
    today,
  )
  if (own.effect === 'deny') return undefined
  const destroy: CategoryCounts = {}
  const keep: CategoryCounts = {}
  for (const category of FAMILY_CATEGORIES) {
    const count = category === 'family_record' ? 1 : (family.counts[category] ?? 0)
    const decision =
      category === 'family_record'
        ? own
        : disposalDecision(policy, by, category, family.lastUsedOn, family.isOnLegalHold, today)
    if (decision.effect === 'permit') {
      if (count > 0) destroy[category] = count
    } else if (count > 0) keep[category] = count
  }
  return {
    destroy,
    keep,
    isWhollyDestroyed: Object.keys(keep).length === 0,
    dueOn: own.retention?.dueOn ?? today,
  }
}

/** Who approves a run, or nobody when the policy makes disposal automatic. */
export function disposalApprovers(policy: CompiledPolicy): Role[] | 'automatic' {
  return policy.parameters.retention.isAutomatic
    ? 'automatic'
    : [...policy.parameters.retention.approvedBy]
}

/** Adds one set of counts to another (for a run's totals). */
export function addCounts(total: CategoryCounts, more: CategoryCounts): CategoryCounts {
  const sum: CategoryCounts = { ...total }
  for (const [category, count] of Object.entries(more) as [FamilyCategory, number][])
    sum[category] = (sum[category] ?? 0) + count
  return sum
}
