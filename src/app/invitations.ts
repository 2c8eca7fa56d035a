import {
  isCoordinator,
  isCoordinatorOnly,
  isReferrer,
  isStaffWorker,
} from '../domain/policy/accounts.ts'
import {
  INVITATION_TTL_MS,
  isPlausibleEmail,
  linkGuessLimits,
  normaliseEmail,
} from '../domain/auth-rules.ts'
import { HavenError } from '../domain/errors.ts'
import { AGENCY_KINDS, isRole, type Role } from '../domain/roles.ts'
import { findAccount, listAccessStopsOfCentre, listRolesOfCentre } from '../storage/accounts.ts'
import { findCentre, type Centre } from '../storage/centres.ts'
import type { Db } from '../storage/database.ts'
import {
  findInvitationByTokenHash,
  insertInvitation,
  listOpenInvitations,
  type StoredInvitation,
} from '../storage/invitations.ts'
import { HOST_ID, OPERATOR_ID, type Actor } from './actor.ts'
import { requireAbility } from './policy-access.ts'
import { recordEvent } from './audit.ts'
import { inCentre } from './in-centre.ts'
import type { AppContext } from './context.ts'
import { queueMessage } from './outbox.ts'
import { chargeGuess } from './attempts.ts'
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

/**
 * A coordinator invites a person to the centre with one or more roles (72 hours, single use).
 * `asHost`: the operator of an installation hosting several centres, who never reads a family
 * (decision 0047), may invite only a coordinator, and only to a centre left with none who can
 * act and no coordinator's invitation still open; checked under the centre's lock, so of
 * invitations sent together one is made. The host's invitation is finished from the invited
 * address (HOST_ID), and the centre's coordinators and staff, the stopped ones too, are told
 * by e-mail who was invited, so a host cannot quietly make itself a coordinator.
 */
export async function inviteMember(
  ctx: AppContext,
  actor: Actor,
  request: InvitationRequest,
  options: { asHost?: boolean } = {},
): Promise<IssuedInvitation> {
  await requireAbility(ctx, actor, 'manage_members')
  return inCentre(ctx, actor.centreId, async (trx) => {
    const centre = await findCentre(trx, actor.centreId)
    if (!centre) throw new HavenError('not_found', 'no such centre')
    if (centre.closedAt !== undefined)
      throw new HavenError('conflict', 'this centre is closed: reopen it before inviting anyone')
    if (options.asHost === true) {
      if (!isCoordinatorOnly(request.roles))
        throw new HavenError(
          'forbidden',
          "the installation's operator invites only a coordinator; the coordinator invites everyone else",
          'roles',
        )
      if (await hasCoordinatorOrInvitation(trx, centre.id, ctx.now().toISOString()))
        throw new HavenError(
          'conflict',
          "this centre has a coordinator who can act, or a coordinator's invitation still open: the installation's operator invites a coordinator only to a centre left without one",
          'roles',
        )
      const issued = await issueInvitation(ctx, trx, centre, HOST_ID, request)
      await tellCoordinatorsAndStaff(ctx, trx, centre, issued.email)
      return issued
    }
    return issueInvitation(ctx, trx, centre, actor.accountId, request)
  })
}

/**
 * Tells each coordinator and member of staff of the centre, whether or not they can still
 * sign in, that the host invited a new coordinator: the address, not the centre's families.
 */
async function tellCoordinatorsAndStaff(
  ctx: AppContext,
  trx: Db,
  centre: Centre,
  invitedEmail: string,
): Promise<void> {
  const roles = await listRolesOfCentre(trx, centre.id)
  const ids = [...new Set(roles.filter((r) => isStaffWorker([r.role])).map((r) => r.accountId))]
  for (const id of ids) {
    const account = await findAccount(trx, id)
    if (!account || account.email === invitedEmail) continue
    await queueMessage(ctx, trx, {
      centreId: centre.id,
      recipient: account.email,
      subject: 'A new coordinator was invited to Haven',
      body: `The host of your Haven has invited ${invitedEmail} to be a coordinator of ${centre.name}, because the centre had no coordinator who could sign in.\n\nIf nobody at the centre asked for this, tell the host and your trustees at once: a coordinator can read every family's records.\n`,
    })
  }
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
    answeredAt: undefined,
  }
  await insertInvitation(trx, invitation)
  const link = `${ctx.publicUrl}/invitations/${token}`
  await queueMessage(ctx, trx, {
    centreId: centre.id,
    recipient: email,
    // Neither the subject nor the first line names the centre or what it does: a lock screen
    // shows them to anyone nearby.
    subject: 'Your invitation to Haven',
    body: `You have been invited to use Haven, a records system.\n\nWho invited you: ${centre.name}, as ${roles.join(', ')}.\n\nSet your password here (the link works once, for 72 hours):\n${link}\n\nIf you already have a Haven account, sign in first and then open the link.\n`,
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
  /** The centre's address in Haven, for the sign-in link (`/sign-in?centre=`). */
  centreSlug: string
  /** Finished from the invited address (a coordinator's invitation), not on this link. */
  isFinishedByEmail: boolean
  email: string
  roles: string[]
  expiresAt: string
}

/**
 * What the holder of an invitation link sees before accepting it. It says nothing of whether
 * the address already has an account on this installation (the coordinator saw the link
 * too). A link that matches nothing is a guess, charged to its source.
 */
export async function describeInvitation(
  ctx: AppContext,
  token: string,
  source: string,
): Promise<InvitationView> {
  const invitation = await usableInvitationOrGuess(ctx, token, source)
  const centre = await findCentre(ctx.db, invitation.centreId)
  return {
    centreName: centre?.name ?? '',
    centreSlug: centre?.slug ?? '',
    isFinishedByEmail: isFinishedByEmail(invitation),
    email: invitation.email,
    roles: invitation.roles,
    expiresAt: invitation.expiresAt,
  }
}

/**
 * Whether the invitation is finished from the address it was sent to. A coordinator's
 * invitation is: the coordinator is shown the link, so whatever the link leads to (an account
 * made, a member added, an address that already had an account) must tell them nothing, and
 * an account bearing someone's address must not be made by whoever holds the link. The
 * operator's invitations (the first coordinator's, `haven centre invite`) are finished on the
 * link: the operator holds the database already.
 */
export function isFinishedByEmail(invitation: { invitedBy: string | undefined }): boolean {
  return invitation.invitedBy !== undefined && invitation.invitedBy !== OPERATOR_ID
}

/** The usable invitation behind a link; a link that matches nothing is charged as a guess. */
export async function usableInvitationOrGuess(
  ctx: AppContext,
  token: string,
  source: string,
  options: { mayBeAnswered?: boolean } = {},
): Promise<StoredInvitation> {
  const guess = await chargeGuess(ctx, linkGuessLimits(source), { what: 'invitation_link' })
  // A link that matches an invitation is no guess, even a used or expired one.
  if (await findInvitationByTokenHash(ctx.db, hashToken(token))) await guess.refund()
  return usableInvitation(ctx, ctx.db, token, options)
}

/**
 * The invitation behind a link, if it may still be used. `mayBeAnswered`: an answered
 * invitation (its confirmation sent to the address) may still be accepted by the address's
 * owner from their own full session.
 */
export async function usableInvitation(
  ctx: AppContext,
  db: Db,
  token: string,
  options: { mayBeAnswered?: boolean } = {},
): Promise<StoredInvitation> {
  const invitation = await findInvitationByTokenHash(db, hashToken(token))
  if (!invitation)
    throw new HavenError(
      'not_found',
      'this invitation link is not valid; check it was copied whole',
    )
  if (
    invitation.acceptedAt !== undefined ||
    (invitation.answeredAt !== undefined && options.mayBeAnswered !== true)
  )
    throw new HavenError('gone', 'this invitation has already been used')
  if (invitation.expiresAt <= ctx.now().toISOString()) {
    throw new HavenError('gone', 'this invitation has expired; ask the coordinator for a new one')
  }
  if ((await findCentre(db, invitation.centreId))?.closedAt !== undefined)
    throw new HavenError('gone', 'this centre has closed on this installation')
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
  if (!isReferrer(roles)) {
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

/** Whether a centre has a coordinator who can sign in, or an open invitation for one. */
async function hasCoordinatorOrInvitation(db: Db, centreId: string, now: string): Promise<boolean> {
  const roles = await listRolesOfCentre(db, centreId)
  const stopped = new Set(await listAccessStopsOfCentre(db, centreId))
  for (const role of roles) {
    if (!isCoordinator([role.role]) || stopped.has(role.accountId)) continue
    const account = await findAccount(db, role.accountId)
    if (account && !account.isDisabled) return true
  }
  const open = await listOpenInvitations(db, centreId, now)
  return open.some((invitation) => isCoordinator(invitation.roles))
}
