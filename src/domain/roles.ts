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

/**
 * Roles that can see protected data (contact details, check results) and so must use a
 * second factor (clause SECURE; ENGINEERING.md §6).
 */
export const SECOND_FACTOR_ROLES: readonly Role[] = ['coordinator', 'chair', 'management', 'staff']

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

/**
 * SECURE: whether these roles sign in with a second factor: the roles the centre's policy
 * names (`security.secondFactorRoles`), never fewer than the roles that see protected data
 * (ENGINEERING.md §6, the floor a policy cannot lower), or every role if the centre says so.
 */
export function requiresSecondFactor(
  roles: readonly Role[],
  policyRoles: readonly string[],
  isRequiredForAll: boolean,
): boolean {
  if (isRequiredForAll) return roles.length > 0
  return roles.some((role) => SECOND_FACTOR_ROLES.includes(role) || policyRoles.includes(role))
}

/** Roles that may invite people, change roles, disable accounts and end sessions. */
export function canManageMembers(roles: readonly Role[]): boolean {
  return roles.includes('coordinator')
}
