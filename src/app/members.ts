import { isCoordinator, isReferrer } from '../domain/policy/accounts.ts'
import { HavenError } from '../domain/errors.ts'
import { isRole, type Role } from '../domain/roles.ts'
import {
  deleteRoles,
  insertRoles,
  listAccessStopsOfCentre,
  listAccountsOfCentre,
  listRolesInCentre,
  listRolesOfCentre,
  setAccessStopped,
} from '../storage/accounts.ts'
import { endAccountSessions, endCentreSessions } from '../storage/auth-sessions.ts'
import { setSecondFactorRequiredForAll } from '../storage/centres.ts'
import type { Actor } from './actor.ts'
import { requireAbility } from './policy-access.ts'
import { recordEvent } from './audit.ts'
import { auditedRead, inCentre } from './in-centre.ts'
import type { AppContext } from './context.ts'
import { parseRoles } from './invitations.ts'

export interface Member {
  accountId: string
  displayName: string
  email: string
  roles: Role[]
  agencyKind: string | undefined
  agencyName: string | undefined
  isDisabled: boolean
  hasSecondFactor: boolean
}

/** The people of the actor's centre and their roles there (coordinator only, for now). */
export async function listMembers(ctx: AppContext, actor: Actor): Promise<Member[]> {
  await requireAbility(ctx, actor, 'manage_members')
  const { accounts, roles, stopped } = await auditedRead(ctx, actor.centreId, async (trx) => ({
    accounts: await listAccountsOfCentre(trx, actor.centreId),
    roles: await listRolesOfCentre(trx, actor.centreId),
    stopped: new Set(await listAccessStopsOfCentre(trx, actor.centreId)),
  }))
  return accounts.map((account) => {
    const own = roles.filter((role) => role.accountId === account.id)
    const referrer = own.find((role) => isReferrer([role.role]))
    return {
      accountId: account.id,
      displayName: account.displayName,
      email: account.email,
      roles: own.map((role) => role.role).filter(isRole),
      agencyKind: referrer?.agencyKind,
      agencyName: referrer?.agencyName,
      isDisabled: account.isDisabled || stopped.has(account.id),
      hasSecondFactor: account.totpSecretCiphertext !== undefined,
    }
  })
}

/** Loads a member of the actor's centre; someone with no role here is `not_found`. */
async function memberOfCentre(
  ctx: AppContext,
  actor: Actor,
  accountId: string,
): Promise<{ roles: Role[] }> {
  const roles = (await listRolesInCentre(ctx.db, actor.centreId, accountId))
    .map((row) => row.role)
    .filter(isRole)
  if (roles.length === 0) throw new HavenError('not_found', 'no such person in this centre')
  return { roles }
}

/**
 * Sets a member's roles in this centre. Referrer details come only with an invitation, so
 * the referrer role is granted by inviting. A coordinator cannot remove the centre's last
 * coordinator. The member's sessions here end, so the new roles apply at once.
 */
export async function changeMemberRoles(
  ctx: AppContext,
  actor: Actor,
  accountId: string,
  requested: readonly string[],
): Promise<Role[]> {
  await requireAbility(ctx, actor, 'manage_members')
  const roles = parseRoles(requested)
  const now = ctx.now()
  return inCentre(ctx, actor.centreId, async (trx) => {
    const current = (await listRolesInCentre(trx, actor.centreId, accountId))
      .map((row) => row.role)
      .filter(isRole)
    if (current.length === 0) throw new HavenError('not_found', 'no such person in this centre')
    const added = roles.filter((role) => !current.includes(role))
    const removed = current.filter((role) => !roles.includes(role))
    if (isReferrer(added)) {
      throw new HavenError(
        'invalid_input',
        'the referrer role comes with an invitation naming the agency',
        'roles',
      )
    }
    if (isCoordinator(removed)) {
      const coordinators = (await listRolesOfCentre(trx, actor.centreId)).filter((row) =>
        isCoordinator([row.role]),
      )
      if (coordinators.length <= 1)
        throw new HavenError('conflict', 'a centre needs at least one coordinator', 'roles')
    }
    await deleteRoles(trx, actor.centreId, accountId, removed)
    await insertRoles(
      trx,
      added.map((role) => ({
        accountId,
        centreId: actor.centreId,
        role,
        agencyKind: undefined,
        agencyName: undefined,
        grantedAt: now.toISOString(),
        grantedBy: actor.accountId,
      })),
    )
    if (added.length > 0)
      await recordEvent(trx, {
        type: 'role.granted',
        at: now,
        centreId: actor.centreId,
        actorId: actor.accountId,
        subjectId: accountId,
        details: { roles: added },
      })
    if (removed.length > 0)
      await recordEvent(trx, {
        type: 'role.revoked',
        at: now,
        centreId: actor.centreId,
        actorId: actor.accountId,
        subjectId: accountId,
        details: { roles: removed },
      })
    if (added.length + removed.length > 0) {
      await endAccountSessions(trx, accountId, now.toISOString(), 'roles_changed', actor.centreId)
    }
    return roles
  })
}

/**
 * Stops (or restores) a person's access to this centre, and only this one: an account that
 * also belongs to another centre keeps it there (OWASP ASVS 5.0 V8.4.1, centres are
 * separate). Stopping ends their sessions here at once. A coordinator cannot stop their own
 * access.
 */
export async function setMemberDisabled(
  ctx: AppContext,
  actor: Actor,
  accountId: string,
  isDisabled: boolean,
): Promise<void> {
  await requireAbility(ctx, actor, 'manage_members')
  await memberOfCentre(ctx, actor, accountId)
  if (isDisabled && accountId === actor.accountId)
    throw new HavenError('conflict', 'you cannot disable your own account')
  const now = ctx.now()
  await inCentre(ctx, actor.centreId, async (trx) => {
    const changed = await setAccessStopped(
      trx,
      { centreId: actor.centreId, accountId, at: now.toISOString(), by: actor.accountId },
      isDisabled,
    )
    const ended = isDisabled
      ? await endAccountSessions(
          trx,
          accountId,
          now.toISOString(),
          'account_disabled',
          actor.centreId,
        )
      : 0
    if (!changed && ended === 0) return
    await recordEvent(trx, {
      type: isDisabled ? 'account.disabled' : 'account.enabled',
      at: now,
      centreId: actor.centreId,
      actorId: actor.accountId,
      subjectId: accountId,
      details: { sessionsEnded: ended, scope: 'centre' },
    })
  })
}

/** Ends every session a member has in this centre; returns how many. */
export async function endMemberSessions(
  ctx: AppContext,
  actor: Actor,
  accountId: string,
): Promise<number> {
  await requireAbility(ctx, actor, 'manage_members')
  await memberOfCentre(ctx, actor, accountId)
  const now = ctx.now()
  return inCentre(ctx, actor.centreId, async (trx) => {
    const ended = await endAccountSessions(
      trx,
      accountId,
      now.toISOString(),
      'ended_by_coordinator',
      actor.centreId,
    )
    await recordEvent(trx, {
      type: 'session.ended',
      at: now,
      centreId: actor.centreId,
      actorId: actor.accountId,
      subjectId: accountId,
      details: { reason: 'ended_by_coordinator', count: ended },
    })
    return ended
  })
}

/** "End all sessions": everyone in the centre is signed out, except the coordinator's own session. */
export async function endAllSessions(ctx: AppContext, actor: Actor): Promise<number> {
  await requireAbility(ctx, actor, 'manage_members')
  const now = ctx.now()
  return inCentre(ctx, actor.centreId, async (trx) => {
    const ended = await endCentreSessions(
      trx,
      actor.centreId,
      now.toISOString(),
      'ended_by_coordinator',
      actor.sessionId,
    )
    await recordEvent(trx, {
      type: 'sessions.ended_all',
      at: now,
      centreId: actor.centreId,
      actorId: actor.accountId,
      details: { count: ended },
    })
    return ended
  })
}

/** SECURE: whether every role, not only those that see protected data, must use a second factor. */
export async function setSecondFactorForAll(
  ctx: AppContext,
  actor: Actor,
  required: boolean,
): Promise<void> {
  await requireAbility(ctx, actor, 'manage_members')
  const now = ctx.now()
  await inCentre(ctx, actor.centreId, async (trx) => {
    await setSecondFactorRequiredForAll(trx, actor.centreId, required)
    await recordEvent(trx, {
      type: 'centre.second_factor_policy',
      at: now,
      centreId: actor.centreId,
      actorId: actor.accountId,
      details: { requiredForAll: required },
    })
  })
}
