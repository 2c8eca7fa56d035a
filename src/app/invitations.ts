import { INVITATION_TTL_MS, isPlausibleEmail, normaliseEmail } from '../domain/auth-rules.ts'
import { HavenError } from '../domain/errors.ts'
import { judgeNewPassword } from './password-policy.ts'
import { AGENCY_KINDS, isRole, type Role } from '../domain/roles.ts'
import { findAccountByEmail, insertAccount, insertRoles } from '../storage/accounts.ts'
import { findCentre, type Centre } from '../storage/centres.ts'
import type { Db } from '../storage/database.ts'
import {
  findInvitationByTokenHash,
  insertInvitation,
  markInvitationAccepted,
  type StoredInvitation,
} from '../storage/invitations.ts'
import { assertCanManageMembers, type Actor } from './actor.ts'
import { recordEvent } from './audit.ts'
import { inCentre } from './in-centre.ts'
import type { AppContext } from './context.ts'
import { queueMessage } from './outbox.ts'
import { hashPassword, verifyPassword } from './passwords.ts'
import { hashToken, newToken } from './secrets.ts'

export interface IssuedInvitation {
  /** The one-time link; shown once, stored only as a hash of its token. */
  link: string
  expiresAt: string
  email: string
  roles: Role[]
}

export interface InvitationRequest {
  email: string
  roles: readonly string[]
  agencyKind?: string | undefined
  agencyName?: string | undefined
}

/** A coordinator invites a person to the centre with one or more roles (72 hours, single use). */
export async function inviteMember(
  ctx: AppContext,
  actor: Actor,
  request: InvitationRequest,
): Promise<IssuedInvitation> {
  assertCanManageMembers(actor)
  return inCentre(ctx, actor.centreId, async (trx) => {
    const centre = await findCentre(trx, actor.centreId)
    if (!centre) throw new HavenError('not_found', 'no such centre')
    return issueInvitation(ctx, trx, centre, actor.accountId, request)
  })
}

/** Writes an invitation, queues its e-mail and records it; the caller holds the transaction. */
export async function issueInvitation(
  ctx: AppContext,
  trx: Db,
  centre: Centre,
  invitedBy: string | undefined,
  request: InvitationRequest,
): Promise<IssuedInvitation> {
  const email = parseEmail(request.email, 'email')
  const roles = parseRoles(request.roles)
  const agency = parseAgency(roles, request.agencyKind, request.agencyName)
  const token = newToken()
  const now = ctx.now()
  const expiresAt = new Date(now.getTime() + INVITATION_TTL_MS).toISOString()
  const invitation: StoredInvitation = {
    id: ctx.newId(),
    centreId: centre.id,
    email,
    roles,
    agencyKind: agency.kind,
    agencyName: agency.name,
    tokenHash: hashToken(token),
    invitedBy,
    createdAt: now.toISOString(),
    expiresAt,
    acceptedAt: undefined,
    acceptedAccountId: undefined,
  }
  await insertInvitation(trx, invitation)
  const link = `${ctx.publicUrl}/invitations/${token}`
  await queueMessage(ctx, trx, {
    centreId: centre.id,
    recipient: email,
    subject: `You are invited to ${centre.name} on Haven`,
    body: `You have been invited to ${centre.name} on Haven as ${roles.join(', ')}.\n\nSet your password here (the link works once, for 72 hours):\n${link}\n`,
  })
  await recordEvent(trx, {
    type: 'invitation.created',
    at: now,
    centreId: centre.id,
    actorId: invitedBy,
    subjectId: invitation.id,
    details: { roles },
  })
  return { link, expiresAt, email, roles }
}

export interface InvitationView {
  centreName: string
  email: string
  roles: string[]
  expiresAt: string
  hasAccount: boolean
}

/** What the holder of an invitation link sees before accepting it. */
export async function describeInvitation(ctx: AppContext, token: string): Promise<InvitationView> {
  const invitation = await usableInvitation(ctx, ctx.db, token)
  const centre = await findCentre(ctx.db, invitation.centreId)
  return {
    centreName: centre?.name ?? '',
    email: invitation.email,
    roles: invitation.roles,
    expiresAt: invitation.expiresAt,
    hasAccount: (await findAccountByEmail(ctx.db, invitation.email)) !== undefined,
  }
}

/**
 * Accepts an invitation: a new account with a password, or, for someone who already has an
 * account (a referrer who works with several centres), new roles once they prove it is
 * theirs with their current password. Single use; refused once used or expired.
 */
export async function acceptInvitation(
  ctx: AppContext,
  input: { token: string; displayName?: string | undefined; password: string },
): Promise<{ accountId: string; centreId: string; roles: string[] }> {
  const peek = await usableInvitation(ctx, ctx.db, input.token)
  const existing = await findAccountByEmail(ctx.db, peek.email)
  let passwordHash: string | undefined
  if (existing) {
    if (!(await verifyPassword(input.password, existing.passwordHash))) {
      throw new HavenError(
        'unauthenticated',
        'you already have a Haven account: enter its password to accept',
        'password',
      )
    }
  } else {
    const displayName = (input.displayName ?? '').trim()
    if (displayName.length === 0 || displayName.length > 120) {
      throw new HavenError(
        'invalid_input',
        'displayName must be 1 to 120 characters',
        'displayName',
      )
    }
    const verdict = judgeNewPassword(input.password, [peek.email.split('@')[0] ?? '', displayName])
    if (!verdict.ok) throw new HavenError('invalid_input', verdict.reason, 'password')
    passwordHash = await hashPassword(input.password)
  }
  return ctx.db.transaction().execute(async (trx) => {
    const invitation = await usableInvitation(ctx, trx, input.token)
    const now = ctx.now()
    let accountId = existing?.id
    if (!accountId) {
      if (await findAccountByEmail(trx, invitation.email)) {
        throw new HavenError(
          'conflict',
          'an account for this e-mail was made meanwhile; open the link again',
        )
      }
      accountId = ctx.newId()
      await insertAccount(trx, {
        id: accountId,
        email: invitation.email,
        displayName: (input.displayName ?? '').trim(),
        passwordHash: passwordHash ?? '',
        totpSecretCiphertext: undefined,
        totpPendingCiphertext: undefined,
        totpLastStep: undefined,
        isDisabled: false,
        createdAt: now.toISOString(),
        updatedAt: now.toISOString(),
        version: 1,
      })
      await recordEvent(trx, {
        type: 'account.created',
        at: now,
        centreId: invitation.centreId,
        actorId: accountId,
        subjectId: accountId,
      })
    }
    if (!(await markInvitationAccepted(trx, invitation.id, accountId, now.toISOString()))) {
      throw new HavenError('gone', 'this invitation has already been used')
    }
    await insertRoles(
      trx,
      invitation.roles.map((role) => ({
        accountId: accountId,
        centreId: invitation.centreId,
        role,
        agencyKind: role === 'referrer' ? invitation.agencyKind : undefined,
        agencyName: role === 'referrer' ? invitation.agencyName : undefined,
        grantedAt: now.toISOString(),
        grantedBy: invitation.invitedBy,
      })),
    )
    await recordEvent(trx, {
      type: 'invitation.accepted',
      at: now,
      centreId: invitation.centreId,
      actorId: accountId,
      subjectId: invitation.id,
    })
    await recordEvent(trx, {
      type: 'role.granted',
      at: now,
      centreId: invitation.centreId,
      actorId: invitation.invitedBy,
      subjectId: accountId,
      details: { roles: invitation.roles },
    })
    return { accountId, centreId: invitation.centreId, roles: invitation.roles }
  })
}

async function usableInvitation(ctx: AppContext, db: Db, token: string): Promise<StoredInvitation> {
  const invitation = await findInvitationByTokenHash(db, hashToken(token))
  if (!invitation)
    throw new HavenError(
      'not_found',
      'this invitation link is not valid; check it was copied whole',
    )
  if (invitation.acceptedAt !== undefined)
    throw new HavenError('gone', 'this invitation has already been used')
  if (invitation.expiresAt <= ctx.now().toISOString()) {
    throw new HavenError('gone', 'this invitation has expired; ask the coordinator for a new one')
  }
  return invitation
}

export function parseEmail(value: string, field: string): string {
  const email = normaliseEmail(value)
  if (!isPlausibleEmail(email))
    throw new HavenError('invalid_input', `${field} is not an e-mail address`, field)
  return email
}

export function parseRoles(values: readonly string[]): Role[] {
  if (values.length === 0)
    throw new HavenError('invalid_input', 'roles must name at least one role', 'roles')
  const roles: Role[] = []
  for (const value of values) {
    if (!isRole(value))
      throw new HavenError('invalid_input', `roles: "${value}" is not a role`, 'roles')
    if (!roles.includes(value)) roles.push(value)
  }
  return roles
}

function parseAgency(
  roles: readonly Role[],
  kind: string | undefined,
  name: string | undefined,
): { kind: string | undefined; name: string | undefined } {
  if (!roles.includes('referrer')) {
    if (kind !== undefined || name !== undefined) {
      throw new HavenError(
        'invalid_input',
        'agencyKind and agencyName are for referrers only',
        'agencyKind',
      )
    }
    return { kind: undefined, name: undefined }
  }
  if (kind === undefined || !(AGENCY_KINDS as readonly string[]).includes(kind)) {
    throw new HavenError(
      'invalid_input',
      `agencyKind must be one of ${AGENCY_KINDS.join(', ')}`,
      'agencyKind',
    )
  }
  const agencyName = (name ?? '').trim()
  if (agencyName.length === 0 || agencyName.length > 200) {
    throw new HavenError('invalid_input', 'agencyName must be 1 to 200 characters', 'agencyName')
  }
  return { kind, name: agencyName }
}
