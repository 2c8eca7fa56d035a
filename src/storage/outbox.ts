import type { Db } from './database.ts'
import type { OutboxRow } from './schema.ts'

export interface StoredMessage {
  id: string
  centreId: string | undefined
  recipient: string
  subject: string
  bodyCiphertext: string | undefined
  createdAt: string
  sentAt: string | undefined
  attempts: number
  nextAttemptAt?: string | undefined
  /** The class of the last failure. */
  lastError?: string | undefined
  setAsideAt?: string | undefined
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
      next_attempt_at: null,
      last_error: null,
      set_aside_at: null,
    })
    .execute()
}

function toMessage(row: OutboxRow): StoredMessage {
  return {
    id: row.id,
    centreId: row.centre_id ?? undefined,
    recipient: row.recipient,
    subject: row.subject,
    bodyCiphertext: row.body_ciphertext ?? undefined,
    createdAt: row.created_at,
    sentAt: row.sent_at ?? undefined,
    attempts: row.attempts,
    nextAttemptAt: row.next_attempt_at ?? undefined,
    lastError: row.last_error ?? undefined,
    setAsideAt: row.set_aside_at ?? undefined,
  }
}

/**
 * Unsent messages whose turn has come, oldest first: not set aside, and never tried or due
 * for their next attempt. One that keeps failing waits its backoff and never fills the page.
 */
export async function listDueMessages(db: Db, now: string, limit = 100): Promise<StoredMessage[]> {
  const rows = await db
    .selectFrom('outbox')
    .selectAll()
    .where('sent_at', 'is', null)
    .where('set_aside_at', 'is', null)
    .where((eb) => eb.or([eb('next_attempt_at', 'is', null), eb('next_attempt_at', '<=', now)]))
    .orderBy('created_at')
    .orderBy('id')
    .limit(limit)
    .execute()
  return rows.map(toMessage)
}

/**
 * Claims a due message for one delivery: moves its next attempt `until` a lease's end, only
 * if it is still unsent, not set aside and due at `now`. Of several servers delivering the
 * same outbox exactly one gets the row (a conditional update changes it once), so no message
 * is sent twice; a server that dies mid-delivery leaves it to be tried when the lease ends.
 * Sent or failed, the delivery's outcome then replaces the lease. Returns the attempts made
 * so far as the row now says, or undefined when another took it (or it is no longer due).
 */
export async function claimMessage(
  db: Db,
  id: string,
  now: string,
  until: string,
): Promise<{ attempts: number } | undefined> {
  return db
    .updateTable('outbox')
    .set({ next_attempt_at: until })
    .where('id', '=', id)
    .where('sent_at', 'is', null)
    .where('set_aside_at', 'is', null)
    .where((eb) => eb.or([eb('next_attempt_at', 'is', null), eb('next_attempt_at', '<=', now)]))
    .returning('attempts')
    .executeTakeFirst()
}

/** Messages set aside, newest first: a centre's, or the installation's own (centre undefined). */
export async function listSetAsideMessages(
  db: Db,
  centreId: string | undefined,
): Promise<StoredMessage[]> {
  const rows = await db
    .selectFrom('outbox')
    .selectAll()
    .where('sent_at', 'is', null)
    .where('set_aside_at', 'is not', null)
    .where('centre_id', centreId === undefined ? 'is' : '=', centreId ?? null)
    .orderBy('set_aside_at', 'desc')
    .orderBy('id')
    .execute()
  return rows.map(toMessage)
}

/** Marks a message sent and erases its body: a one-time link must not outlive delivery. */
export async function markMessageSent(db: Db, id: string, at: string): Promise<void> {
  await db
    .updateTable('outbox')
    .set({ sent_at: at, body_ciphertext: null })
    .where('id', '=', id)
    .execute()
}

/**
 * A failed attempt: counted, its error's class kept, and either a time for the next attempt
 * or (next undefined) set aside. Only a message still unsent and not set aside is changed.
 */
export async function recordFailedAttempt(
  db: Db,
  id: string,
  failure: { errorClass: string; at: string; nextAttemptAt: string | undefined },
): Promise<void> {
  await db
    .updateTable('outbox')
    .set((eb) => ({
      attempts: eb('attempts', '+', 1),
      last_error: failure.errorClass,
      next_attempt_at: failure.nextAttemptAt ?? null,
      set_aside_at: failure.nextAttemptAt === undefined ? failure.at : null,
    }))
    .where('id', '=', id)
    .where('sent_at', 'is', null)
    .where('set_aside_at', 'is', null)
    .execute()
}

/** A set-aside message put back in line, to be tried at once; false when none was. */
export async function returnMessageToLine(
  db: Db,
  id: string,
  centreId: string | undefined,
): Promise<boolean> {
  const result = await db
    .updateTable('outbox')
    .set({ set_aside_at: null, next_attempt_at: null, attempts: 0 })
    .where('id', '=', id)
    .where('centre_id', centreId === undefined ? 'is' : '=', centreId ?? null)
    .where('sent_at', 'is', null)
    .where('set_aside_at', 'is not', null)
    .executeTakeFirst()
  return Number(result.numUpdatedRows) > 0
}
