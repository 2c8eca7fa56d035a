import type { Db } from './database.ts'

export interface StoredMessage {
  id: string
  centreId: string | undefined
  recipient: string
  subject: string
  bodyCiphertext: string | undefined
  createdAt: string
  sentAt: string | undefined
  attempts: number
}

export async function insertMessage(db: Db, message: StoredMessage): Promise<void> {
  await db
    .insertInto('outbox')
    .values({
      id: message.id,
      centre_id: message.centreId ?? null,
      recipient: message.recipient,
      subject: message.subject,
      body_ciphertext: message.bodyCiphertext ?? null,
      created_at: message.createdAt,
      sent_at: null,
      attempts: 0,
    })
    .execute()
}

export async function listUnsentMessages(db: Db, limit = 100): Promise<StoredMessage[]> {
  const rows = await db
    .selectFrom('outbox')
    .selectAll()
    .where('sent_at', 'is', null)
    .orderBy('created_at')
    .limit(limit)
    .execute()
  return rows.map((row) => ({
    id: row.id,
    centreId: row.centre_id ?? undefined,
    recipient: row.recipient,
    subject: row.subject,
    bodyCiphertext: row.body_ciphertext ?? undefined,
    createdAt: row.created_at,
    sentAt: row.sent_at ?? undefined,
    attempts: row.attempts,
  }))
}

/** Marks a message sent and erases its body: a one-time link must not outlive delivery. */
export async function markMessageSent(db: Db, id: string, at: string): Promise<void> {
  await db
    .updateTable('outbox')
    .set({ sent_at: at, body_ciphertext: null })
    .where('id', '=', id)
    .execute()
}

export async function recordDeliveryAttempt(db: Db, id: string): Promise<void> {
  await db
    .updateTable('outbox')
    .set((eb) => ({ attempts: eb('attempts', '+', 1) }))
    .where('id', '=', id)
    .execute()
}
