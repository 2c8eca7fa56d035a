import type { Db } from '../storage/database.ts'
import {
  insertMessage,
  listUnsentMessages,
  markMessageSent,
  recordDeliveryAttempt,
} from '../storage/outbox.ts'
import type { AppContext } from './context.ts'
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

/**
 * Hands every unsent message to `deliver`, marking each sent (and erasing its body) after.
 * A message that fails is counted as an attempt and tried again next time; the others go on.
 */
export async function deliverOutbox(
  ctx: AppContext,
  deliver: (message: OutgoingMessage) => Promise<void>,
): Promise<{ delivered: number; failed: number }> {
  let delivered = 0
  let failed = 0
  for (const message of await listUnsentMessages(ctx.db)) {
    const body = message.bodyCiphertext
      ? openWithMasterKey(ctx.masterKey, 'outbox', message.bodyCiphertext).toString('utf8')
      : ''
    try {
      await deliver({ recipient: message.recipient, subject: message.subject, body })
    } catch {
      await recordDeliveryAttempt(ctx.db, message.id)
      failed += 1
      continue
    }
    await markMessageSent(ctx.db, message.id, ctx.now().toISOString())
    delivered += 1
  }
  return { delivered, failed }
}
