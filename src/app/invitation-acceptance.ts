import { isReferrer } from '../domain/policy/accounts.ts'
import { HavenError } from '../domain/errors.ts'
import { findAccount, findAccountByEmail, insertAccount, insertRoles } from '../storage/accounts.ts'
import { lockCentre } from '../storage/audit-log.ts'
import { findCentre } from '../storage/centres.ts'
import type { Db } from '../storage/database.ts'
import {
  answerInvitation,
  markInvitationAccepted,
  type StoredInvitation,
} from '../storage/invitations.ts'
import type { Actor } from './actor.ts'
import { recordEvent } from './audit.ts'
import type { AppContext } from './context.ts'
import { isFinishedByEmail, usableInvitation, usableInvitationOrGuess } from './invitations.ts'
import { queueMessage } from './outbox.ts'
import { judgeNewPassword } from './password-policy.ts'
import { hashPassword } from './passwords.ts'
import { hashToken, newToken } from './secrets.ts'

/**
 * Accepting an invitation (OWASP ASVS 5.0 V6.3.8): with a new account on the operator's link,
 * from an existing account's full session, or, for a coordinator's invitation, by sending a
 * confirmation to the invited address (finished in invitation-confirmations.ts).
 */

/** What every acceptance by a new password is told, whether or not the address had an account. */
export const INVITATION_ACCEPTED =
  'Your account is set up: sign in with your e-mail address and the password you chose. If you already had a Haven account, we have e-mailed you what to do instead.'

/**
 * Accepts an invitation by making a new account with a password. When the address already
 * has an account, nothing is made and no password is checked: its owner is e-mailed to sign
 * in and accept from their own session (`acceptInvitationAsMember`). The answer and its
 * cost (one argon2id hash) are the same either way, so the holder of the link learns nothing
 * about other centres (OWASP ASVS 5.0 V6.3.8 no enumeration). Single use; refused once used
 * or expired.
 */
export async function acceptInvitation(
  ctx: AppContext,
  input: { token: string; displayName?: string | undefined; password: string },
  source: string,
): Promise<{ message: string; accountId: string | undefined }> {
  const peek = await usableInvitationOrGuess(ctx, input.token, source)
  if (isFinishedByEmail(peek)) {
    await answerByLink(ctx, input.token)
    return { message: INVITATION_ANSWERED, accountId: undefined }
  }
  const displayName = (input.displayName ?? '').trim()
  if (displayName.length === 0 || displayName.length > 120) {
    throw new HavenError('invalid_input', 'displayName must be 1 to 120 characters', 'displayName')
  }
  const verdict = judgeNewPassword(input.password, [peek.email.split('@')[0] ?? '', displayName])
  if (!verdict.ok) throw new HavenError('invalid_input', verdict.reason, 'password')
  const passwordHash = await hashPassword(input.password)
  const accountId = await ctx.db.transaction().execute(async (trx) => {
    const invitation = await usableInvitation(ctx, trx, input.token)
    const now = ctx.now()
    if (await findAccountByEmail(trx, invitation.email)) {
      // Read again: if this very invitation just made the account (a second click of the
      // same form), it is used now, and this answer is "already used", with no message.
      await usableInvitation(ctx, trx, input.token)
      // The link is answered: its owner is told once, and the link answers as used from now
      // on, as it would had it made an account.
      const isFirst = await answerInvitation(trx, invitation.id, {
        at: now.toISOString(),
        confirmTokenHash: hashToken(newToken()),
      })
      if (!isFirst) throw new HavenError('gone', 'this invitation has already been used')
      const centre = await findCentre(trx, invitation.centreId)
      await queueMessage(ctx, trx, {
        centreId: invitation.centreId,
        recipient: invitation.email,
        subject: 'Your Haven invitation',
        body: `Someone used your invitation link to set up a new Haven account, but you already have one, so nothing was changed.\n\nTo accept the invitation from ${centre?.name ?? 'the centre'}, sign in to Haven as usual (with your second factor), then open the invitation link again and choose to accept it with your account.\n\nIf you did not expect this, tell the person who invited you.\n`,
      })
      await recordEvent(trx, {
        type: 'invitation.existing_account',
        at: now,
        // In the installation's log, not the centre's: the centre's coordinator reads theirs,
        // and whether an address has an account elsewhere is not theirs to learn.
        subjectId: invitation.id,
      })
      return undefined
    }
    const accountId = await makeInvitedAccount(ctx, trx, invitation, {
      displayName,
      passwordHash,
    })
    await grantInvitedRoles(trx, invitation, accountId, now)
    return accountId
  })
  // The account's id is for the caller's own use (tests, the demo); the HTTP answer is only
  // the message, the same whether or not an account was made.
  return { message: INVITATION_ACCEPTED, accountId }
}

/**
 * Someone who already has an account accepts an invitation from a full session (signed in to
 * any of their centres, second factor done), never by typing their password into it. The
 * invitation must be addressed to the account's own e-mail.
 */
export async function acceptInvitationAsMember(
  ctx: AppContext,
  actor: Actor,
  token: string,
  source: string,
): Promise<{ centreId: string; centreSlug: string; roles: string[] }> {
  await usableInvitationOrGuess(ctx, token, source, { mayBeAnswered: true })
  const account = await findAccount(ctx.db, actor.accountId)
  if (!account) throw new HavenError('unauthenticated', 'sign in first')
  return ctx.db.transaction().execute(async (trx) => {
    const invitation = await usableInvitation(ctx, trx, token, { mayBeAnswered: true })
    if (invitation.email !== account.email) {
      throw new HavenError(
        'forbidden',
        'this invitation is for another e-mail address; sign in with that account to accept it',
      )
    }
    await grantInvitedRoles(trx, invitation, account.id, ctx.now())
    const centre = await findCentre(trx, invitation.centreId)
    return {
      centreId: invitation.centreId,
      centreSlug: centre?.slug ?? '',
      roles: invitation.roles,
    }
  })
}

/** What the link's holder is told once a coordinator's invitation is answered, in every case. */
export const INVITATION_ANSWERED =
  'Thank you. We have e-mailed a link to the address this invitation was sent to: open it there to finish.'

/**
 * Answers a coordinator's invitation on its link: a confirmation goes to the invited address,
 * where its owner chooses a name and password (or, with an account already, accepts from
 * their session). Nothing else changes until then (`confirmInvitation`), and the invitation's
 * own link is used up either way.
 */
async function answerByLink(ctx: AppContext, token: string): Promise<void> {
  const confirmToken = newToken()
  await ctx.db.transaction().execute(async (trx) => {
    const invitation = await usableInvitation(ctx, trx, token)
    const now = ctx.now()
    const isAnswered = await answerInvitation(trx, invitation.id, {
      at: now.toISOString(),
      confirmTokenHash: hashToken(confirmToken),
    })
    if (!isAnswered) throw new HavenError('gone', 'this invitation has already been used')
    const hasAccount = (await findAccountByEmail(trx, invitation.email)) !== undefined
    const centre = await findCentre(trx, invitation.centreId)
    const link = `${ctx.publicUrl}/invitation-confirmations/${confirmToken}`
    await queueMessage(ctx, trx, {
      centreId: invitation.centreId,
      recipient: invitation.email,
      subject: 'Your Haven invitation',
      body: hasAccount
        ? `You already have a Haven account, so no new one is needed.\n\nTo accept the invitation from ${centre?.name ?? 'the centre'} with your account, sign in to Haven as usual (with your second factor), then open this link (it works once, until the invitation expires):\n${link}\n\nIf you did not expect this, tell the person who invited you.\n`
        : `To set up your Haven account, open this link and choose your name and password (it works once, until the invitation expires):\n${link}\n\nWho invited you: ${centre?.name ?? 'the centre'}.\n\nIf you did not expect this, ignore this message: nothing is set up until you do.\n`,
    })
    await recordEvent(trx, {
      type: 'invitation.answered',
      at: now,
      centreId: invitation.centreId,
      subjectId: invitation.id,
    })
  })
}

/**
 * Makes the invited person's account with the name and password they chose, recorded; a
 * `conflict` when the address got an account meanwhile (another invitation, at the same moment).
 */
export async function makeInvitedAccount(
  ctx: AppContext,
  trx: Db,
  invitation: StoredInvitation,
  chosen: { displayName: string; passwordHash: string },
): Promise<string> {
  const now = ctx.now()
  const accountId = ctx.newId()
  const isMade = await insertAccount(trx, {
    id: accountId,
    email: invitation.email,
    displayName: chosen.displayName,
    passwordHash: chosen.passwordHash,
    totpSecretCiphertext: undefined,
    totpPendingCiphertext: undefined,
    totpLastStep: undefined,
    isDisabled: false,
    createdAt: now.toISOString(),
    updatedAt: now.toISOString(),
    version: 1,
  })
  if (!isMade)
    throw new HavenError(
      'conflict',
      'an account for this e-mail was made meanwhile; open the link again',
    )
  await recordEvent(trx, {
    type: 'account.created',
    at: now,
    centreId: invitation.centreId,
    actorId: accountId,
    subjectId: accountId,
  })
  return accountId
}

/** Uses the invitation once and grants its roles in its centre, recorded. */
export async function grantInvitedRoles(
  trx: Db,
  invitation: StoredInvitation,
  accountId: string,
  now: Date,
): Promise<void> {
  // Under the centre's lock, which closing it holds (decision 0047): an invitation accepted
  // or confirmed while the centre closes either granted its roles before, or finds it closed.
  await lockCentre(trx, invitation.centreId)
  if ((await findCentre(trx, invitation.centreId))?.closedAt !== undefined)
    throw new HavenError('gone', 'this centre has closed on this installation')
  if (!(await markInvitationAccepted(trx, invitation.id, accountId, now.toISOString()))) {
    throw new HavenError('gone', 'this invitation has already been used')
  }
  await insertRoles(
    trx,
    invitation.roles.map((role) => ({
      accountId,
      centreId: invitation.centreId,
      role,
      agencyKind: isReferrer([role]) ? invitation.agencyKind : undefined,
      agencyName: isReferrer([role]) ? invitation.agencyName : undefined,
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
}
