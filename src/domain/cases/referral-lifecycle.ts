/**
 * A referral's lifecycle (ENGINEERING.md §1): received, then a pre-visit with each parent,
 * then a risk assessment, then accepted or declined; an accepted family waits for a place,
 * then its sessions are active, and one day the case is closed. A referral may be declined
 * or closed from any open state (the family withdraws, the centre cannot help); closed and
 * declined are final.
 */
export const REFERRAL_STATUSES = [
  'received',
  'pre_visits',
  'risk_assessed',
  'accepted',
  'declined',
  'waiting',
  'active',
  'closed',
] as const
export type ReferralStatus = (typeof REFERRAL_STATUSES)[number]

const NEXT: Readonly<Record<ReferralStatus, readonly ReferralStatus[]>> = {
  received: ['pre_visits', 'declined', 'closed'],
  pre_visits: ['risk_assessed', 'declined', 'closed'],
  risk_assessed: ['accepted', 'declined', 'closed'],
  accepted: ['waiting', 'active', 'closed'],
  waiting: ['active', 'closed'],
  active: ['waiting', 'closed'],
  declined: [],
  closed: [],
}

export function nextStatuses(from: ReferralStatus): readonly ReferralStatus[] {
  return NEXT[from]
}

export function canMoveReferral(from: ReferralStatus, to: ReferralStatus): boolean {
  return NEXT[from].includes(to)
}

/** Sessions can be booked only for a family the centre has accepted. */
export function isBookable(status: ReferralStatus): boolean {
  return status === 'accepted' || status === 'waiting' || status === 'active'
}

export function isReferralStatus(value: string): value is ReferralStatus {
  return (REFERRAL_STATUSES as readonly string[]).includes(value)
}
