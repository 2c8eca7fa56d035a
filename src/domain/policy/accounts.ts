import type { Role } from '../roles.ts'

/**
 * What an account's roles say about the person, for describing them (never for allowing or
 * refusing: that is the abilities' and the rules' work). The only role names compared outside
 * the rules live here.
 */
const WORKER_ROLES: readonly Role[] = ['coordinator', 'staff', 'volunteer']

/** Works at the centre: the coordinator, staff or a volunteer (CHECKS applies to them). */
export function isWorker(roles: readonly string[]): boolean {
  return roles.some((role) => (WORKER_ROLES as readonly string[]).includes(role))
}

/** The kind of worker, as CHECKS and NDX name them: staff (the coordinator is staff) or volunteer. */
export function workerKindOf(roles: readonly string[]): 'staff' | 'volunteer' {
  return roles.includes('staff') || roles.includes('coordinator') ? 'staff' : 'volunteer'
}

/** A parent of a family at the centre. */
export const isParent = (roles: readonly string[]): boolean => roles.includes('parent')
/** Works for a referring agency. */
export const isReferrer = (roles: readonly string[]): boolean => roles.includes('referrer')
/** A volunteer (who reads a family only while on its sessions, NDX). */
export const isVolunteer = (roles: readonly string[]): boolean => roles.includes('volunteer')
/** The centre's coordinator (who must stay at least one, so the centre is never unmanaged). */
export const isCoordinator = (roles: readonly string[]): boolean => roles.includes('coordinator')

/**
 * The roles an installation's host is shown of a centre's member (decision 0047): a parent's
 * is the family's, so it is left out; a member who is only a parent is not shown at all.
 */
export const rolesShownToHost = (roles: readonly Role[]): Role[] =>
  roles.filter((role) => role !== 'parent')

/** Exactly the coordinator's role: the only invitation a host may send (decision 0047). */
export const isCoordinatorOnly = (roles: readonly string[]): boolean =>
  roles.length === 1 && isCoordinator(roles)

/** Staff or the coordinator, as CHECKS and NDX name staff (told when a host invites, 0047). */
export const isStaffWorker = (roles: readonly string[]): boolean =>
  isWorker(roles) && workerKindOf(roles) === 'staff'
