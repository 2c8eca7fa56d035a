import { linkGuessLimits } from '../domain/auth-rules.ts'
import { HavenError } from '../domain/errors.ts'
import { findAccount, findAccountByEmail } from '../storage/accounts.ts'
import { findCentre } from '../storage/centres.ts'
import { findInvitationByConfirmTokenHash, type StoredInvitation } from '../storage/invitations.ts'
import type { Actor } from './actor.ts'
import { chargeGuess } from './attempts.ts'
import type { AppContext } from './context.ts'
import { grantInvitedRoles, makeInvitedAccount } from './invitation-acceptance.ts'
import { hashPassword } from './passwords.ts'
import { judgeNewPassword } from './password-policy.ts'
import { hashToken } from './secrets.ts'

/** What opening an invitation's confirmation did. */
export interface Confirmed {
  centreSlug: string
  roles: string[]
  /** A new account was made with the name and password chosen on the link. */
  isNewAccount: boolean
}

/**
 * Finishes a coordinator's invitation from the link e-mailed to the invited address (OWASP
 * ASVS 5.0 V6.3.8): for an address with no account, the account is made with the name and
 * password its owner chooses here; for an address that has one, its owner, signed in
 * with every factor (`actor`), joins the centre; nobody else can. A link that matches nothing
 * is a guess, charged to its source. Single use; refused once used or when the invitation
 * expired.
 */
export async function confirmInvitation(
  ctx: AppContext,
  input: { token: string; displayName?: string | undefined; password?: string | undefined },
  source: string,
  actor: Actor | undefined,
): Promise<Confirmed> {
  const token = input.token
  const found = await confirmationOrGuess(ctx, token, source)
  const signedInAs = actor && (await findAccount(ctx.db, actor.accountId))
  // A new account's name and password, chosen here by the owner of the address.
  let chosen: { displayName: string; passwordHash: string } | undefined
  if (!(await findAccountByEmail(ctx.db, found.email))) {
    const displayName = (input.displayName ?? '').trim()
    if (displayName.length === 0 || displayName.length > 120)
      throw new HavenError(
        'invalid_input',
        'displayName must be 1 to 120 characters',
        'displayName',
      )
    const verdict = judgeNewPassword(input.password ?? '', [
      found.email.split('@')[0] ?? '',
      displayName,
    ])
    if (!verdict.ok) throw new HavenError('invalid_input', verdict.reason, 'password')
    chosen = { displayName, passwordHash: await hashPassword(input.password ?? '') }
  }
  return ctx.db.transaction().execute(async (trx) => {
    const invitation = await findInvitationByConfirmTokenHash(trx, hashToken(token))
    const now = ctx.now()
    if (!invitation || invitation.acceptedAt !== undefined)
      throw new HavenError('gone', 'this invitation has already been used')
    if (invitation.expiresAt <= now.toISOString())
      throw new HavenError('gone', 'this invitation has expired; ask the coordinator for a new one')
    const centre = await findCentre(trx, invitation.centreId)
    const existing = await findAccountByEmail(trx, invitation.email)
    let accountId = existing?.id
    if (existing) {
      if (signedInAs?.id !== existing.id) {
        throw new HavenError(
          'unauthenticated',
          'you already have a Haven account: sign in with it (and your second factor), then open this link again',
        )
      }
    } else {
      if (!chosen)
        throw new HavenError('conflict', 'this address changed meanwhile; open the link again')
      accountId = await makeInvitedAccount(ctx, trx, invitation, chosen)
    }
    await grantInvitedRoles(trx, invitation, accountId ?? '', now)
    return {
      centreSlug: centre?.slug ?? '',
      roles: invitation.roles,
      isNewAccount: existing === undefined,
    }
  })
}

/** What the owner of the invited address sees on the confirmation's page. */
export interface ConfirmationView {
  centreName: string
  centreSlug: string
  email: string
  roles: string[]
  /** The address has an account: accept from its session; else choose a name and password. */
  hasAccount: boolean
}

/**
 * The confirmation behind an e-mailed link. Only the owner of the invited address has it, so
 * it may say whether the address already has an account (what they must do next depends on
 * it). A link that matches nothing is a guess, charged to its source.
 */
export async function describeConfirmation(
  ctx: AppContext,
  token: string,
  source: string,
): Promise<ConfirmationView> {
  const invitation = await confirmationOrGuess(ctx, token, source)
  const centre = await findCentre(ctx.db, invitation.centreId)
  return {
    centreName: centre?.name ?? '',
    centreSlug: centre?.slug ?? '',
    email: invitation.email,
    roles: invitation.roles,
    hasAccount: (await findAccountByEmail(ctx.db, invitation.email)) !== undefined,
  }
}

async function confirmationOrGuess(
  ctx: AppContext,
  token: string,
  source: string,
): Promise<StoredInvitation> {
  const guess = await chargeGuess(ctx, linkGuessLimits(source), { what: 'invitation_link' })
  const found = await findInvitationByConfirmTokenHash(ctx.db, hashToken(token))
  if (!found) throw new HavenError('not_found', 'this link is not valid; check it was copied whole')
  await guess.refund()
  if (found.acceptedAt !== undefined)
    throw new HavenError('gone', 'this invitation has already been used')
  if (found.expiresAt <= ctx.now().toISOString())
    throw new HavenError('gone', 'this invitation has expired; ask the coordinator for a new one')
  return found
}
