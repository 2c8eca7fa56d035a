import type { Db } from '../storage/database.ts'
import { HavenError } from '../domain/errors.ts'
import {
  claimMessage,
  insertMessage,
  listDueMessages,
  listSetAsideMessages,
  markMessageSent,
  recordFailedAttempt,
  returnMessageToLine,
} from '../storage/outbox.ts'
import type { Actor } from './actor.ts'
import { recordEvent } from './audit.ts'
import type { AppContext } from './context.ts'
import { auditedRead, inCentre } from './in-centre.ts'
import { requireAbility } from './policy-access.ts'
import { openWithMasterKey, sealWithMasterKey } from './field-crypto.ts'

/**
 * Messages to people (invitations, password resets) go through an outbox written in the
 * same transaction as the action. Bodies may hold a one-time link, so they are sealed under
 * the master key and erased once delivered. Delivery: by SMTP from the server when
 * HAVEN_SMTP_URL is set (src/app/smtp.ts); otherwise `haven outbox deliver` prints them
 * (the demo, or a machine without mail).
 */
export async function queueMessage(
  ctx: AppContext,
  trx: Db,
  message: { centreId: string | undefined; recipient: string; subject: string; body: string },
): Promise<void> {
  await insertMessage(trx, {
    id: ctx.newId(),
    centreId: message.centreId,
    recipient: message.recipient,
    subject: message.subject,
    bodyCiphertext: sealWithMasterKey(ctx.masterKey, 'outbox', Buffer.from(message.body, 'utf8')),
    createdAt: ctx.now().toISOString(),
    sentAt: undefined,
    attempts: 0,
  })
}

export interface OutgoingMessage {
  recipient: string
  subject: string
  body: string
}

/** After this many failed attempts a message is set aside (about half a day of trying). */
export const MAX_DELIVERY_ATTEMPTS = 10
const FIRST_BACKOFF_MS = 60_000
const LONGEST_BACKOFF_MS = 4 * 60 * 60_000
/** How long a claimed message is left to its deliverer before another may try it. */
const DELIVERY_LEASE_MS = 10 * 60_000

/** How long to wait after the nth failed attempt: a minute, doubling, at most four hours. */
export function backoffAfter(attempts: number): number {
  return Math.min(LONGEST_BACKOFF_MS, FIRST_BACKOFF_MS * 2 ** Math.max(0, attempts - 1))
}

/**
 * What kind of failure a delivery error is, in words safe for the log and the page (never the
 * error's own message, which may name the recipient), and whether trying again could help.
 * Nodemailer's codes and the SMTP reply code decide; anything else is `other`, tried again.
 */
export function classifyDeliveryError(error: unknown): {
  errorClass: string
  isPermanent: boolean
} {
  const { code, responseCode } = (error ?? {}) as { code?: unknown; responseCode?: unknown }
  const reply = typeof responseCode === 'number' ? responseCode : undefined
  if (code === 'EAUTH' || reply === 535) return { errorClass: 'authentication', isPermanent: false }
  // 4xx: the server says "not now".
  if (reply !== undefined && reply >= 400 && reply < 500)
    return { errorClass: 'deferred', isPermanent: false }
  if (code === 'EENVELOPE' || (reply !== undefined && reply >= 550 && reply <= 553))
    return { errorClass: 'recipient_refused', isPermanent: true }
  if (reply !== undefined && reply >= 500) return { errorClass: 'rejected', isPermanent: true }
  if (code === 'ETIMEDOUT') return { errorClass: 'timeout', isPermanent: false }
  if (code === 'ECONNECTION' || code === 'ESOCKET' || code === 'EDNS' || code === 'ECONNREFUSED')
    return { errorClass: 'connection', isPermanent: false }
  return { errorClass: 'other', isPermanent: false }
}

export interface DeliveryRound {
  delivered: number
  failed: number
  /** Of the failures, those set aside now (too many attempts, or refused for good). */
  setAside: number
  /** Failures by class, for the log. */
  errors: Record<string, number>
}

/**
 * Hands every message whose turn has come to `deliver`, marking each sent (and erasing its
 * body) after. A message that fails waits before its next attempt (a minute, doubling, at
 * most four hours); one refused for good, or failed MAX_DELIVERY_ATTEMPTS times, is set
 * aside for the coordinator to see and send again. The others go on regardless.
 */
export async function deliverOutbox(
  ctx: AppContext,
  deliver: (message: OutgoingMessage) => Promise<void>,
): Promise<DeliveryRound> {
  const round: DeliveryRound = { delivered: 0, failed: 0, setAside: 0, errors: {} }
  for (const message of await listDueMessages(ctx.db, ctx.now().toISOString())) {
    // Another server on the same database may have listed it too: whoever claims it sends it.
    const claimedAt = ctx.now()
    const leaseEnd = new Date(claimedAt.getTime() + DELIVERY_LEASE_MS).toISOString()
    const claimed = await claimMessage(ctx.db, message.id, claimedAt.toISOString(), leaseEnd)
    if (!claimed) continue
    const body = message.bodyCiphertext
      ? openWithMasterKey(ctx.masterKey, 'outbox', message.bodyCiphertext).toString('utf8')
      : ''
    try {
      await deliver({ recipient: message.recipient, subject: message.subject, body })
    } catch (error) {
      const { errorClass, isPermanent } = classifyDeliveryError(error)
      const attempts = claimed.attempts + 1
      const now = ctx.now()
      const isSetAside = isPermanent || attempts >= MAX_DELIVERY_ATTEMPTS
      await recordFailedAttempt(ctx.db, message.id, {
        errorClass,
        at: now.toISOString(),
        nextAttemptAt: isSetAside
          ? undefined
          : new Date(now.getTime() + backoffAfter(attempts)).toISOString(),
      })
      round.failed += 1
      if (isSetAside) round.setAside += 1
      round.errors[errorClass] = (round.errors[errorClass] ?? 0) + 1
      continue
    }
    await markMessageSent(ctx.db, message.id, ctx.now().toISOString())
    round.delivered += 1
  }
  return round
}

/** A message that could not be sent, as the coordinator sees it: to whom, what, why. */
export interface SetAsideMessage {
  id: string
  recipient: string
  subject: string
  attempts: number
  lastError: string | undefined
  createdAt: string
  setAsideAt: string
}

/**
 * The centre's messages that were set aside (issue 16), for those who manage its people:
 * invitations and resets are theirs to send again or replace.
 */
export async function listUndeliveredMessages(
  ctx: AppContext,
  actor: Actor,
): Promise<SetAsideMessage[]> {
  await requireAbility(ctx, actor, 'manage_members')
  return auditedRead(ctx, actor.centreId, async (trx) => {
    const rows = await listSetAsideMessages(trx, actor.centreId)
    await recordEvent(trx, {
      type: 'records.listed',
      at: ctx.now(),
      centreId: actor.centreId,
      actorId: actor.accountId,
      details: { resource: 'undelivered_message', count: rows.length },
    })
    return rows.map((m) => ({
      id: m.id,
      recipient: m.recipient,
      subject: m.subject,
      attempts: m.attempts,
      lastError: m.lastError,
      createdAt: m.createdAt,
      setAsideAt: m.setAsideAt ?? '',
    }))
  })
}

/** Puts a set-aside message back in line, to be tried at once and as often again. */
export async function sendMessageAgain(ctx: AppContext, actor: Actor, id: string): Promise<void> {
  await requireAbility(ctx, actor, 'manage_members')
  await inCentre(ctx, actor.centreId, async (trx) => {
    if (!(await returnMessageToLine(trx, id, actor.centreId)))
      throw new HavenError('conflict', 'no such message is waiting to be sent again')
    await recordEvent(trx, {
      type: 'message.retried',
      at: ctx.now(),
      centreId: actor.centreId,
      actorId: actor.accountId,
      subjectId: id,
    })
  })
}
