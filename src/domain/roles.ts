/**
 * The roles the five policies name (docs/CLAUSES.md, "Roles named by the policies"):
 * Co-ordinator (C, P, H), Chair of the Management Committee (C, P), Management Team (B),
 * volunteers (C, H, P, B), staff (S, H), referring agencies (all), users: parents (all).
 * A person may hold several roles in a centre, and roles in several centres.
 */
export const ROLES = [
  'coordinator',
  'chair',
  'management',
  'staff',
  'volunteer',
  'referrer',
  'parent',
] as const
export type Role = (typeof ROLES)[number]

/** The kinds of referring agency a referrer works for. */
export const AGENCY_KINDS = [
  'solicitor',
  'mediator',
  'cafcass',
  'social_worker',
  'court',
  'other',
] as const
export type AgencyKind = (typeof AGENCY_KINDS)[number]

export function isRole(value: string): value is Role {
  return (ROLES as readonly string[]).includes(value)
}

export { requiresSecondFactor, SECOND_FACTOR_ROLES } from './policy/second-factor.ts'
