import type { Role } from '../roles.ts'

/**
 * Roles that can see protected data (contact details, check results) and so must use a
 * second factor (clause SECURE; ENGINEERING.md §6).
 */
export const SECOND_FACTOR_ROLES: readonly Role[] = ['coordinator', 'chair', 'management', 'staff']

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
